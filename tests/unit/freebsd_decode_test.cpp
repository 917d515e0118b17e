// The FreeBSD decoders against hand-annotated fixtures (tests/unit/fixtures/freebsd/*.hex).

#include <doctest/doctest.h>

#include <algorithm>
#include <cerrno>

#include "platform/address_text.h"
#include "platform/freebsd/ifmaddrs_decode.h"
#include "platform/freebsd/ifmib_decode.h"
#include "platform/freebsd/media_decode.h"
#include "platform/freebsd/mcast_filter_decode.h"
#include "platform/freebsd/stack_decode.h"
#include "tests/support/address.h"
#include "tests/unit/freebsd_fixture.h"

using namespace ifmib;
using namespace ifmib::platform;
using namespace ifmib::platform::freebsd;
using ifmib::test::freebsd::Bytes;
using ifmib::test::freebsd::hex_fixture;

TEST_CASE("freebsd ifmibdata: every field of a 208-byte row lands where the ABI says") {
  const auto row = decode_ifmibdata(hex_fixture("ifmibdata_lan0.hex"));
  REQUIRE_MESSAGE(row, row.error().text());
  CHECK(row->name == "lan0");
  CHECK(row->pcount == 1);
  CHECK(row->flags == 0x8943);
  CHECK(row->snd_len == 3);
  CHECK(row->snd_maxlen == 1024);
  CHECK(row->snd_drops == 7);
  CHECK(row->type == 6);
  CHECK(row->link_state == 2);
  CHECK(row->mtu == 1500);
  CHECK(row->baudrate == 1000000000ULL);
  CHECK(row->ipackets == 2000000001ULL);
  CHECK(row->ierrors == 2000000002ULL);
  CHECK(row->opackets == 2000000003ULL);
  CHECK(row->oerrors == 2000000004ULL);
  CHECK(row->collisions == 2000000005ULL);
  CHECK(row->ibytes == 2000000006ULL);
  CHECK(row->obytes == 2000000007ULL);
  CHECK(row->imcasts == 2000000008ULL);
  CHECK(row->omcasts == 2000000009ULL);
  CHECK(row->iqdrops == 2000000010ULL);
  CHECK(row->oqdrops == 4294967303ULL);
  CHECK(row->noproto == 2000000012ULL);
  CHECK(row->hwassist == 0x1f);
  CHECK(row->epoch == 12);
  CHECK(row->lastchange_sec == 1700000000);
  CHECK(row->lastchange_usec == 250000);
}

TEST_CASE("freebsd ifmibdata: wrong ifi_datalen or wrong length is a clear error") {
  const auto bad = decode_ifmibdata(hex_fixture("ifmibdata_em1_bad_datalen.hex"));
  REQUIRE_FALSE(bad);
  CHECK(bad.error().sys_errno == 0);
  CHECK(bad.error().text().find("ifi_datalen 144, expected 152") != std::string::npos);

  Bytes i386_sized = hex_fixture("ifmibdata_lan0.hex");
  i386_sized.resize(204);  // ILP32 layout length
  const auto short_row = decode_ifmibdata(i386_sized);
  REQUIRE_FALSE(short_row);
  CHECK(short_row.error().text().find("length 204, expected 208") != std::string::npos);
  CHECK_FALSE(decode_ifmibdata(Bytes{}));
}

