#include "platform/build_platform.h"

namespace ifmib::platform {

const char* build_platform() {
#if defined(__x86_64__)
  return "linux/amd64";
#elif defined(__aarch64__)
  return "linux/arm64";
#else
  return "linux";
#endif
}

}  // namespace ifmib::platform
