#include "platform/freebsd/mcast_filter_decode.h"

#include <utility>

#include "platform/freebsd/abi_layout.h"
#include "platform/freebsd/host_bytes.h"

namespace ifmib::platform::freebsd {

namespace {

using detail::load;
namespace L = layout;

// The mode word, then AddrSize-byte source addresses as stored (network order).
template <std::size_t AddrSize>
Result<std::optional<FilterState>> decode_filters(std::span<const std::uint8_t> bytes, const char* what) {
  if (bytes.empty()) return std::optional<FilterState>();
  if (bytes.size() < 4 || (bytes.size() - 4) % AddrSize != 0) {
    return Error::invalid(what, "length " + std::to_string(bytes.size()) + " is not 4 + " +
                                    std::to_string(AddrSize) + "n");
  }
  FilterState f;
  f.raw_mode = load<std::uint32_t>(bytes, 0);
  if (f.raw_mode == L::kMcastInclude) f.mode = FilterMode::include;
  if (f.raw_mode == L::kMcastExclude) f.mode = FilterMode::exclude;
  for (std::size_t off = 4; off < bytes.size(); off += AddrSize) {
    f.sources.push_back(Address::of(bytes.subspan(off, AddrSize)));
  }
  return std::optional<FilterState>(std::move(f));
}

Error wrong_length(const char* what, std::size_t got, std::size_t want) {
  return Error::invalid(what, "length " + std::to_string(got) + ", expected " + std::to_string(want));
}

}  // namespace

Result<std::optional<FilterState>> decode_ip_mcast_filters(std::span<const std::uint8_t> bytes) {
  return decode_filters<4>(bytes, "net.inet.ip.mcast.filters");
}

Result<std::optional<FilterState>> decode_ip6_mcast_filters(std::span<const std::uint8_t> bytes) {
  return decode_filters<16>(bytes, "net.inet6.ip6.mcast.filters");
}

Result<IgmpInfo> decode_igmp_ifinfo(std::span<const std::uint8_t> bytes) {
  if (bytes.size() != L::igmp_ifinfo::kSize) {
    return wrong_length("struct igmp_ifinfo", bytes.size(), L::igmp_ifinfo::kSize);
  }
  IgmpInfo i;
  i.version = load<std::uint32_t>(bytes, L::igmp_ifinfo::kVersion);
  i.v1_timer = load<std::uint32_t>(bytes, L::igmp_ifinfo::kV1Timer);
  i.v2_timer = load<std::uint32_t>(bytes, L::igmp_ifinfo::kV2Timer);
  i.v3_timer = load<std::uint32_t>(bytes, L::igmp_ifinfo::kV3Timer);
  i.flags = load<std::uint32_t>(bytes, L::igmp_ifinfo::kFlags);
  i.rv = load<std::uint32_t>(bytes, L::igmp_ifinfo::kRv);
  i.qi = load<std::uint32_t>(bytes, L::igmp_ifinfo::kQi);
  i.qri = load<std::uint32_t>(bytes, L::igmp_ifinfo::kQri);
  i.uri = load<std::uint32_t>(bytes, L::igmp_ifinfo::kUri);
  return i;
}

Result<MldInfo> decode_mld_ifinfo(std::span<const std::uint8_t> bytes) {
  if (bytes.size() != L::mld_ifinfo::kSize) {
    return wrong_length("struct mld_ifinfo", bytes.size(), L::mld_ifinfo::kSize);
  }
  MldInfo i;
  i.version = load<std::uint32_t>(bytes, L::mld_ifinfo::kVersion);
  i.v1_timer = load<std::uint32_t>(bytes, L::mld_ifinfo::kV1Timer);
  i.v2_timer = load<std::uint32_t>(bytes, L::mld_ifinfo::kV2Timer);
  i.flags = load<std::uint32_t>(bytes, L::mld_ifinfo::kFlags);
  i.rv = load<std::uint32_t>(bytes, L::mld_ifinfo::kRv);
  i.qi = load<std::uint32_t>(bytes, L::mld_ifinfo::kQi);
  i.qri = load<std::uint32_t>(bytes, L::mld_ifinfo::kQri);
  i.uri = load<std::uint32_t>(bytes, L::mld_ifinfo::kUri);
  return i;
}

MulticastProtocol to_protocol(const IgmpInfo& info, std::string device, std::uint32_t index) {
  MulticastProtocol p;
  p.device = std::move(device);
  p.index = index;
  p.family = AddressFamily::inet;
  p.version = info.version;
  if (info.version == L::kIgmpVersion3) {
    p.robustness = info.rv;
    p.query_interval_seconds = info.qi;
    p.query_response_interval_seconds = info.qri;
    p.unsolicited_report_interval_seconds = info.uri;
  }
  return p;
}

MulticastProtocol to_protocol(const MldInfo& info, std::string device, std::uint32_t index) {
  MulticastProtocol p;
  p.device = std::move(device);
  p.index = index;
  p.family = AddressFamily::inet6;
  p.version = info.version;
  if (info.version == L::kMldVersion2) {
    p.robustness = info.rv;
    p.query_interval_seconds = info.qi;
    p.query_response_interval_seconds = info.qri;
    p.unsolicited_report_interval_seconds = info.uri;
  }
  return p;
}

}  // namespace ifmib::platform::freebsd