TEST_CASE("freebsd ifmibdata -> Interface and SendQueue") {
  const auto row = decode_ifmibdata(hex_fixture("ifmibdata_lan0.hex"));
  REQUIRE(row);
  const Interface i = to_interface(*row, 2, "em0", decode_ether_mib(hex_fixture("ether_mib_lan0.hex")));
  CHECK(i.name == "lan0");
  CHECK(i.driver == "em0");
  CHECK(i.index == 2);
  CHECK(i.type == "ether");
  CHECK(i.admin_up);
  CHECK(i.oper_status == OperStatus::up);  // IFF_RUNNING (0x40 in 0x8943) and LINK_STATE_UP
  CHECK(i.known_flags.data() == known_flag_names().data());  // the static table
  CHECK(i.known_flags.size() == 22);
  CHECK(set_flag_names(i) == std::vector<std::string>{"up", "broadcast", "running", "promisc", "simplex", "multicast"});
  CHECK(i.unknown_flags.empty());
  CHECK(i.promiscuous_listeners == std::optional<std::uint32_t>(1));
  CHECK(i.mtu == std::optional<std::uint32_t>(1500));
  CHECK(i.baudrate_bits_per_second == std::optional<std::uint64_t>(1000000000ULL));
  CHECK(i.last_change_timestamp_seconds == std::optional<double>(1700000000.25));
  CHECK(i.counters.rx_bytes == 2000000006ULL);
  CHECK(i.counters.tx_bytes == 2000000007ULL);
  CHECK(i.counters.rx_packets == 2000000001ULL);
  CHECK(i.counters.tx_packets == 2000000003ULL);
  CHECK(i.counters.rx_errors == 2000000002ULL);
  CHECK(i.counters.tx_errors == 2000000004ULL);
  CHECK(i.counters.rx_dropped == 2000000010ULL);
  CHECK(i.counters.tx_dropped == 4294967303ULL);
  CHECK(i.counters.collisions == 2000000005ULL);
  CHECK(i.counters.rx_multicast == std::optional<std::uint64_t>(2000000008ULL));
  CHECK(i.counters.tx_multicast == std::optional<std::uint64_t>(2000000009ULL));
  CHECK(i.counters.rx_unknown_protocol == std::optional<std::uint64_t>(2000000012ULL));
  REQUIRE(i.ether);
  CHECK(i.ether->chipset == std::optional<std::uint32_t>(0x20003));

  const SendQueue q = to_send_queue(*row, 2);
  CHECK(q.device == "lan0");
  CHECK(q.index == 2);
  CHECK(q.discipline.empty());
  CHECK(q.length == 3);
  CHECK(q.max_length == std::optional<std::uint64_t>(1024));
  CHECK(q.drops == 4294967303ULL);  // the 64-bit ifi_oqdrops, not the truncated ifmd_snd_drops (7)
}

TEST_CASE("freebsd ifmibdata: loopback, unknown link state, unnamed flag bits") {
  const auto row = decode_ifmibdata(hex_fixture("ifmibdata_lo0.hex"));
  REQUIRE(row);
  const Interface i = to_interface(*row, 1, "lo0", std::nullopt);
  CHECK(i.type == "loopback");
  CHECK(i.oper_status == OperStatus::unknown);  // running, LINK_STATE_UNKNOWN
  CHECK(set_flag_names(i) == std::vector<std::string>{"up", "loopback", "running", "multicast"});
  // Every flag word decodes to the same names as flag_names(): known bits, then "bit<N>".
  for (const std::uint32_t flags : {0u, 0x8943u, 0x20u | 0x800000u | 0x1000000u | 0x80000000u, 0xffffffffu}) {
    auto r = *row;
    r.flags = static_cast<std::int32_t>(flags);
    CAPTURE(flags);
    CHECK(set_flag_names(to_interface(r, 1, "lo0", std::nullopt)) == flag_names(flags));
  }
  CHECK_FALSE(i.ether.has_value());
  CHECK(flag_names(0x20 | 0x800000 | 0x1000000 | 0x80000000u) ==
        std::vector<std::string>{"bit5", "bit23", "bit24", "bit31"});
  CHECK(flag_names(0x400000) == std::vector<std::string>{"renaming"});
  // The fixed set is every named flag; "bit<N>" never appears in it.
  CHECK(known_flag_names().size() == 22);
  const auto known = known_flag_names();
  CHECK(std::vector<std::string>(known.begin(), known.end()) == flag_names(0x7fffdf));
  CHECK(type_name(0x87) == "l2vlan");
  CHECK(type_name(0xd1) == "bridge");
  CHECK(type_name(0x99) == "ift_153");
}

