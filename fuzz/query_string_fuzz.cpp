// The /metrics query string -> parse_selection() and url_decode(); the bytes also as an
// Accept-Encoding header value.
#include "cmd/http_server.h"
#include "fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto text = ifmib::fuzz::text(data, size);
  (void)ifmib::cmd::parse_selection(text);
  if (auto decoded = ifmib::cmd::url_decode(text)) {
    // Decoding is strict: whatever it accepts, it must shrink (each %XX becomes one byte).
    if (decoded->size() > text.size()) __builtin_trap();
  }
  (void)ifmib::cmd::accepts_gzip(text);
  return 0;
}
