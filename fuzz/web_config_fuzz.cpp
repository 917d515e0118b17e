// The --web.config.file YAML -> parse_web_config() (yaml-cpp and our own checks on top); the
// bytes also as an Authorization header value. Files named in the YAML are never opened here.
#include <string>

#include "server/basic_auth.h"
#include "server/web_config.h"
#include "fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto text = ifmib::fuzz::text(data, size);
  if (auto config = ifmib::server::parse_web_config(text, "/etc/ifmib_exporter")) {
    // Whatever is accepted holds only bcrypt hashes (anything else must have been refused).
    for (const auto& [user, hash] : config->users) {
      if (!ifmib::server::is_bcrypt_hash(hash)) __builtin_trap();
    }
  }
  std::string user, password;
  (void)ifmib::server::parse_basic_authorization(text, user, password);
  return 0;
}