TEST_CASE("freebsd ifOperStatus from IFF_DRV_RUNNING and ifi_link_state (bsnmpd's rule, two cases differ)") {
  auto row = decode_ifmibdata(hex_fixture("ifmibdata_lan0.hex"));
  REQUIRE(row);
  // sys/net/if.h: IFF_UP 0x1, IFF_DRV_RUNNING 0x40; LINK_STATE_UNKNOWN 0, _DOWN 1, _UP 2.
  const auto state = [&](std::int32_t flags, std::uint8_t link_state) {
    row->flags = flags;
    row->link_state = link_state;
    return to_interface(*row, 2, "em0", std::nullopt);
  };
  CHECK(state(0x41, 2).oper_status == OperStatus::up);
  CHECK(state(0x41, 1).oper_status == OperStatus::down);     // cable pulled (bsnmpd: dormant)
  CHECK(state(0x41, 0).oper_status == OperStatus::unknown);  // no link reporting (bsnmpd: dormant)
  CHECK(state(0x01, 2).oper_status == OperStatus::down);     // up but driver not running
  const auto admin_down = state(0x00, 1);
  CHECK(admin_down.oper_status == OperStatus::down);
  CHECK_FALSE(admin_down.admin_up);
  CHECK(admin_down.known_flags.data() == state(0x8943, 2).known_flags.data());  // fixed set, whatever is set
}

TEST_CASE("freebsd 802.3 MIB: 124 bytes decode, anything else is 'not available'") {
  const auto e = decode_ether_mib(hex_fixture("ether_mib_lan0.hex"));
  REQUIRE(e);
  CHECK(e->alignment_errors == std::optional<std::uint64_t>(101));
  CHECK(e->fcs_errors == std::optional<std::uint64_t>(102));
  CHECK(e->single_collision_frames == std::optional<std::uint64_t>(103));
  CHECK(e->multiple_collision_frames == std::optional<std::uint64_t>(104));
  CHECK(e->sqe_test_errors == std::optional<std::uint64_t>(105));
  CHECK(e->deferred_transmissions == std::optional<std::uint64_t>(106));
  CHECK(e->late_collisions == std::optional<std::uint64_t>(107));
  CHECK(e->excessive_collisions == std::optional<std::uint64_t>(108));
  CHECK(e->internal_mac_transmit_errors == std::optional<std::uint64_t>(109));
  CHECK(e->carrier_sense_errors == std::optional<std::uint64_t>(110));
  CHECK(e->frame_too_longs == std::optional<std::uint64_t>(111));
  CHECK(e->internal_mac_receive_errors == std::optional<std::uint64_t>(112));
  CHECK(e->missed_frames == std::optional<std::uint64_t>(113));
  CHECK(e->chipset == std::optional<std::uint32_t>(0x00020003));
  REQUIRE(e->collision_frequencies.size() == 16);
  CHECK(e->collision_frequencies.front() == 201);
  CHECK(e->collision_frequencies.back() == 216);

  CHECK_FALSE(decode_ether_mib(Bytes{}));
  CHECK_FALSE(decode_ether_mib(Bytes(120, 0)));
  CHECK_FALSE(decode_ether_mib(Bytes(128, 0)));
}

TEST_CASE("freebsd IFDATA_DRIVERNAME") {
  CHECK(decode_driver_name(ifmib::test::freebsd::c_string("em0")) == "em0");
  CHECK(decode_driver_name(ifmib::test::freebsd::c_string("lo")) == "lo");  // IF_DUNIT_NONE
  CHECK(decode_driver_name(Bytes{}).empty());
}

