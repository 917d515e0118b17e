#include "server/http_request.h"

#include <algorithm>

namespace ifmib::server {

namespace {

bool equals_ignore_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

// RFC 9110 section 5.6.2: token characters.
bool is_tchar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool is_token(std::string_view s) { return !s.empty() && std::all_of(s.begin(), s.end(), is_tchar); }

// Visible ASCII and obs-text in a target; no controls, no spaces.
bool is_target_char(char c) { return static_cast<unsigned char>(c) > 0x20 && c != 0x7f; }

HeadParse invalid(int status, std::string why) {
  HeadParse out;
  out.status = HeadParse::Status::invalid;
  out.error_status = status;
  out.error = std::move(why);
  return out;
}

}  // namespace

std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

const std::string* HttpRequest::header(std::string_view name) const {
  for (const auto& [n, v] : headers) {
    if (equals_ignore_case(n, name)) return &v;
  }
  return nullptr;
}

HeadParse parse_request_head(std::string_view received, std::size_t max_head) {
  // RFC 9112 section 2.2: empty lines before the request line are ignored.
  std::size_t start = 0;
  while (start < received.size() && (received[start] == '\r' || received[start] == '\n')) ++start;
  const std::string_view text = received.substr(start);
  // The head ends at an empty line; lines end in CRLF, or a bare LF (RFC 9112 section 2.2 lets a
  // recipient accept that).
  std::size_t end = std::string_view::npos, body_at = 0;
  for (std::size_t i = text.find('\n'); i != std::string_view::npos; i = text.find('\n', i + 1)) {
    if (i + 1 < text.size() && text[i + 1] == '\n') {
      end = i + 1;
      body_at = i + 2;
      break;
    }
    if (i + 2 < text.size() && text[i + 1] == '\r' && text[i + 2] == '\n') {
      end = i + 1;
      body_at = i + 3;
      break;
    }
  }
  if (end == std::string_view::npos) {
    if (received.size() < max_head) return {};
    if (text.find('\n') == std::string_view::npos) return invalid(414, "request line longer than the request limit");
    return invalid(431, "request head longer than the limit of " + std::to_string(max_head) + " bytes");
  }
  if (start + body_at > max_head) {
    return invalid(431, "request head longer than the limit of " + std::to_string(max_head) + " bytes");
  }

  HeadParse out;
  HttpRequest& r = out.request;
  std::string_view head = text.substr(0, end);
  const auto next_line = [&head]() {
    const auto nl = head.find('\n');
    std::string_view line = head.substr(0, nl);
    head = nl == std::string_view::npos ? std::string_view{} : head.substr(nl + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    return line;
  };

  // request-line = method SP request-target SP HTTP-version
  const std::string_view line = next_line();
  const auto sp1 = line.find(' ');
  const auto sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos || line.find(' ', sp2 + 1) != std::string_view::npos) {
    return invalid(400, "malformed request line");
  }
  const std::string_view method = line.substr(0, sp1), target = line.substr(sp1 + 1, sp2 - sp1 - 1),
                         version = line.substr(sp2 + 1);
  if (!is_token(method)) return invalid(400, "malformed method");
  if (version.size() != 8 || version.substr(0, 5) != "HTTP/" || version[6] != '.' || version[5] < '0' ||
      version[5] > '9' || version[7] < '0' || version[7] > '9') {
    return invalid(400, "malformed HTTP version");
  }
  if (version[5] != '1' || version[7] > '1') return invalid(505, "HTTP version not supported");
  r.minor_version = version[7] - '0';
  if (target.empty() || !std::all_of(target.begin(), target.end(), is_target_char)) {
    return invalid(400, "malformed request target");
  }
  std::string_view origin = target;
  // absolute-form (RFC 9112 section 3.2.2): servers must accept it; the authority is ignored.
  for (const std::string_view scheme : {"http://", "https://"}) {
    if (origin.size() > scheme.size() && equals_ignore_case(origin.substr(0, scheme.size()), scheme)) {
      origin.remove_prefix(scheme.size());
      const auto slash = origin.find_first_of("/?");
      origin = slash == std::string_view::npos ? std::string_view("/") : origin.substr(slash);
      if (origin.front() == '?') return invalid(400, "malformed request target");
    }
  }
  if (origin.front() != '/') return invalid(400, "request target must start with '/'");
  const auto question = origin.find('?');
  r.path = std::string(origin.substr(0, question));
  if (question != std::string_view::npos) r.query = std::string(origin.substr(question + 1));
  r.method = std::string(method);

  // header-field = field-name ":" OWS field-value OWS
  bool close = false, keep_alive = false;
  std::string_view content_length;
  while (!head.empty()) {
    const std::string_view field = next_line();
    if (field.empty()) break;
    if (field.front() == ' ' || field.front() == '\t') return invalid(400, "obsolete line folding");
    const auto colon = field.find(':');
    if (colon == std::string_view::npos || !is_token(field.substr(0, colon))) {
      return invalid(400, "malformed header line");
    }
    const std::string_view name = field.substr(0, colon), value = trim_ows(field.substr(colon + 1));
    if (std::any_of(value.begin(), value.end(), [](char c) {
          return (static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7f;
        })) {
      return invalid(400, "control character in header " + std::string(name));
    }
    if (equals_ignore_case(name, "content-length")) {
      if (value.empty() || !std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
          (!content_length.empty() && content_length != value)) {
        return invalid(400, "bad Content-Length");
      }
      content_length = value;
      if (value.find_first_not_of('0') != std::string_view::npos) r.has_body = true;
    } else if (equals_ignore_case(name, "transfer-encoding")) {
      r.has_body = true;
    } else if (equals_ignore_case(name, "connection")) {
      each_list_item(value, [&](std::string_view option) {
        if (equals_ignore_case(option, "close")) close = true;
        if (equals_ignore_case(option, "keep-alive")) keep_alive = true;
      });
    }
    r.headers.emplace_back(std::string(name), std::string(value));
  }
  r.keep_alive = !close && (r.minor_version == 1 || keep_alive);
  out.status = HeadParse::Status::complete;
  out.consumed = start + body_at;
  return out;
}

}  // namespace ifmib::server
