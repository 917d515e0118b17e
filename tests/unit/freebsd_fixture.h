#pragma once
// Test-side tools for the FreeBSD fixtures: a loader for annotated hex files and a fake
// sysctl::Source. Deliberately independent of platform/freebsd/abi_layout.h: every offset a
// fixture uses is typed out from shared/reference/freebsd-abi.md in the fixture itself.
//
// Annotated hex format (tests/unit/fixtures/freebsd/README.md):
//   size <N>                          buffer length; bytes not written stay zero
//   @<offset> <type> <value>  # name  one field per line
// types: u8 u16 u32 u64 i32 i64 (decimal or 0x hex, little-endian), str<N> ("text", NUL padded
// to N), ip4 (dotted quad, network order), ip6 (text, network order), bytes (hex pairs).
// Fields may not overlap; the loader checks that.

#include <arpa/inet.h>
#include <sys/socket.h>  // AF_INET, AF_INET6: glibc's <arpa/inet.h> brings them, FreeBSD's does not
#include <doctest/doctest.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <deque>
#include <map>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

#include "platform/freebsd/sysctl_source.h"
#include "tests/support/fixtures.h"

namespace ifmib::test::freebsd {

using Bytes = std::vector<std::uint8_t>;

inline Bytes parse_annotated_hex(const std::string& text, const std::string& origin) {
  Bytes out;
  std::vector<bool> used;
  bool sized = false;
  std::istringstream lines(text);
  std::string line;
  int lineno = 0;
  auto fail = [&](const std::string& why) {
    FAIL(origin << ":" << lineno << ": " << why);
  };
  auto put = [&](std::size_t off, const std::uint8_t* p, std::size_t n) {
    if (!sized) fail("field before 'size'");
    if (off + n > out.size()) fail("field past the end");
    for (std::size_t i = 0; i < n; ++i) {
      if (used[off + i]) fail("fields overlap at byte " + std::to_string(off + i));
      used[off + i] = true;
      out[off + i] = p[i];
    }
  };
  while (std::getline(lines, line)) {
    ++lineno;
    if (auto hash = line.find('#'); hash != std::string::npos) line.erase(hash);
    std::istringstream in(line);
    std::string head;
    if (!(in >> head)) continue;
    if (head == "size") {
      std::size_t n = 0;
      in >> n;
      out.assign(n, 0);
      used.assign(n, false);
      sized = true;
      continue;
    }
    if (head.empty() || head[0] != '@') fail("expected '@offset' or 'size'");
    const std::size_t off = std::stoul(head.substr(1), nullptr, 0);
    std::string type;
    in >> type;
    if (type == "u8" || type == "u16" || type == "u32" || type == "u64" || type == "i32" || type == "i64") {
      std::string v;
      in >> v;
      const bool neg = !v.empty() && v[0] == '-';
      std::uint64_t value = std::stoull(neg ? v.substr(1) : v, nullptr, 0);
      if (neg) value = ~value + 1;
      const std::size_t n = type == "u8" ? 1 : type == "u16" ? 2 : (type == "u32" || type == "i32") ? 4 : 8;
      std::uint8_t le[8];
      for (std::size_t i = 0; i < 8; ++i) le[i] = static_cast<std::uint8_t>(value >> (8 * i));
      put(off, le, n);
    } else if (type.rfind("str", 0) == 0) {
      const std::size_t n = std::stoul(type.substr(3));
      std::string rest;
      std::getline(in, rest);
      const auto q1 = rest.find('"'), q2 = rest.rfind('"');
      if (q1 == std::string::npos || q2 == q1) fail("str needs a quoted value");
      const std::string s = rest.substr(q1 + 1, q2 - q1 - 1);
      if (s.size() > n) fail("string longer than its field");
      Bytes field(n, 0);
      std::memcpy(field.data(), s.data(), s.size());
      put(off, field.data(), n);
    } else if (type == "ip4" || type == "ip6") {
      std::string v;
      in >> v;
      std::uint8_t buf[16];
      if (inet_pton(type == "ip4" ? AF_INET : AF_INET6, v.c_str(), buf) != 1) fail("bad address " + v);
      put(off, buf, type == "ip4" ? 4 : 16);
    } else if (type == "bytes") {
      Bytes field;
      std::string pair;
      while (in >> pair) field.push_back(static_cast<std::uint8_t>(std::stoul(pair, nullptr, 16)));
      put(off, field.data(), field.size());
    } else {
      fail("unknown type " + type);
    }
  }
  if (!sized) fail("no 'size' line");
  return out;
}

/// An annotated hex fixture from tests/unit/fixtures/freebsd/.
inline Bytes hex_fixture(const std::string& name) {
  return parse_annotated_hex(read_fixture_text("freebsd/" + name), name);
}

/// A C string as IFDATA_DRIVERNAME returns it: the text plus its NUL.
inline Bytes c_string(const std::string& s) {
  Bytes b(s.begin(), s.end());
  b.push_back(0);
  return b;
}

/// Serves fixed answers by MIB. An entry may hold several answers, used in turn (the last one
/// repeats), to script ENOMEM-then-success or a row that disappears. Unknown MIBs: ENOENT.
class FakeSysctl final : public platform::sysctl::Source {
 public:
  struct Answer {
    int err = 0;
    Bytes bytes;
  };