TEST_CASE("freebsd mcast filters: include with sources, exclude with none, not joined") {
  const auto inc = decode_ip_mcast_filters(hex_fixture("ip_filters_include_sources.hex"));
  REQUIRE(inc);
  REQUIRE(inc->has_value());
  CHECK((*inc)->mode == std::optional<FilterMode>(FilterMode::include));
  CHECK(ifmib::test::texts(AddressFamily::inet, (*inc)->sources) == std::vector<std::string>{"10.0.0.1", "192.0.2.7"});

  const auto exc = decode_ip_mcast_filters(hex_fixture("ip_filters_exclude_none.hex"));
  REQUIRE(exc);
  REQUIRE(exc->has_value());
  CHECK((*exc)->mode == std::optional<FilterMode>(FilterMode::exclude));
  CHECK((*exc)->sources.empty());

  const auto undef = decode_ip_mcast_filters(hex_fixture("ip_filters_undefined.hex"));
  REQUIRE(undef);
  REQUIRE(undef->has_value());
  CHECK_FALSE((*undef)->mode.has_value());
  CHECK((*undef)->raw_mode == 0);

  const auto none = decode_ip_mcast_filters(Bytes{});
  REQUIRE(none);
  CHECK_FALSE(none->has_value());

  CHECK_FALSE(decode_ip_mcast_filters(Bytes(6, 0)));
  CHECK_FALSE(decode_ip6_mcast_filters(Bytes(8, 0)));

  const auto inc6 = decode_ip6_mcast_filters(hex_fixture("ip6_filters_include_sources.hex"));
  REQUIRE(inc6);
  REQUIRE(inc6->has_value());
  CHECK((*inc6)->mode == std::optional<FilterMode>(FilterMode::include));
  CHECK(ifmib::test::texts(AddressFamily::inet6, (*inc6)->sources) == std::vector<std::string>{"2001:db8::1", "fe80::1"});
}

TEST_CASE("freebsd IGMP/MLD ifinfo: v3/v2 carry protocol variables, v2/v1 do not") {
  const auto v3 = decode_igmp_ifinfo(hex_fixture("igmp_ifinfo_v3.hex"));
  REQUIRE(v3);
  CHECK(*v3 == IgmpInfo{3, 0, 0, 7, 0, 2, 125, 10, 3});
  const auto p3 = to_protocol(*v3, "lan0", 2);
  CHECK(p3.family == AddressFamily::inet);
  CHECK(p3.version == 3);
  CHECK(p3.robustness == std::optional<std::uint32_t>(2));
  CHECK(p3.query_interval_seconds == std::optional<std::uint32_t>(125));
  CHECK(p3.query_response_interval_seconds == std::optional<std::uint32_t>(10));
  CHECK(p3.unsolicited_report_interval_seconds == std::optional<std::uint32_t>(3));

  const auto v2 = decode_igmp_ifinfo(hex_fixture("igmp_ifinfo_v2.hex"));
  REQUIRE(v2);
  CHECK(v2->v2_timer == 260);
  CHECK(v2->flags == 1);
  const auto p2 = to_protocol(*v2, "vlan0", 6);
  CHECK(p2.version == 2);
  CHECK_FALSE(p2.robustness.has_value());
  CHECK_FALSE(p2.query_interval_seconds.has_value());

  const auto m2 = decode_mld_ifinfo(hex_fixture("mld_ifinfo_v2.hex"));
  REQUIRE(m2);
  CHECK(*m2 == MldInfo{2, 0, 5, 2, 2, 125, 10, 1});
  CHECK(to_protocol(*m2, "lan0", 2).unsolicited_report_interval_seconds == std::optional<std::uint32_t>(1));
  const auto m1 = decode_mld_ifinfo(hex_fixture("mld_ifinfo_v1.hex"));
  REQUIRE(m1);
  CHECK(to_protocol(*m1, "lan0", 2).version == 1);
  CHECK_FALSE(to_protocol(*m1, "lan0", 2).robustness.has_value());

  CHECK_FALSE(decode_igmp_ifinfo(Bytes(32, 0)));  // pre-split kernel struct: different size
  CHECK_FALSE(decode_mld_ifinfo(Bytes(36, 0)));
}

