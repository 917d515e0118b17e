// The /metrics query string -> parse_selection() and url_decode(); the bytes also as a request
// path (decode_path) and as an Accept-Encoding header value.
#include <string>

#include "cmd/http_server.h"
#include "fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto text = ifmib::fuzz::text(data, size);
  (void)ifmib::cmd::parse_selection(text);
  if (auto decoded = ifmib::cmd::url_decode(text)) {
    // Decoding is strict: whatever it accepts, it must shrink (each %XX becomes one byte).
    if (decoded->size() > text.size()) __builtin_trap();
  }
  if (auto path = ifmib::cmd::decode_path(text)) {
    // A decoded path never holds a NUL: C string code downstream would cut it there.
    if (path->find('\0') != std::string::npos) __builtin_trap();
  }
  (void)ifmib::cmd::accepts_gzip(text);
  return 0;
}
