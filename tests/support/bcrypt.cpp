#include "tests/support/bcrypt.h"

// crypt_r: <crypt.h> from libxcrypt on glibc systems, <unistd.h> on FreeBSD.
#if __has_include(<crypt.h>)
#include <crypt.h>
#endif
#include <doctest/doctest.h>
#include <unistd.h>

#include <memory>

namespace ifmib::test {

std::string bcrypt_hash(const std::string& password) {
  // A fixed salt, not the product's generator: these hashes check the product, so they come from
  // libcrypt alone. Its last character ('u') leaves the 4 unused salt bits zero, as bcrypt wants.
  const char* setting = "$2b$04$abcdefghijklmnopqrstuu";
  auto data = std::make_unique<crypt_data>();
  const char* out = crypt_r(password.c_str(), setting, data.get());
  REQUIRE(out != nullptr);
  REQUIRE(out[0] != '*');
  return out;
}

}  // namespace ifmib::test