TEST_CASE("freebsd NET_RT_IFMALIST: one hand-annotated message") {
  const auto entries = decode_ifmalist(hex_fixture("ifmalist_lan0_inet.hex"));
  REQUIRE_MESSAGE(entries, entries.error().text());
  REQUIRE(entries->size() == 1);
  const auto& e = entries->front();
  CHECK(e.index == 2);
  CHECK(e.device == "lan0");
  CHECK(e.family == AddressFamily::inet);
  CHECK(address_text(e.family, e.group) == "224.0.0.251");
  CHECK(e.lladdr == "01:00:5e:00:00:fb");
  CHECK(e.group.size == 4);
  CHECK(e.group.bytes[0] == 224);
  CHECK(e.group.bytes[3] == 251);
}

TEST_CASE("freebsd NET_RT_IFMALIST: truncated buffers are errors, not guesses") {
  Bytes b = hex_fixture("ifmalist_lan0_inet.hex");
  Bytes cut(b.begin(), b.begin() + 100);
  CHECK_FALSE(decode_ifmalist(cut));  // ifmam_msglen 144 > 100 bytes
  Bytes zero_len(8, 0);
  CHECK_FALSE(decode_ifmalist(zero_len));  // msglen 0 would loop forever
  const auto empty = decode_ifmalist(Bytes{});
  REQUIRE(empty);
  CHECK(empty->empty());
}

TEST_CASE("freebsd address text") {
  const std::uint8_t v6a[16] = {0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xff, 0, 0, 1};
  CHECK(ipv6_text(std::span<const std::uint8_t, 16>(v6a, 16)) == "ff02::1:ff00:1");
  const std::uint8_t v6b[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1};
  CHECK(ipv6_text(std::span<const std::uint8_t, 16>(v6b, 16)) == "2001:db8::1:0:0:1");
  const std::uint8_t v6c[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0, 0, 1, 0, 1, 0, 1, 0, 1};
  CHECK(ipv6_text(std::span<const std::uint8_t, 16>(v6c, 16)) == "2001:db8:1:0:1:1:1:1");  // one 0: no "::"
  const std::uint8_t zero[16] = {};
  CHECK(ipv6_text(std::span<const std::uint8_t, 16>(zero, 16)) == "::");
  const std::uint8_t mac[6] = {0x33, 0x33, 0, 0, 0, 0xfb};
  CHECK(link_text(mac) == "33:33:00:00:00:fb");
}

TEST_CASE("freebsd media word: duplex and autonegotiation from struct ifmediareq") {
  // em0 as `ifconfig em0` shows "media: Ethernet autoselect (1000baseT <full-duplex>)",
  // "status: active". Words typed from sys/net/if_media.h: IFM_ETHER 0x20, IFM_AUTO 0,
  // IFM_1000_T 16, IFM_FDX 0x00100000, IFM_AVALID 0x1, IFM_ACTIVE 0x2; little-endian, LP64 layout.
  Bytes req(48, 0);
  const Bytes name = {'e', 'm', '0'};
  std::copy(name.begin(), name.end(), req.begin());
  const auto put = [&](std::size_t offset, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) req[offset + i] = static_cast<std::uint8_t>(v >> (8 * i));
  };
  put(16, 0x00000020);  // ifm_current: Ethernet autoselect
  put(24, 0x00000003);  // ifm_status: AVALID | ACTIVE
  put(28, 0x00100030);  // ifm_active: Ethernet 1000baseT full-duplex
  const auto words = decode_ifmediareq(req);
  REQUIRE(words);
  CHECK(words->current == 0x20);
  CHECK(words->status == 3);
  CHECK(words->active == 0x00100030);
  CHECK(decode_media(*words) == MediaState{true, true});

  // Forced "media 100baseTX mediaopt half-duplex": IFM_100_TX 6, IFM_HDX 0x00200000.
  CHECK(decode_media({0x00200026, 3, 0x00200026}) == MediaState{false, false});
  // Autoselect with no carrier (status: no carrier): duplex unknown, autoneg still on.
  CHECK(decode_media({0x20, 1, 0x20}) == MediaState{std::nullopt, true});
  // Extended subtype (IFM_ETH_XTYPE bits, e.g. 25GBase-SR is IFM_X(...)) is a fixed media, not auto.
  CHECK(decode_media({0x00000820, 3, 0x00100820}) == MediaState{true, false});
  // IFM_NONE, and a non-Ethernet (IFM_IEEE80211 0x80) interface: nothing known.
  CHECK(decode_media({0x22, 3, 0x22}) == MediaState{});
  CHECK(decode_media({0x80, 3, 0x00100080}) == MediaState{});
  CHECK_FALSE(decode_ifmediareq(Bytes(40, 0)));
}

