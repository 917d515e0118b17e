#pragma once
// The seam between the FreeBSD reader and the kernel: sysctl(3) reads by MIB,
// sysctlnametomib(3), and the few interface ioctls the reader needs (media, stacking).
// platform/freebsd/system/ implements it with the real calls; tests serve fixtures through a
// fake. No FreeBSD header here, so the reader logic builds everywhere.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace ifmib::platform::sysctl {

/// Reads sysctl values. Thread safety: implementations must allow concurrent calls.
class Source {
 public:
  virtual ~Source() = default;

  /// The whole current value at `mib`: one size probe (oldp = NULL), then one read into a buffer
  /// of that size. No retry: when the value grew between the two calls the Error has
  /// sys_errno ENOMEM and the caller decides whether to try again. ENOENT (no such row, detached
  /// interface, unknown name) and every other errno are returned as Error::sys_errno too.
  /// A value of length 0 is a success with an empty vector.
  virtual Result<std::vector<std::uint8_t>> read(std::span<const int> mib) = 0;

  /// sysctlnametomib(3): the numeric MIB of a dotted name whose intermediate nodes may be
  /// OID_AUTO (numbered at boot). ENOENT when the kernel has no such node (e.g. no INET6).
  virtual Result<std::vector<int>> resolve(std::string_view name) = 0;

  /// The struct ifmediareq that ioctl(SIOCGIFMEDIA) returns for the interface now named `name`
  /// (ifm_count 0: the words only, no media list). Interfaces without media (lo0, most clones)
  /// answer with an Error (EINVAL or ENOTTY); so does one that vanished (ENXIO).
  virtual Result<std::vector<std::uint8_t>> media(std::string_view name) = 0;

  /// An ioctl that fills a buffer the caller supplies: its request struct as the kernel left it,
  /// and the whole buffer (the kernel's records first, zeros after).
  struct BufferReply {
    std::vector<std::uint8_t> request;
    std::vector<std::uint8_t> buffer;
  };

  /// ioctl(SIOCGLAGG) on the lagg now named `name`, with a zeroed buffer of `buffer_bytes` for its
  /// ports: request is the struct lagg_reqall. An interface that is not a lagg or has gone answers
  /// with an Error (ENOTTY/EINVAL, ENXIO).
  virtual Result<BufferReply> lagg_ports(std::string_view name, std::size_t buffer_bytes) = 0;

  /// ioctl(SIOCGETVLAN) on the vlan now named `name`: the struct vlanreq its ifr_data pointed to,
  /// in a zeroed buffer larger than any struct vlanreq (the kernel copies out its own size).
  /// EPERM for a vlan lent to another vnet (if_vlan.c vlan_ioctl), ENXIO for one that has gone.
  virtual Result<std::vector<std::uint8_t>> vlan(std::string_view name) = 0;

  /// ioctl(SIOCGDRVSPEC) with ifd_cmd BRDGGIFS on the bridge now named `name`, with a zeroed buffer
  /// of `buffer_bytes` (> 0) for its members: request is the struct ifbifconf.
  virtual Result<BufferReply> bridge_members(std::string_view name, std::size_t buffer_bytes) = 0;
};

}  // namespace ifmib::platform::sysctl
