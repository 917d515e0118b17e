// FreeBSD only: checks every size, offset and constant of platform/freebsd/abi_layout.h against
// the system headers, so that a FreeBSD build fails (instead of decoding garbage) if our layout
// description and the real ABI ever disagree. Nothing here generates code.

#include <sys/types.h>
#include <sys/param.h>
#include <sys/socket.h>
#include <sys/sysctl.h>
#include <sys/time.h>

#include <sys/ioccom.h>
#include <sys/sockio.h>

#include <net/ethernet.h>
#include <net/if.h>
#include <net/if_bridgevar.h>
#include <net/if_dl.h>
#include <net/if_lagg.h>
#include <net/if_media.h>
#include <net/if_mib.h>
#include <net/if_types.h>
#include <net/if_vlan_var.h>
#include <net/route.h>

#include <netinet/in.h>
#include <netinet/in_systm.h>
#include <netinet/ip.h>
#include <netinet/igmp.h>
#include <netinet/igmp_var.h>
#include <netinet/icmp6.h>
#include <netinet6/mld6_var.h>

#include <cstddef>

#include "platform/freebsd/abi_layout.h"

namespace {

namespace L = ifmib::platform::freebsd::layout;

// ---- constants --------------------------------------------------------------------------
static_assert(CTL_NET == L::kCtlNet);
static_assert(AF_INET == L::kAfInet && AF_ROUTE == L::kAfRoute && PF_ROUTE == L::kAfRoute);
static_assert(AF_LINK == L::kAfLink && PF_LINK == L::kAfLink && AF_INET6 == L::kAfInet6);
static_assert(NET_RT_IFMALIST == L::kNetRtIfmalist);
static_assert(NETLINK_GENERIC == L::kNetlinkGeneric);
static_assert(IFMIB_SYSTEM == L::kIfmibSystem && IFMIB_IFDATA == L::kIfmibIfdata);
static_assert(IFMIB_IFCOUNT == L::kIfmibIfcount);
static_assert(IFDATA_GENERAL == L::kIfdataGeneral && IFDATA_LINKSPECIFIC == L::kIfdataLinkspecific &&
              IFDATA_DRIVERNAME == L::kIfdataDrivername);
static_assert(RTM_VERSION == L::kRtmVersion && RTM_NEWMADDR == L::kRtmNewmaddr);
static_assert(RTAX_GATEWAY == L::kRtaxGateway && RTAX_IFP == L::kRtaxIfp && RTAX_IFA == L::kRtaxIfa &&
              RTAX_MAX == L::kRtaxMax);
static_assert(sizeof(long) == L::kSockaddrAlign, "SA_SIZE rounds to sizeof(long)");
static_assert(IFNAMSIZ == L::kIfNameSize);
static_assert(MCAST_UNDEFINED == L::kMcastUndefined && MCAST_INCLUDE == L::kMcastInclude &&
              MCAST_EXCLUDE == L::kMcastExclude);
static_assert(LINK_STATE_UNKNOWN == L::kLinkStateUnknown && LINK_STATE_DOWN == L::kLinkStateDown &&
              LINK_STATE_UP == L::kLinkStateUp);
#ifdef IGMP_VERSION_3
static_assert(IGMP_VERSION_3 == L::kIgmpVersion3);
#endif
#ifdef MLD_VERSION_2
static_assert(MLD_VERSION_2 == L::kMldVersion2);
#endif

// The IFF_* names in ifmib_decode.cpp and the IFT_* names in type_name().
static_assert(IFF_UP == 0x1 && IFF_BROADCAST == 0x2 && IFF_DEBUG == 0x4 && IFF_LOOPBACK == 0x8);
static_assert(IFF_POINTOPOINT == 0x10 && IFF_DRV_RUNNING == 0x40 && IFF_NOARP == 0x80);
static_assert(IFF_PROMISC == 0x100 && IFF_ALLMULTI == 0x200 && IFF_DRV_OACTIVE == 0x400);
static_assert(IFF_SIMPLEX == 0x800 && IFF_LINK0 == 0x1000 && IFF_LINK1 == 0x2000 && IFF_LINK2 == 0x4000);
static_assert(IFF_MULTICAST == 0x8000 && IFF_CANTCONFIG == 0x10000 && IFF_PPROMISC == 0x20000);
static_assert(IFF_MONITOR == 0x40000 && IFF_STATICARP == 0x80000 && IFF_DYING == 0x200000);
static_assert(IFF_RENAMING == 0x400000);
#ifdef IFF_STICKYARP
static_assert(IFF_STICKYARP == 0x100000);
#endif
static_assert(IFT_OTHER == 0x1 && IFT_ETHER == 0x6 && IFT_ISO88023 == 0x7 && IFT_STARLAN == 0xb);
static_assert(IFT_PPP == 0x17 && IFT_LOOP == 0x18 && IFT_SLIP == 0x1c && IFT_PROPVIRTUAL == 0x35);
static_assert(IFT_IEEE80211 == 0x47 && IFT_TUNNEL == 0x83 && IFT_L2VLAN == 0x87 && IFT_IEEE1394 == 0x90);
static_assert(IFT_IEEE8023ADLAG == 0xa1 && IFT_INFINIBAND == 0xc7 && IFT_BRIDGE == 0xd1 && IFT_STF == 0xd7);
static_assert(IFT_GIF == 0xf0 && IFT_ENC == 0xf4 && IFT_PFLOG == 0xf6 && IFT_PFSYNC == 0xf7);

// ---- struct if_data ------------------------------------------------------------------------
static_assert(sizeof(struct if_data) == L::if_data::kSize);
static_assert(offsetof(struct if_data, ifi_type) == L::if_data::kType);
static_assert(offsetof(struct if_data, ifi_link_state) == L::if_data::kLinkState);
static_assert(offsetof(struct if_data, ifi_datalen) == L::if_data::kDatalen);
static_assert(sizeof(if_data::ifi_datalen) == 2);
static_assert(offsetof(struct if_data, ifi_mtu) == L::if_data::kMtu);
static_assert(offsetof(struct if_data, ifi_metric) == L::if_data::kMetric);
static_assert(offsetof(struct if_data, ifi_baudrate) == L::if_data::kBaudrate);
static_assert(offsetof(struct if_data, ifi_ipackets) == L::if_data::kIpackets);
static_assert(offsetof(struct if_data, ifi_ierrors) == L::if_data::kIerrors);
static_assert(offsetof(struct if_data, ifi_opackets) == L::if_data::kOpackets);
static_assert(offsetof(struct if_data, ifi_oerrors) == L::if_data::kOerrors);
static_assert(offsetof(struct if_data, ifi_collisions) == L::if_data::kCollisions);
static_assert(offsetof(struct if_data, ifi_ibytes) == L::if_data::kIbytes);
static_assert(offsetof(struct if_data, ifi_obytes) == L::if_data::kObytes);
static_assert(offsetof(struct if_data, ifi_imcasts) == L::if_data::kImcasts);
static_assert(offsetof(struct if_data, ifi_omcasts) == L::if_data::kOmcasts);
static_assert(offsetof(struct if_data, ifi_iqdrops) == L::if_data::kIqdrops);
static_assert(offsetof(struct if_data, ifi_oqdrops) == L::if_data::kOqdrops);
static_assert(offsetof(struct if_data, ifi_noproto) == L::if_data::kNoproto);
static_assert(offsetof(struct if_data, ifi_hwassist) == L::if_data::kHwassist);
static_assert(offsetof(struct if_data, __ifi_epoch) == L::if_data::kEpoch);
static_assert(offsetof(struct if_data, __ifi_lastchange) == L::if_data::kLastchange);
static_assert(offsetof(struct if_data, __ifi_lastchange) + offsetof(struct timeval, tv_sec) ==
              L::if_data::kLastchangeSec);
static_assert(offsetof(struct if_data, __ifi_lastchange) + offsetof(struct timeval, tv_usec) ==
              L::if_data::kLastchangeUsec);
static_assert(sizeof(time_t) == 8 && sizeof(timeval::tv_usec) == 8,
              "the decoder reads tv_sec and tv_usec as int64 (LP64)");

// ---- struct ifmibdata ----------------------------------------------------------------------
static_assert(sizeof(struct ifmibdata) == L::ifmibdata::kSize);
static_assert(offsetof(struct ifmibdata, ifmd_name) == L::ifmibdata::kName);
static_assert(offsetof(struct ifmibdata, ifmd_pcount) == L::ifmibdata::kPcount);
static_assert(offsetof(struct ifmibdata, ifmd_flags) == L::ifmibdata::kFlags);
static_assert(offsetof(struct ifmibdata, ifmd_snd_len) == L::ifmibdata::kSndLen);
static_assert(offsetof(struct ifmibdata, ifmd_snd_maxlen) == L::ifmibdata::kSndMaxlen);
static_assert(offsetof(struct ifmibdata, ifmd_snd_drops) == L::ifmibdata::kSndDrops);
static_assert(offsetof(struct ifmibdata, ifmd_data) == L::ifmibdata::kData);

// ---- struct ifmib_iso_8802_3 ------------------------------------------------------------------
static_assert(sizeof(struct ifmib_iso_8802_3) == L::ether_mib::kSize);
static_assert(offsetof(struct ifmib_iso_8802_3, dot3StatsAlignmentErrors) == L::ether_mib::kAlignmentErrors);
static_assert(offsetof(struct ifmib_iso_8802_3, dot3StatsFCSErrors) == L::ether_mib::kFcsErrors);
static_assert(offsetof(struct ifmib_iso_8802_3, dot3StatsSingleCollisionFrames) ==
              L::ether_mib::kSingleCollisionFrames);
static_assert(offsetof(struct ifmib_iso_8802_3, dot3StatsMultipleCollisionFrames) ==
              L::ether_mib::kMultipleCollisionFrames);
static_assert(offsetof(struct ifmib_iso_8802_3, dot3StatsSQETestErrors) == L::ether_mib::kSqeTestErrors);
static_assert(offsetof(struct ifmib_iso_8802_3, dot3StatsDeferredTransmissions) ==
              L::ether_mib::kDeferredTransmissions);
static_assert(offsetof(struct ifmib_iso_8802_3, dot3StatsLateCollisions) == L::ether_mib::kLateCollisions);
static_assert(offsetof(struct ifmib_iso_8802_3, dot3StatsExcessiveCollisions) ==
              L::ether_mib::kExcessiveCollisions);
static_assert(offsetof(struct ifmib_iso_8802_3, dot3StatsInternalMacTransmitErrors) ==
              L::ether_mib::kInternalMacTransmitErrors);
static_assert(offsetof(struct ifmib_iso_8802_3, dot3StatsCarrierSenseErrors) ==
              L::ether_mib::kCarrierSenseErrors);
static_assert(offsetof(struct ifmib_iso_8802_3, dot3StatsFrameTooLongs) == L::ether_mib::kFrameTooLongs);
static_assert(offsetof(struct ifmib_iso_8802_3, dot3StatsInternalMacReceiveErrors) ==
              L::ether_mib::kInternalMacReceiveErrors);
static_assert(offsetof(struct ifmib_iso_8802_3, dot3StatsEtherChipSet) == L::ether_mib::kEtherChipSet);
static_assert(offsetof(struct ifmib_iso_8802_3, dot3StatsMissedFrames) == L::ether_mib::kMissedFrames);
static_assert(offsetof(struct ifmib_iso_8802_3, dot3StatsCollFrequencies) == L::ether_mib::kCollFrequencies);
static_assert(sizeof(ifmib_iso_8802_3::dot3StatsCollFrequencies) ==
              4 * L::ether_mib::kCollFrequencyCount);
static_assert(offsetof(struct ifmib_iso_8802_3, dot3Compliance) == L::ether_mib::kCompliance);

// ---- struct igmp_ifinfo / struct mld_ifinfo ----------------------------------------------------
static_assert(sizeof(struct igmp_ifinfo) == L::igmp_ifinfo::kSize);
static_assert(offsetof(struct igmp_ifinfo, igi_version) == L::igmp_ifinfo::kVersion);
static_assert(offsetof(struct igmp_ifinfo, igi_v1_timer) == L::igmp_ifinfo::kV1Timer);
static_assert(offsetof(struct igmp_ifinfo, igi_v2_timer) == L::igmp_ifinfo::kV2Timer);
static_assert(offsetof(struct igmp_ifinfo, igi_v3_timer) == L::igmp_ifinfo::kV3Timer);
static_assert(offsetof(struct igmp_ifinfo, igi_flags) == L::igmp_ifinfo::kFlags);
static_assert(offsetof(struct igmp_ifinfo, igi_rv) == L::igmp_ifinfo::kRv);
static_assert(offsetof(struct igmp_ifinfo, igi_qi) == L::igmp_ifinfo::kQi);
static_assert(offsetof(struct igmp_ifinfo, igi_qri) == L::igmp_ifinfo::kQri);
static_assert(offsetof(struct igmp_ifinfo, igi_uri) == L::igmp_ifinfo::kUri);
static_assert(sizeof(struct mld_ifinfo) == L::mld_ifinfo::kSize);
static_assert(offsetof(struct mld_ifinfo, mli_version) == L::mld_ifinfo::kVersion);
static_assert(offsetof(struct mld_ifinfo, mli_v1_timer) == L::mld_ifinfo::kV1Timer);
static_assert(offsetof(struct mld_ifinfo, mli_v2_timer) == L::mld_ifinfo::kV2Timer);
static_assert(offsetof(struct mld_ifinfo, mli_flags) == L::mld_ifinfo::kFlags);
static_assert(offsetof(struct mld_ifinfo, mli_rv) == L::mld_ifinfo::kRv);
static_assert(offsetof(struct mld_ifinfo, mli_qi) == L::mld_ifinfo::kQi);
static_assert(offsetof(struct mld_ifinfo, mli_qri) == L::mld_ifinfo::kQri);
static_assert(offsetof(struct mld_ifinfo, mli_uri) == L::mld_ifinfo::kUri);

// ---- struct ifma_msghdr and the sockaddrs ------------------------------------------------------
static_assert(sizeof(struct ifma_msghdr) == L::ifma_msghdr::kSize);
static_assert(offsetof(struct ifma_msghdr, ifmam_msglen) == L::ifma_msghdr::kMsglen);
static_assert(offsetof(struct ifma_msghdr, ifmam_version) == L::ifma_msghdr::kVersion);
static_assert(offsetof(struct ifma_msghdr, ifmam_type) == L::ifma_msghdr::kType);
static_assert(offsetof(struct ifma_msghdr, ifmam_addrs) == L::ifma_msghdr::kAddrs);
static_assert(offsetof(struct ifma_msghdr, ifmam_flags) == L::ifma_msghdr::kFlags);
static_assert(offsetof(struct ifma_msghdr, ifmam_index) == L::ifma_msghdr::kIndex);
static_assert(offsetof(struct sockaddr, sa_len) == L::sockaddr::kLen);
static_assert(offsetof(struct sockaddr, sa_family) == L::sockaddr::kFamily);
static_assert(sizeof(struct sockaddr_in) == L::sockaddr_in::kSize);
static_assert(offsetof(struct sockaddr_in, sin_addr) == L::sockaddr_in::kAddr);
static_assert(sizeof(struct sockaddr_in6) == L::sockaddr_in6::kSize);
static_assert(offsetof(struct sockaddr_in6, sin6_addr) == L::sockaddr_in6::kAddr);
static_assert(offsetof(struct sockaddr_in6, sin6_scope_id) == L::sockaddr_in6::kScopeId);
static_assert(sizeof(struct sockaddr_dl) == L::sockaddr_dl::kSize);
static_assert(offsetof(struct sockaddr_dl, sdl_index) == L::sockaddr_dl::kIndex);
static_assert(offsetof(struct sockaddr_dl, sdl_type) == L::sockaddr_dl::kType);
static_assert(offsetof(struct sockaddr_dl, sdl_nlen) == L::sockaddr_dl::kNlen);
static_assert(offsetof(struct sockaddr_dl, sdl_alen) == L::sockaddr_dl::kAlen);
static_assert(offsetof(struct sockaddr_dl, sdl_slen) == L::sockaddr_dl::kSlen);
static_assert(offsetof(struct sockaddr_dl, sdl_data) == L::sockaddr_dl::kData);

}  // namespace

