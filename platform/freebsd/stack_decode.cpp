#include "platform/freebsd/stack_decode.h"

#include "platform/freebsd/abi_layout.h"
#include "platform/freebsd/host_bytes.h"

namespace ifmib::platform::freebsd {

namespace {

namespace L = layout;

// A char[IFNAMSIZ] name field; the kernel fills these with strlcpy, so a missing NUL is an Error.
Result<std::string> name_field(std::span<const std::uint8_t> bytes, std::size_t offset, const char* what) {
  const auto field = bytes.subspan(offset, L::kIfNameSize);
  for (std::size_t i = 0; i < field.size(); ++i) {
    if (field[i] == 0) return std::string(field.begin(), field.begin() + static_cast<std::ptrdiff_t>(i));
  }
  return Error::invalid(what, "name without NUL in its 16 bytes");
}

Error bad_length(const char* what, std::size_t got, std::size_t want) {
  return Error::invalid(what, "length " + std::to_string(got) + ", expected " + std::to_string(want) + " (LP64)");
}

}  // namespace

StackKind stack_kind(std::string_view driver_nameunit) {
  std::size_t end = driver_nameunit.size();
  while (end > 0 && driver_nameunit[end - 1] >= '0' && driver_nameunit[end - 1] <= '9') --end;
  const std::string_view driver = driver_nameunit.substr(0, end);
  // The cloners' names: if_lagg.c laggname, if_vlan.c vlanname, if_bridge.c bridge_name.
  if (driver == "lagg") return StackKind::lagg;
  if (driver == "vlan") return StackKind::vlan;
  if (driver == "bridge") return StackKind::bridge;
  return StackKind::none;
}

Result<std::vector<std::string>> decode_lagg_ports(std::span<const std::uint8_t> reqall,
                                                   std::span<const std::uint8_t> ports) {
  if (reqall.size() != L::lagg_reqall::kSize) {
    return bad_length("struct lagg_reqall", reqall.size(), L::lagg_reqall::kSize);
  }
  const auto count = detail::load<std::int32_t>(reqall, L::lagg_reqall::kPorts);
  const auto bytes = detail::load<std::uint64_t>(reqall, L::lagg_reqall::kBufferSize);
  if (count < 0 || bytes != static_cast<std::uint64_t>(count) * L::lagg_reqport::kSize || bytes > ports.size()) {
    return Error::invalid("SIOCGLAGG", "ra_ports " + std::to_string(count) + " and ra_size " + std::to_string(bytes) +
                                           " do not fit a buffer of " + std::to_string(ports.size()) + " bytes");
  }
  std::vector<std::string> out;
  for (std::int32_t i = 0; i < count; ++i) {
    const auto record = ports.subspan(static_cast<std::size_t>(i) * L::lagg_reqport::kSize, L::lagg_reqport::kSize);
    auto name = name_field(record, L::lagg_reqport::kPortname, "struct lagg_reqport rp_portname");
    if (!name) return name.error();
    out.push_back(std::move(*name));
  }
  return out;
}

Result<std::optional<std::string>> decode_vlan_parent(std::span<const std::uint8_t> vlanreq) {
  if (vlanreq.size() < L::vlanreq::kMinSize) {
    return Error::invalid("struct vlanreq", "length " + std::to_string(vlanreq.size()) + ", expected at least " +
                                                std::to_string(L::vlanreq::kMinSize));
  }
  auto parent = name_field(vlanreq, L::vlanreq::kParent, "struct vlanreq vlr_parent");
  if (!parent) return parent.error();
  if (parent->empty()) return std::optional<std::string>();
  return std::optional<std::string>(std::move(*parent));
}

Result<BridgeMembers> decode_bridge_members(std::span<const std::uint8_t> ifbifconf,
                                            std::span<const std::uint8_t> buffer) {
  if (ifbifconf.size() != L::ifbifconf::kSize) return bad_length("struct ifbifconf", ifbifconf.size(), L::ifbifconf::kSize);
  const auto len = detail::load<std::uint32_t>(ifbifconf, L::ifbifconf::kLen);
  if (len % L::ifbreq::kSize != 0 || len > buffer.size()) {
    return Error::invalid("BRDGGIFS", "ifbic_len " + std::to_string(len) + " is not whole struct ifbreq records in " +
                                          std::to_string(buffer.size()) + " bytes");
  }
  BridgeMembers out;
  for (std::size_t off = 0; off < len; off += L::ifbreq::kSize) {
    const auto record = buffer.subspan(off, L::ifbreq::kSize);
    if (detail::load<std::uint32_t>(record, L::ifbreq::kIfsflags) & L::kIfbifSpan) continue;
    auto name = name_field(record, L::ifbreq::kIfsname, "struct ifbreq ifbr_ifsname");
    if (!name) return name.error();
    out.members.push_back(std::move(*name));
  }
  out.complete = len + L::ifbreq::kSize < buffer.size();
  return out;
}

}  // namespace ifmib::platform::freebsd