  void set(std::vector<int> mib, Bytes bytes) { answers_[std::move(mib)] = {Answer{0, std::move(bytes)}}; }
  void fail(std::vector<int> mib, int err) { answers_[std::move(mib)] = {Answer{err, {}}}; }
  void script(std::vector<int> mib, std::deque<Answer> answers) { answers_[std::move(mib)] = std::move(answers); }
  void name(std::string n, std::vector<int> mib) { names_[std::move(n)] = std::move(mib); }
  void forget(const std::string& n) { names_.erase(n); }
  void set_media(std::string interface_name, Bytes ifmediareq) { media_[std::move(interface_name)] = std::move(ifmediareq); }
  /// The stacking ioctls. A lagg's or a bridge's answer is given as the records the kernel would
  /// write (whole struct lagg_reqport / struct ifbreq); the fake copies as many whole records as
  /// the caller's buffer holds and fills the request struct, as if_lagg.c (lagg_ioctl, SIOCGLAGG)
  /// and if_bridge.c (bridge_ioctl_gifs) do. A vlan's answer is the buffer as the kernel leaves it.
  /// Interfaces without an answer are not laggs, vlans or bridges: ENOTTY.
  void set_lagg(std::string lagg, Bytes reqport_records) { lagg_[std::move(lagg)] = {0, std::move(reqport_records)}; }
  void set_vlan(std::string vlan, Bytes vlanreq) { vlan_[std::move(vlan)] = {0, std::move(vlanreq)}; }
  void set_bridge(std::string bridge, Bytes ifbreq_records) { bridge_[std::move(bridge)] = {0, std::move(ifbreq_records)}; }
  void fail_lagg(std::string lagg, int err) { lagg_[std::move(lagg)] = {err, {}}; }
  void fail_vlan(std::string vlan, int err) { vlan_[std::move(vlan)] = {err, {}}; }
  void fail_bridge(std::string bridge, int err) { bridge_[std::move(bridge)] = {err, {}}; }

  Result<Bytes> read(std::span<const int> mib) override {
    std::lock_guard lock(mu_);
    std::vector<int> key(mib.begin(), mib.end());
    ++reads_[key];
    auto it = answers_.find(key);
    if (it == answers_.end()) return Error::from_errno("fake", ENOENT);
    Answer a = it->second.front();
    if (it->second.size() > 1) it->second.pop_front();
    if (a.err != 0) return Error::from_errno("fake", a.err);
    return a.bytes;
  }

  Result<std::vector<int>> resolve(std::string_view n) override {
    std::lock_guard lock(mu_);
    ++resolves_[std::string(n)];
    auto it = names_.find(std::string(n));
    if (it == names_.end()) return Error::from_errno("fake", ENOENT);
    return it->second;
  }

  // Interfaces without an answer have no media, as lo0 (EINVAL from its if_ioctl).
  Result<Bytes> media(std::string_view n) override {
    std::lock_guard lock(mu_);
    auto it = media_.find(std::string(n));
    if (it == media_.end()) return Error::from_errno("fake SIOCGIFMEDIA", EINVAL);
    return it->second;
  }

