#pragma once
// What this binary is: version, git revision and the OS/CPU it was built for
// ("linux/amd64", "freebsd/arm64"), as ifmib_exporter_build_info shows them. build_facts() is
// defined in build_info.cpp, which cmake/build_info.cmake writes into the build tree at every
// build, so the revision follows the checkout without a reconfigure and the sources themselves
// compile without anything generated.

namespace ifmib::platform {

struct BuildFacts {
  const char* version;
  const char* revision;
  const char* platform;
};

/// Constant for the life of the process; thread-safe.
BuildFacts build_facts();

}  // namespace ifmib::platform