// ---- stacking: SIOCGLAGG, SIOCGETVLAN, BRDGGIFS ---------------------------------------------
// Request structs written inline with offsets typed from the headers (LP64): struct lagg_reqall
// (sys/net/if_lagg.h) ra_size @24 (size_t), ra_ports @40 (int), 80 bytes; struct ifbifconf
// (sys/net/if_bridgevar.h) ifbic_len @0 (uint32_t), 16 bytes.
namespace {
Bytes lagg_reqall(std::uint64_t ra_size, std::int32_t ra_ports) {
  return ifmib::test::freebsd::parse_annotated_hex("size 80\n@0 str16 \"lagg0\"\n@16 u32 4\n@24 u64 " +
                                                       std::to_string(ra_size) + "\n@40 i32 " + std::to_string(ra_ports),
                                                   "lagg_reqall");
}
Bytes ifbifconf(std::uint32_t len) {
  return ifmib::test::freebsd::parse_annotated_hex("size 16\n@0 u32 " + std::to_string(len), "ifbifconf");
}
// The fixture's records at the start of a zeroed buffer of `size` bytes, as the kernel leaves it.
Bytes in_buffer(const Bytes& records, std::size_t size) {
  Bytes b(size, 0);
  std::copy(records.begin(), records.end(), b.begin());
  return b;
}
}  // namespace

TEST_CASE("freebsd stacking: which interfaces are asked, by driver name") {
  CHECK(stack_kind("lagg0") == StackKind::lagg);
  CHECK(stack_kind("vlan100") == StackKind::vlan);
  CHECK(stack_kind("bridge12") == StackKind::bridge);
  CHECK(stack_kind("em0") == StackKind::none);
  CHECK(stack_kind("vxlan0") == StackKind::none);
  CHECK(stack_kind("laggy0") == StackKind::none);
  CHECK(stack_kind("lo0") == StackKind::none);
  CHECK(stack_kind("") == StackKind::none);
}

