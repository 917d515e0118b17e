#include "platform/build_platform.h"

namespace ifmib::platform {

const char* build_platform() {
#if defined(__x86_64__)
  return "freebsd/amd64";
#elif defined(__aarch64__)
  return "freebsd/arm64";
#else
  return "freebsd";
#endif
}

}  // namespace ifmib::platform
