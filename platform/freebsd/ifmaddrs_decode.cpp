#include "platform/freebsd/ifmaddrs_decode.h"

#include <algorithm>
#include <optional>

#include "platform/freebsd/abi_layout.h"
#include "platform/address_text.h"
#include "platform/freebsd/host_bytes.h"

namespace ifmib::platform::freebsd {

namespace {

using detail::load;
namespace L = layout;

std::size_t padded_size(std::uint8_t sa_len) {
  // SA_SIZE() in sys/net/route.h: sa_len rounded up to sizeof(long); an empty sockaddr takes one long.
  if (sa_len == 0) return L::kSockaddrAlign;
  return (static_cast<std::size_t>(sa_len) + L::kSockaddrAlign - 1) & ~(L::kSockaddrAlign - 1);
}

struct LinkAddr {
  std::uint16_t index = 0;
  std::string name;
  std::span<const std::uint8_t> lladdr;
};

// A sockaddr_dl: the name is sdl_data[0..nlen), the link address follows it (LLADDR()).
Result<LinkAddr> parse_sockaddr_dl(std::span<const std::uint8_t> sa) {
  if (sa.size() < L::sockaddr_dl::kData) {
    return Error::invalid("sockaddr_dl", "sa_len " + std::to_string(sa.size()) + " too short");
  }
  const std::size_t nlen = sa[L::sockaddr_dl::kNlen];
  const std::size_t alen = sa[L::sockaddr_dl::kAlen];
  if (L::sockaddr_dl::kData + nlen + alen > sa.size()) {
    return Error::invalid("sockaddr_dl", "nlen " + std::to_string(nlen) + " + alen " +
                                             std::to_string(alen) + " past sa_len " +
                                             std::to_string(sa.size()));
  }
  LinkAddr out;
  out.index = load<std::uint16_t>(sa, L::sockaddr_dl::kIndex);
  const auto name = sa.subspan(L::sockaddr_dl::kData, nlen);
  out.name.assign(name.begin(), name.end());
  out.lladdr = sa.subspan(L::sockaddr_dl::kData + nlen, alen);
  return out;
}

bool is_small_scope_multicast(const std::array<std::uint8_t, 32>& a) {
  // ff01::/16 (interface-local) and ff02::/16 (link-local) carry a KAME embedded zone in
  // bytes 2-3 inside the kernel; see sa6_recoverscope in sys/netinet6/scope6.c.
  return a[0] == 0xff && ((a[1] & 0x0f) == 0x1 || (a[1] & 0x0f) == 0x2);
}

// Fills family and group from the RTAX_IFA sockaddr. nullopt: family we skip.
Result<std::optional<MembershipEntry>> parse_group(std::span<const std::uint8_t> sa) {
  MembershipEntry e;
  const std::uint8_t family = sa.size() > L::sockaddr::kFamily ? sa[L::sockaddr::kFamily] : 0;
  switch (family) {
    case L::kAfInet: {
      if (sa.size() < L::sockaddr_in::kAddr + 4) {
        return Error::invalid("sockaddr_in", "sa_len " + std::to_string(sa.size()) + " too short");
      }
      e.family = AddressFamily::inet;
      e.group = Address::of(sa.subspan(L::sockaddr_in::kAddr, 4));
      return std::optional<MembershipEntry>(std::move(e));
    }
    case L::kAfInet6: {
      if (sa.size() < L::sockaddr_in6::kSize) {
        return Error::invalid("sockaddr_in6", "sa_len " + std::to_string(sa.size()) + " too short");
      }
      e.family = AddressFamily::inet6;
      e.group = Address::of(sa.subspan(L::sockaddr_in6::kAddr, 16));
      e.scope_id = load<std::uint32_t>(sa, L::sockaddr_in6::kScopeId);
      // With net.inet6.ip6.deembed_scopeid=0 the kernel leaves the zone embedded; recover it
      // the way sa6_recoverscope does, so the text and the filters key are the clean address.
      auto& g = e.group.bytes;
      if (is_small_scope_multicast(g) && (g[2] | g[3]) != 0) {
        const std::uint32_t zone = (static_cast<std::uint32_t>(g[2]) << 8) | g[3];
        if (e.scope_id == 0) e.scope_id = zone;
        g[2] = g[3] = 0;
      }
      return std::optional<MembershipEntry>(std::move(e));
    }
    case L::kAfLink: {
      auto dl = parse_sockaddr_dl(sa);
      if (!dl) return dl.error();
      e.family = AddressFamily::link;
      e.group = Address::of(dl->lladdr);
      return std::optional<MembershipEntry>(std::move(e));
    }
    default:
      return std::optional<MembershipEntry>();
  }
}

}  // namespace

Result<std::vector<MembershipEntry>> decode_ifmalist(std::span<const std::uint8_t> bytes) {
  std::vector<MembershipEntry> out;
  std::size_t off = 0;
  while (off < bytes.size()) {
    const std::string where = "ifma_msghdr at offset " + std::to_string(off);
    if (bytes.size() - off < L::ifma_msghdr::kVersion + 2) {
      return Error::invalid(where, "truncated header");
    }
    const std::size_t msglen = load<std::uint16_t>(bytes, off + L::ifma_msghdr::kMsglen);
    if (msglen < L::ifma_msghdr::kVersion + 2 || msglen > bytes.size() - off) {
      return Error::invalid(where, "ifmam_msglen " + std::to_string(msglen) + " with " +
                                       std::to_string(bytes.size() - off) + " bytes left");
    }
    const auto msg = bytes.subspan(off, msglen);
    off += msglen;
    if (msg[L::ifma_msghdr::kVersion] != L::kRtmVersion || msg[L::ifma_msghdr::kType] != L::kRtmNewmaddr) {
      continue;  // as getifmaddrs(3) does
    }
    if (msglen < L::ifma_msghdr::kSize) return Error::invalid(where, "shorter than struct ifma_msghdr");

    const auto addrs = load<std::int32_t>(msg, L::ifma_msghdr::kAddrs);
    std::array<std::span<const std::uint8_t>, L::kRtaxMax> sa{};
    std::array<bool, L::kRtaxMax> present{};
    std::size_t cur = L::ifma_msghdr::kSize;
    for (int i = 0; i < L::kRtaxMax; ++i) {
      if ((addrs & (1 << i)) == 0) continue;
      if (cur >= msg.size()) return Error::invalid(where, "sockaddr " + std::to_string(i) + " missing");
      const std::uint8_t sa_len = msg[cur];
      if (sa_len > msg.size() - cur) {
        return Error::invalid(where, "sockaddr " + std::to_string(i) + " sa_len " +
                                         std::to_string(sa_len) + " runs past the message");
      }
      sa[static_cast<std::size_t>(i)] = msg.subspan(cur, sa_len);
      present[static_cast<std::size_t>(i)] = true;
      cur += padded_size(sa_len);
    }
    if (!present[L::kRtaxIfa]) continue;  // getifmaddrs(3) skips these too

    auto group = parse_group(sa[L::kRtaxIfa]);
    if (!group) return group.error().within(where);
    if (!group->has_value()) continue;
    MembershipEntry entry = std::move(**group);
    entry.index = load<std::uint16_t>(msg, L::ifma_msghdr::kIndex);

    if (present[L::kRtaxIfp] && sa[L::kRtaxIfp].size() > L::sockaddr::kFamily &&
        sa[L::kRtaxIfp][L::sockaddr::kFamily] == L::kAfLink) {
      auto ifp = parse_sockaddr_dl(sa[L::kRtaxIfp]);
      if (!ifp) return ifp.error().within(where + ": RTAX_IFP");
      entry.device = ifp->name;
      if (entry.index == 0) entry.index = ifp->index;
    }
    if (present[L::kRtaxGateway] && sa[L::kRtaxGateway].size() > L::sockaddr::kFamily &&
        sa[L::kRtaxGateway][L::sockaddr::kFamily] == L::kAfLink) {
      auto gw = parse_sockaddr_dl(sa[L::kRtaxGateway]);
      if (!gw) return gw.error().within(where + ": RTAX_GATEWAY");
      entry.lladdr = link_text(gw->lladdr);
    }
    out.push_back(std::move(entry));
  }
  return out;
}

}  // namespace ifmib::platform::freebsd
