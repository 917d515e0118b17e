#include "platform/address_text.h"

#include <array>

namespace ifmib::platform {

namespace {

constexpr char kHex[] = "0123456789abcdef";

// The formatters write into a stack buffer and make one std::string at the end: most results
// fit its in-place storage (15 characters), so there is no allocation, where reserve(39) and an
// append per character made one each (5 000 IPv6 groups per full scrape at 1000 interfaces).
char* put_decimal(char* out, unsigned v) {
  if (v >= 100) *out++ = static_cast<char>('0' + v / 100);
  if (v >= 10) *out++ = static_cast<char>('0' + v / 10 % 10);
  *out++ = static_cast<char>('0' + v % 10);
  return out;
}

char* put_dotted(char* out, const std::uint8_t* bytes) {
  for (int i = 0; i < 4; ++i) {
    if (i != 0) *out++ = '.';
    out = put_decimal(out, bytes[i]);
  }
  return out;
}

// One 16-bit word in hex without leading zeros ("0" for zero).
char* put_word(char* out, unsigned w) {
  bool started = false;
  for (int shift = 12; shift >= 0; shift -= 4) {
    const unsigned digit = (w >> shift) & 0xf;
    if (digit != 0 || started || shift == 0) {
      *out++ = kHex[digit];
      started = true;
    }
  }
  return out;
}

}  // namespace

std::string ipv4_text(std::span<const std::uint8_t, 4> addr) {
  char buf[16];  // "255.255.255.255"
  return std::string(buf, put_dotted(buf, addr.data()));
}

std::string ipv6_text(std::span<const std::uint8_t, 16> addr) {
  std::array<unsigned, 8> words{};
  for (std::size_t i = 0; i < words.size(); ++i) {
    words[i] = (static_cast<unsigned>(addr[2 * i]) << 8) | addr[2 * i + 1];
  }
  // The longest run of two or more zero words (the first one on a tie) becomes "::".
  int best_start = -1, best_len = 0;
  for (int i = 0; i < 8;) {
    if (words[static_cast<std::size_t>(i)] != 0) {
      ++i;
      continue;
    }
    int j = i;
    while (j < 8 && words[static_cast<std::size_t>(j)] == 0) ++j;
    if (j - i > best_len) {
      best_start = i;
      best_len = j - i;
    }
    i = j;
  }
  if (best_len < 2) best_start = -1;

  char buf[48];  // at most 39 characters ("ffff:" * 7 + "ffff"), or 45 with a dotted tail
  char* out = buf;
  for (int i = 0; i < 8; ++i) {
    if (i == best_start) {
      *out++ = ':';
      *out++ = ':';
      i += best_len - 1;
      continue;
    }
    if (out != buf && out[-1] != ':') *out++ = ':';
    // inet_ntop6's embedded IPv4, reached only after a leading run: "::a.b.c.d" when words 0-5
    // are zero and word 6 is not ("::2" stays hex), "::ffff:a.b.c.d" when word 5 is 0xffff.
    if (i == 6 && best_start == 0 &&
        (best_len == 6 || (best_len == 7 && words[7] != 0x0001) || (best_len == 5 && words[5] == 0xffff))) {
      out = put_dotted(out, addr.data() + 12);
      break;
    }
    out = put_word(out, words[static_cast<std::size_t>(i)]);
  }
  return std::string(buf, out);
}

std::string link_text(std::span<const std::uint8_t> addr) {
  // Sized once and filled in place: a full scrape formats some 4 000 link-layer groups at 1000
  // interfaces, and an append per character was a third of parsing /proc/net/dev_mcast.
  if (addr.empty()) return {};
  std::string out(addr.size() * 3 - 1, ':');
  for (std::size_t i = 0; i < addr.size(); ++i) {
    out[3 * i] = kHex[addr[i] >> 4];
    out[3 * i + 1] = kHex[addr[i] & 0xf];
  }
  return out;
}

}  // namespace ifmib::platform