  // SIOCGLAGG: struct lagg_reqall is 80 bytes; ra_size (size_t) at 24, ra_ports (int) at 40;
  // struct lagg_reqport records are 72 bytes (sys/net/if_lagg.h, LP64, typed by hand).
  Result<BufferReply> lagg_ports(std::string_view n, std::size_t buffer_bytes) override {
    std::lock_guard lock(mu_);
    ++lagg_calls_[std::string(n)];
    return fill(lagg_, n, buffer_bytes, 72, 80, [](Bytes& request, std::size_t count) {
      for (std::size_t i = 0; i < 8; ++i) request[24 + i] = static_cast<std::uint8_t>((count * 72) >> (8 * i));
      for (std::size_t i = 0; i < 4; ++i) request[40 + i] = static_cast<std::uint8_t>(count >> (8 * i));
    });
  }

  Result<Bytes> vlan(std::string_view n) override {
    std::lock_guard lock(mu_);
    ++vlan_calls_[std::string(n)];
    auto it = vlan_.find(std::string(n));
    if (it == vlan_.end()) return Error::from_errno("fake SIOCGETVLAN", ENOTTY);
    if (it->second.err != 0) return Error::from_errno("fake SIOCGETVLAN", it->second.err);
    return it->second.bytes;
  }

  // BRDGGIFS: struct ifbifconf is 16 bytes, ifbic_len (uint32_t) at 0; struct ifbreq records are
  // 80 bytes (sys/net/if_bridgevar.h, LP64, typed by hand).
  Result<BufferReply> bridge_members(std::string_view n, std::size_t buffer_bytes) override {
    std::lock_guard lock(mu_);
    ++bridge_calls_[std::string(n)];
    return fill(bridge_, n, buffer_bytes, 80, 16, [](Bytes& request, std::size_t count) {
      for (std::size_t i = 0; i < 4; ++i) request[i] = static_cast<std::uint8_t>((count * 80) >> (8 * i));
    });
  }

  int lagg_calls(const std::string& n) {
    std::lock_guard lock(mu_);
    return lagg_calls_[n];
  }
  int vlan_calls(const std::string& n) {
    std::lock_guard lock(mu_);
    return vlan_calls_[n];
  }
  int bridge_calls(const std::string& n) {
    std::lock_guard lock(mu_);
    return bridge_calls_[n];
  }

  int reads(const std::vector<int>& mib) {
    std::lock_guard lock(mu_);
    return reads_[mib];
  }
  int resolves(const std::string& n) {
    std::lock_guard lock(mu_);
    return resolves_[n];
  }

 private:
  std::mutex mu_;
  std::map<std::vector<int>, std::deque<Answer>> answers_;
  std::map<std::string, std::vector<int>> names_;
  std::map<std::vector<int>, int> reads_;
  std::map<std::string, int> resolves_;
  std::map<std::string, Bytes> media_;
  std::map<std::string, Answer> lagg_, vlan_, bridge_;
  std::map<std::string, int> lagg_calls_, vlan_calls_, bridge_calls_;

  // The kernel's copy: whole records while they fit the caller's buffer, then the count.
  template <class WriteCount>
  static Result<BufferReply> fill(const std::map<std::string, Answer>& answers, std::string_view n,
                                            std::size_t buffer_bytes, std::size_t record, std::size_t request_size,
                                            WriteCount write_count) {
    auto it = answers.find(std::string(n));
    if (it == answers.end()) return Error::from_errno("fake stacking ioctl", ENOTTY);
    if (it->second.err != 0) return Error::from_errno("fake stacking ioctl", it->second.err);
    const Bytes& records = it->second.bytes;
    const std::size_t count = std::min(buffer_bytes, records.size()) / record;
    BufferReply reply;
    reply.request.assign(request_size, 0);
    for (std::size_t i = 0; i < n.size(); ++i) reply.request[i] = static_cast<std::uint8_t>(n[i]);  // the name at 0
    write_count(reply.request, count);
    reply.buffer.assign(buffer_bytes, 0);
    std::copy(records.begin(), records.begin() + static_cast<std::ptrdiff_t>(count * record), reply.buffer.begin());
    return reply;
  }
};

}  // namespace ifmib::test::freebsd
