#pragma once
// Our own description of the FreeBSD (>= 11, LP64) structures and constants that the
// decoders read. Every number is cited to shared/reference/freebsd-abi.md (section in brackets)
// and to the FreeBSD header that defines it. No FreeBSD header is included here: this file is
// compiled on every OS. platform/freebsd/system/abi_check.cpp static_asserts each size and
// offset against the real headers, so a FreeBSD build fails if any of them is wrong.
//
// Integers are in host byte order (little-endian on amd64/arm64, the targets we support);
// IPv4/IPv6 addresses are in network byte order.

#include <cstddef>
#include <cstdint>

namespace ifmib::platform::freebsd::layout {

// ---- constants [ABI §0] -------------------------------------------------------------------
inline constexpr int kCtlNet = 4;           // sys/sys/sysctl.h CTL_NET
inline constexpr int kAfInet = 2;           // sys/sys/socket.h AF_INET
inline constexpr int kAfRoute = 17;         // sys/sys/socket.h AF_ROUTE (= PF_ROUTE)
inline constexpr int kAfLink = 18;          // sys/sys/socket.h AF_LINK (= PF_LINK)
inline constexpr int kAfInet6 = 28;         // sys/sys/socket.h AF_INET6
inline constexpr int kNetRtIfmalist = 4;    // sys/sys/socket.h NET_RT_IFMALIST
inline constexpr int kNetlinkGeneric = 0;   // sys/net/if_mib.h NETLINK_GENERIC
inline constexpr int kIfmibSystem = 1;      // sys/net/if_mib.h IFMIB_SYSTEM
inline constexpr int kIfmibIfdata = 2;      // sys/net/if_mib.h IFMIB_IFDATA
inline constexpr int kIfmibIfcount = 1;     // sys/net/if_mib.h IFMIB_IFCOUNT
inline constexpr int kIfdataGeneral = 1;    // sys/net/if_mib.h IFDATA_GENERAL
inline constexpr int kIfdataLinkspecific = 2;  // sys/net/if_mib.h IFDATA_LINKSPECIFIC
inline constexpr int kIfdataDrivername = 3;    // sys/net/if_mib.h IFDATA_DRIVERNAME

inline constexpr std::uint8_t kRtmVersion = 5;      // sys/net/route.h RTM_VERSION
inline constexpr std::uint8_t kRtmNewmaddr = 0x0f;  // sys/net/route.h RTM_NEWMADDR
inline constexpr int kRtaxGateway = 1;              // sys/net/route.h RTAX_GATEWAY
inline constexpr int kRtaxIfp = 4;                  // sys/net/route.h RTAX_IFP
inline constexpr int kRtaxIfa = 5;                  // sys/net/route.h RTAX_IFA
inline constexpr int kRtaxMax = 8;                  // sys/net/route.h RTAX_MAX
/// Sockaddrs in routing messages are padded to sizeof(long) (sys/net/route.h SA_SIZE) [§5].
inline constexpr std::size_t kSockaddrAlign = 8;

inline constexpr std::size_t kIfNameSize = 16;      // sys/net/if.h IFNAMSIZ, with the NUL

// ---- struct ifmediareq (sys/net/if.h), the SIOCGIFMEDIA argument, and the media word ----------
// {char ifm_name[IFNAMSIZ]; int ifm_current, ifm_mask, ifm_status, ifm_active, ifm_count;
//  int *ifm_ulist;}: 16 + 5 * 4, padded to 8 for the pointer, on LP64.
namespace ifmediareq {
inline constexpr std::size_t kSize = 48;
inline constexpr std::size_t kCurrent = 16;
inline constexpr std::size_t kStatus = 24;
inline constexpr std::size_t kActive = 28;
}  // namespace ifmediareq
inline constexpr std::uint32_t kIfmNmask = 0x000000e0;     // sys/net/if_media.h IFM_NMASK (network type)
inline constexpr std::uint32_t kIfmEther = 0x00000020;     // sys/net/if_media.h IFM_ETHER
inline constexpr std::uint32_t kIfmTmask = 0x0000001f;     // sys/net/if_media.h IFM_TMASK (subtype)
inline constexpr std::uint32_t kIfmEthXtype = 0x00007800;  // sys/net/if_media.h IFM_ETH_XTYPE (subtype, upper bits)
inline constexpr std::uint32_t kIfmAuto = 0;               // sys/net/if_media.h IFM_AUTO (autoselect)
inline constexpr std::uint32_t kIfmNone = 2;               // sys/net/if_media.h IFM_NONE
inline constexpr std::uint32_t kIfmFdx = 0x00100000;       // sys/net/if_media.h IFM_FDX
inline constexpr std::uint32_t kIfmHdx = 0x00200000;       // sys/net/if_media.h IFM_HDX
inline constexpr std::uint32_t kIfmAvalid = 0x00000001;    // sys/net/if_media.h IFM_AVALID (status valid)
inline constexpr std::uint32_t kIfmActive = 0x00000002;    // sys/net/if_media.h IFM_ACTIVE (link up)

// ---- stacking: lagg ports, vlan parent, bridge members (stack_decode.cpp) --------------------
// ioctl numbers from sys/sys/ioccom.h: _IOWR(g, n, t) = IOC_INOUT 0xc0000000 | (sizeof(t) & 0x1fff) << 16
// | g << 8 | n, with the LP64 sizes below ('i' is 0x69).
inline constexpr unsigned long kSiocglagg = 0xc050698fUL;      // sys/net/if_lagg.h SIOCGLAGG, _IOWR('i', 143, struct lagg_reqall)
inline constexpr unsigned long kSiocgifgeneric = 0xc020693aUL;  // sys/sys/sockio.h SIOCGIFGENERIC (= if_vlan_var.h SIOCGETVLAN), _IOWR('i', 58, struct ifreq)
inline constexpr unsigned long kSiocgdrvspec = 0xc028697bUL;    // sys/sys/sockio.h SIOCGDRVSPEC, _IOWR('i', 123, struct ifdrv)
inline constexpr int kLaggMaxPorts = 32;       // sys/net/if_lagg.h LAGG_MAX_PORTS (lagg_port_create: ENOSPC above)
inline constexpr unsigned long kBrdggifs = 6;  // sys/net/if_bridgevar.h BRDGGIFS (ifd_cmd of SIOCGDRVSPEC)
inline constexpr std::uint32_t kIfbifSpan = 0x0008;  // sys/net/if_bridgevar.h IFBIF_SPAN (a span port, not a member)

// struct lagg_reqport (sys/net/if_lagg.h): {char rp_ifname[16], rp_portname[16]; u_int32_t rp_prio,
// rp_flags; union {struct lacp_opreq} rp_psc;}; struct lacp_opreq is 32 bytes of u16/u8 fields.
namespace lagg_reqport {
inline constexpr std::size_t kSize = 72;
inline constexpr std::size_t kIfname = 0;    // the lagg (lagg_port2req: sc_ifname)
inline constexpr std::size_t kPortname = 16; // the port's if_xname
inline constexpr std::size_t kFlags = 36;    // LAGG_PORT_* flags
}  // namespace lagg_reqport
// struct lagg_reqall (sys/net/if_lagg.h): {char ra_ifname[16]; u_int ra_proto; size_t ra_size;
// struct lagg_reqport *ra_port; int ra_ports; union {struct lacp_opreq} ra_psc;}, 80 on LP64.
namespace lagg_reqall {
inline constexpr std::size_t kSize = 80;
inline constexpr std::size_t kIfname = 0;
inline constexpr std::size_t kBufferSize = 24;  // size_t ra_size: in, the buffer's bytes; out, the bytes written
inline constexpr std::size_t kPortBuffer = 32;  // struct lagg_reqport *ra_port
inline constexpr std::size_t kPorts = 40;       // int ra_ports: out, the ports written
}  // namespace lagg_reqall
// struct vlanreq (sys/net/if_vlan_var.h): {char vlr_parent[16]; u_short vlr_tag;} is 18 bytes in
// the 13.0-CURRENT headers of the sysroot; later trees add u_short vlr_proto (20 bytes). The kernel
// copies out its own sizeof, so the buffer handed to it must have room for the larger one.
namespace vlanreq {
inline constexpr std::size_t kMinSize = 18;
inline constexpr std::size_t kParent = 0;
inline constexpr std::size_t kTag = 16;
}  // namespace vlanreq
// struct ifbifconf (sys/net/if_bridgevar.h): {uint32_t ifbic_len; union {caddr_t; struct ifbreq *;}}.
namespace ifbifconf {
inline constexpr std::size_t kSize = 16;
inline constexpr std::size_t kLen = 0;     // in: the buffer's bytes (0 asks for the size); out: bytes written
inline constexpr std::size_t kBuffer = 8;
}  // namespace ifbifconf
// struct ifbreq (sys/net/if_bridgevar.h): name, three uint32_t, five uint8_t, three uint32_t, pad[32].
namespace ifbreq {
inline constexpr std::size_t kSize = 80;
inline constexpr std::size_t kIfsname = 0;   // the member's if_xname
inline constexpr std::size_t kIfsflags = 16; // IFBIF_* flags
}  // namespace ifbreq
// struct ifdrv (sys/net/if.h): {char ifd_name[16]; unsigned long ifd_cmd; size_t ifd_len; void *ifd_data;}.
namespace ifdrv {
inline constexpr std::size_t kSize = 40;
}  // namespace ifdrv

inline constexpr std::uint32_t kMcastUndefined = 0;  // sys/netinet/in.h MCAST_UNDEFINED
inline constexpr std::uint32_t kMcastInclude = 1;    // sys/netinet/in.h MCAST_INCLUDE
inline constexpr std::uint32_t kMcastExclude = 2;    // sys/netinet/in.h MCAST_EXCLUDE

inline constexpr std::uint8_t kLinkStateUnknown = 0;  // sys/net/if.h LINK_STATE_UNKNOWN
inline constexpr std::uint8_t kLinkStateDown = 1;     // sys/net/if.h LINK_STATE_DOWN
inline constexpr std::uint8_t kLinkStateUp = 2;       // sys/net/if.h LINK_STATE_UP

inline constexpr std::uint32_t kIgmpVersion3 = 3;  // sys/netinet/igmp_var.h IGMP_VERSION_3
inline constexpr std::uint32_t kMldVersion2 = 2;   // sys/netinet6/mld6_var.h MLD_VERSION_2

// ---- struct if_data (sys/net/if.h, FreeBSD >= 11): 152 bytes on every arch [§1] -------------
namespace if_data {
inline constexpr std::size_t kSize = 152;
inline constexpr std::size_t kType = 0;          // uint8_t ifi_type (IFT_*)
inline constexpr std::size_t kLinkState = 4;     // uint8_t ifi_link_state
inline constexpr std::size_t kDatalen = 6;       // uint16_t ifi_datalen (== 152: our version check)
inline constexpr std::size_t kMtu = 8;           // uint32_t ifi_mtu
inline constexpr std::size_t kMetric = 12;       // uint32_t ifi_metric
inline constexpr std::size_t kBaudrate = 16;     // uint64_t ifi_baudrate, bits/s
inline constexpr std::size_t kIpackets = 24;     // uint64_t counters from here on
inline constexpr std::size_t kIerrors = 32;
inline constexpr std::size_t kOpackets = 40;
inline constexpr std::size_t kOerrors = 48;
inline constexpr std::size_t kCollisions = 56;
inline constexpr std::size_t kIbytes = 64;
inline constexpr std::size_t kObytes = 72;
inline constexpr std::size_t kImcasts = 80;
inline constexpr std::size_t kOmcasts = 88;
inline constexpr std::size_t kIqdrops = 96;
inline constexpr std::size_t kOqdrops = 104;
inline constexpr std::size_t kNoproto = 112;
inline constexpr std::size_t kHwassist = 120;
inline constexpr std::size_t kEpoch = 128;            // union { time_t tt; uint64_t ph; }
inline constexpr std::size_t kLastchange = 136;       // union { struct timeval tv; ... } (16 bytes)
inline constexpr std::size_t kLastchangeSec = 136;    // tv.tv_sec, int64 on LP64
inline constexpr std::size_t kLastchangeUsec = 144;   // tv.tv_usec, long on LP64
}  // namespace if_data

// ---- struct ifmibdata (sys/net/if_mib.h): 208 bytes on LP64 [§2] --------------------------
namespace ifmibdata {
inline constexpr std::size_t kSize = 208;
inline constexpr std::size_t kName = 0;        // char ifmd_name[IFNAMSIZ], current name
inline constexpr std::size_t kPcount = 16;     // int ifmd_pcount
inline constexpr std::size_t kFlags = 20;      // int ifmd_flags (if_flags | if_drv_flags)
inline constexpr std::size_t kSndLen = 24;     // int ifmd_snd_len
inline constexpr std::size_t kSndMaxlen = 28;  // int ifmd_snd_maxlen
inline constexpr std::size_t kSndDrops = 32;   // int ifmd_snd_drops (IFCOUNTER_OQDROPS, truncated)
inline constexpr std::size_t kData = 56;       // struct if_data ifmd_data (8-aligned after 4 pad bytes)
}  // namespace ifmibdata

// ---- struct ifmib_iso_8802_3 (sys/net/if_mib.h): 124 bytes, all u_int32_t [§3] -------------
namespace ether_mib {
inline constexpr std::size_t kSize = 124;
inline constexpr std::size_t kAlignmentErrors = 0;
inline constexpr std::size_t kFcsErrors = 4;
inline constexpr std::size_t kSingleCollisionFrames = 8;
inline constexpr std::size_t kMultipleCollisionFrames = 12;
inline constexpr std::size_t kSqeTestErrors = 16;
inline constexpr std::size_t kDeferredTransmissions = 20;
inline constexpr std::size_t kLateCollisions = 24;
inline constexpr std::size_t kExcessiveCollisions = 28;
inline constexpr std::size_t kInternalMacTransmitErrors = 32;
inline constexpr std::size_t kCarrierSenseErrors = 36;
inline constexpr std::size_t kFrameTooLongs = 40;
inline constexpr std::size_t kInternalMacReceiveErrors = 44;
inline constexpr std::size_t kEtherChipSet = 48;
inline constexpr std::size_t kMissedFrames = 52;
inline constexpr std::size_t kCollFrequencies = 56;  // u_int32_t[16]
inline constexpr std::size_t kCollFrequencyCount = 16;
inline constexpr std::size_t kCompliance = 120;
}  // namespace ether_mib

// ---- struct igmp_ifinfo (sys/netinet/igmp_var.h): nine uint32_t, 36 bytes [§7a] -------------
namespace igmp_ifinfo {
inline constexpr std::size_t kSize = 36;
inline constexpr std::size_t kVersion = 0;
inline constexpr std::size_t kV1Timer = 4;
inline constexpr std::size_t kV2Timer = 8;
inline constexpr std::size_t kV3Timer = 12;
inline constexpr std::size_t kFlags = 16;
inline constexpr std::size_t kRv = 20;
inline constexpr std::size_t kQi = 24;
inline constexpr std::size_t kQri = 28;
inline constexpr std::size_t kUri = 32;
}  // namespace igmp_ifinfo

// ---- struct mld_ifinfo (sys/netinet6/mld6_var.h): eight uint32_t, 32 bytes [§7b] -------------
namespace mld_ifinfo {
inline constexpr std::size_t kSize = 32;
inline constexpr std::size_t kVersion = 0;
inline constexpr std::size_t kV1Timer = 4;
inline constexpr std::size_t kV2Timer = 8;
inline constexpr std::size_t kFlags = 12;
inline constexpr std::size_t kRv = 16;
inline constexpr std::size_t kQi = 20;
inline constexpr std::size_t kQri = 24;
inline constexpr std::size_t kUri = 28;
}  // namespace mld_ifinfo

// ---- struct ifma_msghdr (sys/net/if.h): 16 bytes [§5] ---------------------------------------
namespace ifma_msghdr {
inline constexpr std::size_t kSize = 16;
inline constexpr std::size_t kMsglen = 0;   // u_short
inline constexpr std::size_t kVersion = 2;  // u_char
inline constexpr std::size_t kType = 3;     // u_char
inline constexpr std::size_t kAddrs = 4;    // int, RTA_* bitmask
inline constexpr std::size_t kFlags = 8;    // int
inline constexpr std::size_t kIndex = 12;   // u_short
}  // namespace ifma_msghdr

// ---- sockaddrs (sys/sys/socket.h, netinet/in.h, netinet6/in6.h, net/if_dl.h) [§5] ----------
namespace sockaddr {
inline constexpr std::size_t kLen = 0;     // u_char sa_len
inline constexpr std::size_t kFamily = 1;  // sa_family_t (u_char)
}  // namespace sockaddr
namespace sockaddr_in {
inline constexpr std::size_t kSize = 16;
inline constexpr std::size_t kAddr = 4;  // struct in_addr, network order
}  // namespace sockaddr_in
namespace sockaddr_in6 {
inline constexpr std::size_t kSize = 28;
inline constexpr std::size_t kAddr = 8;      // struct in6_addr (16 bytes)
inline constexpr std::size_t kScopeId = 24;  // uint32_t sin6_scope_id, host order
}  // namespace sockaddr_in6
namespace sockaddr_dl {
inline constexpr std::size_t kSize = 54;   // minimum; sdl_len may be larger
inline constexpr std::size_t kIndex = 2;   // u_short sdl_index
inline constexpr std::size_t kType = 4;    // u_char sdl_type
inline constexpr std::size_t kNlen = 5;    // u_char sdl_nlen
inline constexpr std::size_t kAlen = 6;    // u_char sdl_alen
inline constexpr std::size_t kSlen = 7;    // u_char sdl_slen
inline constexpr std::size_t kData = 8;    // char sdl_data[46]: name, then link address
}  // namespace sockaddr_dl

}  // namespace ifmib::platform::freebsd::layout