// struct ifmediareq and the media word (media_decode.cpp).
static_assert(sizeof(struct ifmediareq) == L::ifmediareq::kSize);
static_assert(offsetof(struct ifmediareq, ifm_current) == L::ifmediareq::kCurrent);
static_assert(offsetof(struct ifmediareq, ifm_status) == L::ifmediareq::kStatus);
static_assert(offsetof(struct ifmediareq, ifm_active) == L::ifmediareq::kActive);
static_assert(IFM_NMASK == L::kIfmNmask && IFM_ETHER == L::kIfmEther && IFM_TMASK == L::kIfmTmask);
static_assert(IFM_ETH_XTYPE == L::kIfmEthXtype && IFM_AUTO == L::kIfmAuto && IFM_NONE == L::kIfmNone);
static_assert(IFM_FDX == L::kIfmFdx && IFM_HDX == L::kIfmHdx);
static_assert(IFM_AVALID == L::kIfmAvalid && IFM_ACTIVE == L::kIfmActive);

// Stacking (stack_decode.cpp and the ioctls of sysctl_system_source.cpp).
static_assert(SIOCGLAGG == L::kSiocglagg && SIOCGETVLAN == L::kSiocgifgeneric && SIOCGIFGENERIC == L::kSiocgifgeneric);
static_assert(SIOCGDRVSPEC == L::kSiocgdrvspec && BRDGGIFS == L::kBrdggifs);
static_assert(LAGG_MAX_PORTS == L::kLaggMaxPorts && IFBIF_SPAN == L::kIfbifSpan);
static_assert(sizeof(struct lagg_reqport) == L::lagg_reqport::kSize);
static_assert(offsetof(struct lagg_reqport, rp_ifname) == L::lagg_reqport::kIfname);
static_assert(offsetof(struct lagg_reqport, rp_portname) == L::lagg_reqport::kPortname);
static_assert(sizeof(lagg_reqport::rp_portname) == L::kIfNameSize);
static_assert(offsetof(struct lagg_reqport, rp_flags) == L::lagg_reqport::kFlags);
static_assert(sizeof(struct lagg_reqall) == L::lagg_reqall::kSize);
static_assert(offsetof(struct lagg_reqall, ra_ifname) == L::lagg_reqall::kIfname);
static_assert(offsetof(struct lagg_reqall, ra_size) == L::lagg_reqall::kBufferSize && sizeof(lagg_reqall::ra_size) == 8);
static_assert(offsetof(struct lagg_reqall, ra_port) == L::lagg_reqall::kPortBuffer);
static_assert(offsetof(struct lagg_reqall, ra_ports) == L::lagg_reqall::kPorts && sizeof(lagg_reqall::ra_ports) == 4);
static_assert(sizeof(struct vlanreq) >= L::vlanreq::kMinSize);
static_assert(offsetof(struct vlanreq, vlr_parent) == L::vlanreq::kParent && sizeof(vlanreq::vlr_parent) == L::kIfNameSize);
static_assert(offsetof(struct vlanreq, vlr_tag) == L::vlanreq::kTag);
static_assert(sizeof(struct ifbifconf) == L::ifbifconf::kSize);
static_assert(offsetof(struct ifbifconf, ifbic_len) == L::ifbifconf::kLen && sizeof(ifbifconf::ifbic_len) == 4);
static_assert(offsetof(struct ifbifconf, ifbic_ifbicu) == L::ifbifconf::kBuffer);  // ifbic_buf, ifbic_req
static_assert(sizeof(struct ifbreq) == L::ifbreq::kSize);
static_assert(offsetof(struct ifbreq, ifbr_ifsname) == L::ifbreq::kIfsname && sizeof(ifbreq::ifbr_ifsname) == L::kIfNameSize);
static_assert(offsetof(struct ifbreq, ifbr_ifsflags) == L::ifbreq::kIfsflags && sizeof(ifbreq::ifbr_ifsflags) == 4);
static_assert(sizeof(struct ifdrv) == L::ifdrv::kSize);
static_assert(sizeof(struct ifreq) == 32, "SIOCGIFGENERIC's size field is sizeof(struct ifreq)");
