// The /metrics query string -> parse_selection() and url_decode(); the bytes also as a request
// path (decode_path), as an Accept-Encoding header value and as the start of a request
// (parse_request_head, what the server's event loop runs on every read).
#include <string>

#include "cmd/routes.h"
#include "server/content_encoding.h"
#include "server/http_request.h"
#include "server/url.h"
#include "fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto text = ifmib::fuzz::text(data, size);
  (void)ifmib::cmd::parse_selection(text);
  if (auto decoded = ifmib::server::url_decode(text)) {
    // Decoding is strict: whatever it accepts, it must shrink (each %XX becomes one byte).
    if (decoded->size() > text.size()) __builtin_trap();
  }
  if (auto path = ifmib::server::decode_path(text)) {
    // A decoded path never holds a NUL: C string code downstream would cut it there.
    if (path->find('\0') != std::string::npos) __builtin_trap();
  }
  (void)ifmib::server::accepts_gzip(text);
  for (const std::size_t limit : {std::size_t{64}, std::size_t{16384}}) {
    const auto head = ifmib::server::parse_request_head(text, limit);
    using Status = ifmib::server::HeadParse::Status;
    // A complete head lies within the bytes and the limit and has an origin-form path; an
    // invalid one names a 4xx/5xx; nothing stays incomplete past the limit.
    if (head.status == Status::complete &&
        (head.consumed > text.size() || head.consumed > limit || head.request.path.empty() ||
         head.request.path.front() != '/')) {
      __builtin_trap();
    }
    if (head.status == Status::invalid && (head.error_status < 400 || head.error_status > 505)) __builtin_trap();
    if (head.status == Status::incomplete && text.size() >= limit) __builtin_trap();
  }
  return 0;
}
