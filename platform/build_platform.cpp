#include "platform/build_platform.h"

// IFMIB_OS_NAME ("linux", "freebsd") is set by CMakeLists.txt for this file alone, from the same
// CMAKE_SYSTEM_NAME test that chooses the OS sources.
#ifndef IFMIB_OS_NAME
#error "IFMIB_OS_NAME must come from the build (CMakeLists.txt)"
#endif

namespace ifmib::platform {

const char* build_platform() {
#if defined(__x86_64__)
  return IFMIB_OS_NAME "/amd64";
#elif defined(__aarch64__)
  return IFMIB_OS_NAME "/arm64";
#else
  return IFMIB_OS_NAME;
#endif
}

}  // namespace ifmib::platform
