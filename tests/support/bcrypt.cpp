#include "tests/support/bcrypt.h"

#include <crypt.h>
#include <doctest/doctest.h>

#include <memory>

namespace ifmib::test {

std::string bcrypt_hash(const std::string& password) {
  char setting[CRYPT_GENSALT_OUTPUT_SIZE];
  REQUIRE(crypt_gensalt_rn("$2b$", 4, nullptr, 0, setting, sizeof setting) != nullptr);
  auto data = std::make_unique<crypt_data>();
  const char* out = crypt_r(password.c_str(), setting, data.get());
  REQUIRE(out != nullptr);
  REQUIRE(out[0] != '*');
  return out;
}

}  // namespace ifmib::test
