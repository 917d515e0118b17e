#pragma once
// The OS and CPU this binary was built for, as ifmib_exporter_build_info shows it ("linux/amd64",
// "freebsd/arm64"). The OS name comes from the build (CMakeLists.txt), so that no
// collector needs to know which system it runs on.

namespace ifmib::platform {

/// A constant string; thread-safe.
const char* build_platform();

}  // namespace ifmib::platform