TEST_CASE("freebsd stacking: SIOCGLAGG lists the lagg's ports as ifconfig's laggport lines") {
  // ifconfig lagg0: "laggport: em2 flags=1c<ACTIVE,COLLECTING,DISTRIBUTING>", the same for em3.
  const Bytes ports = in_buffer(hex_fixture("lagg_ports_lagg0.hex"), 32 * 72);  // LAGG_MAX_PORTS records
  const auto names = decode_lagg_ports(lagg_reqall(144, 2), ports);
  REQUIRE_MESSAGE(names, names.error().text());
  CHECK(*names == std::vector<std::string>{"em2", "em3"});
  const auto none = decode_lagg_ports(lagg_reqall(0, 0), Bytes(32 * 72, 0));
  REQUIRE(none);
  CHECK(none->empty());
  // An answer that disagrees with itself or with the buffer is not guessed at.
  CHECK_FALSE(decode_lagg_ports(lagg_reqall(144, 3), ports));        // ra_size != ra_ports * 72
  CHECK_FALSE(decode_lagg_ports(lagg_reqall(144, 2), Bytes(100, 0))); // more than the buffer
  CHECK_FALSE(decode_lagg_ports(lagg_reqall(0, -1), ports));
  Bytes short_request = lagg_reqall(144, 2);
  short_request.resize(76);  // a layout whose ra_psc is not padded: not ours
  CHECK_FALSE(decode_lagg_ports(short_request, ports));
  Bytes unterminated = ports;
  std::fill(unterminated.begin() + 16, unterminated.begin() + 32, 'x');  // rp_portname of [0] without NUL
  const auto bad = decode_lagg_ports(lagg_reqall(144, 2), unterminated);
  REQUIRE_FALSE(bad);
  CHECK(bad.error().text().find("rp_portname") != std::string::npos);
}

TEST_CASE("freebsd stacking: SIOCGETVLAN gives the vlan's parent, with and without vlr_proto") {
  // ifconfig vlan0: "vlan: 100 vlanproto: 802.1q ... parent interface: lagg0".
  const auto parent = decode_vlan_parent(hex_fixture("vlanreq_vlan0.hex"));
  REQUIRE_MESSAGE(parent, parent.error().text());
  CHECK(*parent == std::optional<std::string>("lagg0"));
  // The 18-byte struct of kernels without vlr_proto.
  Bytes old_layout = hex_fixture("vlanreq_vlan0.hex");
  old_layout.resize(18);
  CHECK(decode_vlan_parent(old_layout).value() == std::optional<std::string>("lagg0"));
  // A vlan with no vlandev yet: "parent interface: <none>", no relation.
  const auto orphan = decode_vlan_parent(Bytes(64, 0));
  REQUIRE(orphan);
  CHECK_FALSE(orphan->has_value());
  CHECK_FALSE(decode_vlan_parent(Bytes(17, 0)));
  CHECK_FALSE(decode_vlan_parent(Bytes(64, 'a')));  // vlr_parent without NUL
}

TEST_CASE("freebsd stacking: BRDGGIFS lists members, leaves span ports out, and says when it was cut off") {
  // ifconfig bridge0: "member: tap0 flags=3<LEARNING,DISCOVER>", "member: vlan0 ...", and
  // "span: lan0" (ifbridge.c prints span ports apart, from IFBIF_SPAN).
  const Bytes records = hex_fixture("bridge_members_bridge0.hex");
  const auto all = decode_bridge_members(ifbifconf(240), in_buffer(records, 8192));
  REQUIRE_MESSAGE(all, all.error().text());
  CHECK(all->members == std::vector<std::string>{"vlan0", "tap0"});
  CHECK(all->complete);
  // ifconfig's test: complete only when ifbic_len + sizeof(struct ifbreq) < the buffer's size.
  CHECK_FALSE(decode_bridge_members(ifbifconf(240), in_buffer(records, 240)).value().complete);
  CHECK_FALSE(decode_bridge_members(ifbifconf(240), in_buffer(records, 320)).value().complete);
  CHECK(decode_bridge_members(ifbifconf(240), in_buffer(records, 321)).value().complete);
  const auto empty = decode_bridge_members(ifbifconf(0), Bytes(8192, 0));
  REQUIRE(empty);
  CHECK(empty->members.empty());
  CHECK(empty->complete);
  CHECK_FALSE(decode_bridge_members(ifbifconf(100), in_buffer(records, 8192)));  // not whole records
  CHECK_FALSE(decode_bridge_members(ifbifconf(320), in_buffer(records, 240)));   // past the buffer
  CHECK_FALSE(decode_bridge_members(Bytes(8, 0), in_buffer(records, 8192)));     // ILP32 ifbifconf
}
