// The whole FreeBSD reader on Linux: a fake sysctl source serves a fixture host.
//
// The host: ifcount 7 (the highest index), rows
//   1 lo0                      2 lan0 (renamed from em0, with an 802.3 MIB)
//   3 ENOENT (sparse)          4 em1 with ifi_datalen 144 (bad row)
//   5 gone0: detaches between its general and drivername reads
//   6 vlan0: first read ENOMEM, then fine            7 ENOENT (detached)
// and multicast memberships built by the generator below.

#include <doctest/doctest.h>

#include <algorithm>
#include <cerrno>
#include <memory>
#include <thread>

#include "platform/freebsd/freebsd_reader.h"
#include "tests/support/address.h"
#include "tests/unit/freebsd_fixture.h"

using namespace ifmib;
using namespace ifmib::platform;
using ifmib::test::freebsd::Bytes;
using ifmib::test::freebsd::c_string;
using ifmib::test::freebsd::FakeSysctl;
using ifmib::test::freebsd::hex_fixture;

namespace {

// MIBs typed from shared/reference/freebsd-abi.md §4-7 (not from abi_layout.h).
std::vector<int> ifcount_mib() { return {4, 18, 0, 1, 1}; }
std::vector<int> ifdata_mib(int row, int col) { return {4, 18, 0, 2, row, col}; }
constexpr int kGeneral = 1, kLinkSpecific = 2, kDriverName = 3;
std::vector<int> ifmalist_mib() { return {4, 17, 0, 0, 4, 0}; }
// Made-up OID_AUTO numbers, as sysctlnametomib would return them on some boot.
const std::vector<int> kIpFilters{4, 2, 0, 210, 211};
const std::vector<int> kIp6Filters{4, 28, 41, 212, 213};
const std::vector<int> kIgmpIfinfo{4, 2, 2, 214};
const std::vector<int> kMldIfinfo{4, 28, 215, 216};

std::vector<int> with(std::vector<int> base, std::initializer_list<int> tail) {
  base.insert(base.end(), tail);
  return base;
}

Bytes le32(std::int32_t v) {
  Bytes b(4);
  for (int i = 0; i < 4; ++i) b[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(static_cast<std::uint32_t>(v) >> (8 * i));
  return b;
}

// ---- NET_RT_IFMALIST generator: fields written at offsets typed from ABI §5 ----------------
void put16(Bytes& b, std::size_t off, std::uint16_t v) {
  b[off] = static_cast<std::uint8_t>(v);
  b[off + 1] = static_cast<std::uint8_t>(v >> 8);
}
void put32(Bytes& b, std::size_t off, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) b[off + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(v >> (8 * i));
}
Bytes sa_in(std::initializer_list<std::uint8_t> addr) {  // sockaddr_in: 16 bytes, addr @4
  Bytes b(16, 0);
  b[0] = 16;
  b[1] = 2;  // AF_INET
  std::copy(addr.begin(), addr.end(), b.begin() + 4);
  return b;
}
Bytes sa_in6(std::initializer_list<std::uint8_t> addr, std::uint32_t scope) {  // 28 bytes, addr @8, scope @24
  Bytes b(28, 0);
  b[0] = 28;
  b[1] = 28;  // AF_INET6
  std::copy(addr.begin(), addr.end(), b.begin() + 8);
  put32(b, 24, scope);
  return b;
}
Bytes sa_dl(std::uint16_t index, const std::string& name, std::initializer_list<std::uint8_t> lladdr) {
  // sockaddr_dl: len, family 18, index @2, type @4, nlen @5, alen @6, slen @7, data @8; >= 54 bytes
  Bytes b(54, 0);
  b[0] = 54;
  b[1] = 18;
  put16(b, 2, index);
  b[4] = 6;  // IFT_ETHER
  b[5] = static_cast<std::uint8_t>(name.size());
  b[6] = static_cast<std::uint8_t>(lladdr.size());
  std::copy(name.begin(), name.end(), b.begin() + 8);
  std::copy(lladdr.begin(), lladdr.end(), b.begin() + 8 + static_cast<std::ptrdiff_t>(name.size()));
  return b;
}
struct Sockaddrs {
  Bytes gateway, ifp, ifa;  // RTAX 1, 4, 5; empty = absent
};
Bytes message(std::uint16_t index, const Sockaddrs& s, std::uint8_t version = 5) {
  // ifma_msghdr: msglen @0 u16, version @2, type @3, addrs @4 i32, flags @8, index @12 u16; 16 bytes
  Bytes b(16, 0);
  int addrs = 0;
  for (const auto& [bit, sa] : {std::pair{0x02, &s.gateway}, std::pair{0x10, &s.ifp}, std::pair{0x20, &s.ifa}}) {
    if (sa->empty()) continue;
    addrs |= bit;
    Bytes padded = *sa;
    padded.resize((padded.size() + 7) / 8 * 8, 0);
    b.insert(b.end(), padded.begin(), padded.end());
  }
  put16(b, 0, static_cast<std::uint16_t>(b.size()));
  b[2] = version;
  b[3] = 0x0f;  // RTM_NEWMADDR
  put32(b, 4, static_cast<std::uint32_t>(addrs));
  put16(b, 12, index);
  return b;
}
void append(Bytes& to, const Bytes& b) { to.insert(to.end(), b.begin(), b.end()); }

Bytes ifmalist_buffer() {
  const Bytes lan0 = sa_dl(2, "lan0", {0x00, 0x1b, 0x21, 0x0a, 0x0b, 0x0c});
  Bytes buf;
  append(buf, message(2, {sa_dl(2, "", {0x01, 0x00, 0x5e, 0, 0, 0x01}), lan0, sa_in({224, 0, 0, 1})}));
  append(buf, message(2, {sa_dl(2, "", {0x01, 0x00, 0x5e, 0x01, 0x01, 0x01}), lan0, sa_in({232, 1, 1, 1})}));
  append(buf, message(2, {{}, lan0, sa_in({239, 255, 255, 250})}));
  append(buf, message(2, {sa_dl(2, "", {0x33, 0x33, 0, 0, 0, 0x01}), lan0,
                          sa_in6({0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01}, 2)}));
  // KAME embedded zone 2 in bytes 2-3 and sin6_scope_id 0 (net.inet6.ip6.deembed_scopeid=0).
  append(buf, message(2, {{}, lan0, sa_in6({0xff, 0x02, 0, 0x02, 0, 0, 0, 0, 0, 0, 0, 0x01, 0xff, 0, 0, 0x01}, 0)}));
  append(buf, message(2, {{}, lan0, sa_in6({0xff, 0x05, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0, 0x03}, 0)}));
  append(buf, message(2, {{}, lan0, sa_dl(2, "", {0x01, 0x00, 0x5e, 0, 0, 0x01})}));
  append(buf, message(2, {{}, lan0, sa_in({224, 0, 0, 2})}, /*version=*/4));  // skipped
  append(buf, message(6, {{}, {}, sa_in({224, 0, 0, 1})}));  // no RTAX_IFP: name from ifdata row 6
  append(buf, message(9, {{}, sa_dl(9, "em9", {}), sa_in({224, 0, 0, 1})}));  // detaches before its filters read
  return buf;
}

std::shared_ptr<FakeSysctl> fixture_host() {
  auto fake = std::make_shared<FakeSysctl>();
  fake->set(ifcount_mib(), le32(7));
  fake->set(ifdata_mib(1, kGeneral), hex_fixture("ifmibdata_lo0.hex"));
  fake->set(ifdata_mib(1, kDriverName), c_string("lo0"));
  fake->set(ifdata_mib(1, kLinkSpecific), {});
  fake->set(ifdata_mib(2, kGeneral), hex_fixture("ifmibdata_lan0.hex"));
  fake->set(ifdata_mib(2, kDriverName), c_string("em0"));
  fake->set(ifdata_mib(2, kLinkSpecific), hex_fixture("ether_mib_lan0.hex"));
  // SIOCGIFMEDIA for lan0, by its current name: Ethernet autoselect, active, 1000baseT
  // full-duplex (IFM_ETHER 0x20 | IFM_1000_T 16 | IFM_FDX 0x00100000; sys/net/if_media.h).
  Bytes media(48, 0);
  for (const auto& [offset, word] : {std::pair<std::size_t, std::uint32_t>{16, 0x20}, {24, 0x3}, {28, 0x00100030}}) {
    for (int b = 0; b < 4; ++b) media[offset + b] = static_cast<std::uint8_t>(word >> (8 * b));
  }
  fake->set_media("lan0", media);
  fake->set(ifdata_mib(4, kGeneral), hex_fixture("ifmibdata_em1_bad_datalen.hex"));
  fake->set(ifdata_mib(4, kDriverName), c_string("em1"));
  fake->set(ifdata_mib(5, kGeneral), hex_fixture("ifmibdata_gone0.hex"));
  fake->fail(ifdata_mib(5, kDriverName), ENOENT);
  fake->script(ifdata_mib(6, kGeneral), {{ENOMEM, {}}, {0, hex_fixture("ifmibdata_vlan0.hex")}});
  fake->set(ifdata_mib(6, kDriverName), c_string("vlan0"));
  fake->set(ifdata_mib(6, kLinkSpecific), {});
  // vlan0's parent is lagg0, a row only stacking_host() has: here the relation is simply absent.
  fake->set_vlan("vlan0", hex_fixture("vlanreq_vlan0.hex"));

  fake->script(ifmalist_mib(), {{ENOMEM, {}}, {ENOMEM, {}}, {0, ifmalist_buffer()}});
  fake->name("net.inet.ip.mcast.filters", kIpFilters);
  fake->name("net.inet6.ip6.mcast.filters", kIp6Filters);
  fake->name("net.inet.igmp.ifinfo", kIgmpIfinfo);
  fake->name("net.inet6.mld.ifinfo", kMldIfinfo);
  // Group words: the in_addr / in6_addr bytes as stored (network order) read as little-endian ints.
  fake->set(with(kIpFilters, {2, 0x010000e0}), hex_fixture("ip_filters_exclude_none.hex"));       // 224.0.0.1
  fake->set(with(kIpFilters, {2, 0x010101e8}), hex_fixture("ip_filters_include_sources.hex"));    // 232.1.1.1
  fake->set(with(kIpFilters, {2, static_cast<int>(0xfaffffefu)}), {});                             // 239.255.255.250: not joined
  fake->set(with(kIpFilters, {6, 0x010000e0}), hex_fixture("ip_filters_exclude_none.hex"));       // vlan0 224.0.0.1
  fake->fail(with(kIpFilters, {9, 0x010000e0}), ENOENT);                                           // em9 detached
  fake->set(with(kIp6Filters, {2, 0x000002ff, 0, 0, 0x01000000}), hex_fixture("ip6_filters_exclude_none.hex"));        // ff02::1
  fake->set(with(kIp6Filters, {2, 0x000002ff, 0, 0x01000000, 0x010000ff}), hex_fixture("ip6_filters_exclude_none.hex"));  // ff02::1:ff00:1
  fake->set(with(kIp6Filters, {2, 0x000005ff, 0, 0, 0x03000100}), hex_fixture("ip6_filters_include_sources.hex"));     // ff05::1:3
  fake->set(with(kIgmpIfinfo, {2}), hex_fixture("igmp_ifinfo_v3.hex"));
  fake->set(with(kIgmpIfinfo, {6}), hex_fixture("igmp_ifinfo_v2.hex"));
  fake->set(with(kMldIfinfo, {2}), hex_fixture("mld_ifinfo_v2.hex"));
  return fake;
}

// A general row for another interface: the vlan0 row with ifmd_name (@0, char[16]) and
// ifi_type (@56 + 0) replaced; offsets typed from shared/reference/freebsd-abi.md §1-2.
Bytes row_of(const std::string& name, std::uint8_t ifi_type) {
  Bytes b = hex_fixture("ifmibdata_vlan0.hex");
  std::fill(b.begin(), b.begin() + 16, 0);
  std::copy(name.begin(), name.end(), b.begin());
  b[56] = ifi_type;
  return b;
}

void add_row(FakeSysctl& fake, int row, const std::string& name, std::uint8_t ifi_type, const std::string& driver) {
  fake.set(ifdata_mib(row, kGeneral), row_of(name, ifi_type));
  fake.set(ifdata_mib(row, kDriverName), c_string(driver));
  fake.set(ifdata_mib(row, kLinkSpecific), {});
}

// The fixture host plus stacked interfaces, as `ifconfig` would set them up:
//   ifconfig lagg0 create laggproto lacp laggport em2 laggport em3      rows 8, 9, 10
//   ifconfig vlan0 vlan 100 vlandev lagg0                                 row 6 (already there)
//   ifconfig bridge0 create addm vlan0 addm tap0 span lan0                rows 11, 12
//   vlan1 (row 13): its SIOCGETVLAN answers EPERM, as if_vlan.c does for a vlan lent to this vnet
// IFT_* from sys/net/if_types.h: IFT_ETHER 0x06, IFT_L2VLAN 0x87, IFT_IEEE8023ADLAG 0xa1 (what
// lagg_port_create makes a port's type), IFT_BRIDGE 0xd1; a lagg itself stays IFT_ETHER.
std::shared_ptr<FakeSysctl> stacking_host() {
  auto fake = fixture_host();
  fake->set(ifcount_mib(), le32(13));
  add_row(*fake, 8, "lagg0", 0x06, "lagg0");
  add_row(*fake, 9, "em2", 0xa1, "em2");
  add_row(*fake, 10, "em3", 0xa1, "em3");
  add_row(*fake, 11, "bridge0", 0xd1, "bridge0");
  add_row(*fake, 12, "tap0", 0x06, "tap0");
  add_row(*fake, 13, "vlan1", 0x87, "vlan1");
  fake->set_lagg("lagg0", hex_fixture("lagg_ports_lagg0.hex"));
  fake->set_bridge("bridge0", hex_fixture("bridge_members_bridge0.hex"));
  fake->fail_vlan("vlan1", EPERM);
  return fake;
}

const Interface& named(const std::vector<Interface>& ifs, const std::string& name) {
  const auto it = std::find_if(ifs.begin(), ifs.end(), [&](const Interface& i) { return i.name == name; });
  REQUIRE_MESSAGE(it != ifs.end(), name);
  return *it;
}

MulticastGroup group(std::string dev, std::uint32_t index, AddressFamily f, std::string g,
                     std::optional<FilterMode> mode, std::vector<std::string> sources = {}) {
  MulticastGroup out;
  out.device = std::move(dev);
  out.index = index;
  out.family = f;
  out.group = ifmib::test::address(f, g);
  out.mode = mode;
  out.sources = ifmib::test::addresses(f, sources);
  return out;
}

}  // namespace

TEST_CASE("freebsd reader: interfaces walk rows 1..ifcount, skipping sparse, vanished and bad rows") {
  auto fake = fixture_host();
  auto reader = freebsd::make_freebsd_reader(fake, freebsd::ReaderOptions{});

  const auto ifs = reader->interfaces();
  REQUIRE_MESSAGE(ifs, ifs.error().text());
  REQUIRE(ifs->size() == 3);
  CHECK(ifs->at(0).name == "lo0");
  CHECK(ifs->at(0).index == 1);
  CHECK(ifs->at(0).driver == "lo0");
  CHECK_FALSE(ifs->at(0).ether.has_value());  // 0-byte link-specific row
  CHECK(ifs->at(1).name == "lan0");           // renamed: ifmd_name is the current name ...
  CHECK(ifs->at(1).driver == "em0");          // ... IFDATA_DRIVERNAME the original driver + unit
  CHECK(ifs->at(1).index == 2);
  REQUIRE(ifs->at(1).ether.has_value());      // 124-byte link-specific row
  CHECK(ifs->at(1).ether->fcs_errors == std::optional<std::uint64_t>(102));
  CHECK(ifs->at(2).name == "vlan0");          // read after one ENOMEM
  CHECK(ifs->at(2).index == 6);
  CHECK(ifs->at(2).type == "l2vlan");
  CHECK(ifs->at(2).last_change_timestamp_seconds == std::optional<double>(1700000300.5));

  const std::vector<Error> skipped = reader->take_notes();
  REQUIRE(skipped.size() == 1);
  CHECK(reader->take_notes().empty());  // each note once
  CHECK(skipped[0].text().find("ifdata row 4") != std::string::npos);
  CHECK(skipped[0].text().find("ifi_datalen 144") != std::string::npos);
  CHECK(fake->reads(ifdata_mib(7, kGeneral)) == 1);  // up to ifcount inclusive
  CHECK(fake->reads(ifdata_mib(8, kGeneral)) == 0);
}

TEST_CASE("freebsd reader: send queues read the general row and the driver name") {
  auto reader = freebsd::make_freebsd_reader(fixture_host());
  const auto qs = reader->send_queues({});
  REQUIRE_MESSAGE(qs, qs.error().text());
  REQUIRE(qs->size() == 3);  // lo0, lan0, vlan0; gone0 detached before its driver name was read
  CHECK(qs->at(0).device == "lo0");
  CHECK_FALSE(qs->at(0).max_length.has_value());  // looutput() queues nothing
  CHECK(qs->at(1).device == "lan0");
  // em0 without a dev.em.0.iflib node (the fixture host has none): the legacy if_snd path.
  CHECK(qs->at(1).length == std::optional<std::uint64_t>(3));
  CHECK(qs->at(1).max_length == std::optional<std::uint64_t>(1024));
  CHECK(qs->at(1).drops == 4294967303ULL);
  CHECK(qs->at(2).device == "vlan0");
  CHECK(qs->at(2).drops == 21);
  CHECK_FALSE(qs->at(2).length.has_value());  // vlan_transmit() hands packets to the parent
}

TEST_CASE("freebsd reader: a kernel whose every row is undecodable fails loudly") {
  auto fake = std::make_shared<FakeSysctl>();
  fake->set(ifcount_mib(), le32(1));
  fake->set(ifdata_mib(1, kGeneral), hex_fixture("ifmibdata_em1_bad_datalen.hex"));
  auto reader = freebsd::make_freebsd_reader(fake);
  const auto ifs = reader->interfaces();
  REQUIRE_FALSE(ifs);
  CHECK(ifs.error().text().find("interfaces: ifdata row 1") == 0);
  CHECK(ifs.error().text().find("ifi_datalen 144, expected 152") != std::string::npos);
  CHECK_FALSE(reader->send_queues({}));
}

TEST_CASE("freebsd reader: errors other than ENOENT fail the walk - ENOMEM retries are bounded") {
  auto fake = fixture_host();
  fake->fail(ifdata_mib(2, kGeneral), EPERM);
  auto reader = freebsd::make_freebsd_reader(fake);
  const auto ifs = reader->interfaces();
  REQUIRE_FALSE(ifs);
  CHECK(ifs.error().sys_errno == EPERM);
  CHECK(ifs.error().context.find("sysctl 4.18.0.2.2.1") != std::string::npos);

  auto growing = fixture_host();
  growing->fail(ifmalist_mib(), ENOMEM);  // keeps growing faster than we read
  auto r2 = freebsd::make_freebsd_reader(growing);
  const auto m = r2->multicast({});
  REQUIRE_FALSE(m);
  CHECK(m.error().sys_errno == ENOMEM);
  CHECK(growing->reads(ifmalist_mib()) == 5);
}

TEST_CASE("freebsd reader: multicast groups, filter modes, IGMP/MLD versions") {
  auto fake = fixture_host();
  auto reader = freebsd::make_freebsd_reader(fake);
  // The default query: sources come with every group whether or not users are asked for (the
  // contract of MulticastQuery), so ifmib_multicast_sources is right with default flags.
  const MulticastQuery query;
  const auto snap = reader->multicast(query);
  REQUIRE_MESSAGE(snap, snap.error().text());
  CHECK(fake->reads(ifmalist_mib()) == 3);  // ENOMEM, ENOMEM, success

  const std::vector<MulticastGroup> want{
      group("lan0", 2, AddressFamily::inet, "224.0.0.1", FilterMode::exclude),
      group("lan0", 2, AddressFamily::inet, "232.1.1.1", FilterMode::include, {"10.0.0.1", "192.0.2.7"}),
      group("lan0", 2, AddressFamily::inet, "239.255.255.250", std::nullopt),  // filters length 0
      group("lan0", 2, AddressFamily::inet6, "ff02::1", FilterMode::exclude),
      group("lan0", 2, AddressFamily::inet6, "ff02::1:ff00:1", FilterMode::exclude),
      group("lan0", 2, AddressFamily::inet6, "ff05::1:3", FilterMode::include, {"2001:db8::1", "fe80::1"}),
      group("lan0", 2, AddressFamily::link, "01:00:5e:00:00:01", std::nullopt),
      group("vlan0", 6, AddressFamily::inet, "224.0.0.1", FilterMode::exclude),
  };
  CHECK(snap->groups == want);

  REQUIRE(snap->protocols.size() == 3);
  CHECK(snap->protocols[0].device == "lan0");
  CHECK(snap->protocols[0].family == AddressFamily::inet);
  CHECK(snap->protocols[0].version == 3);
  CHECK(snap->protocols[0].robustness == std::optional<std::uint32_t>(2));
  CHECK(snap->protocols[1].device == "vlan0");
  CHECK(snap->protocols[1].version == 2);
  CHECK_FALSE(snap->protocols[1].query_interval_seconds.has_value());
  CHECK(snap->protocols[2].device == "lan0");
  CHECK(snap->protocols[2].family == AddressFamily::inet6);
  CHECK(snap->protocols[2].version == 2);
  CHECK(fake->reads(with(kIgmpIfinfo, {9})) == 0);  // em9 detached: no group, no protocol read

  // Names resolve once per reader, whatever the number of scrapes.
  REQUIRE(reader->multicast(query));
  CHECK(fake->resolves("net.inet.ip.mcast.filters") == 1);
  CHECK(fake->resolves("net.inet6.mld.ifinfo") == 1);
}

TEST_CASE("freebsd reader: the query selects families, never whether sources come") {
  auto reader = freebsd::make_freebsd_reader(fixture_host());
  MulticastQuery inet_only;
  inet_only.inet6 = false;
  inet_only.link = false;
  const auto snap = reader->multicast(inet_only);
  REQUIRE(snap);
  REQUIRE(snap->groups.size() == 4);
  for (const auto& g : snap->groups) CHECK(g.family == AddressFamily::inet);
  CHECK(snap->groups[1].mode == std::optional<FilterMode>(FilterMode::include));
  // Sources are part of the membership (MulticastQuery's contract), with or without users.
  CHECK(ifmib::test::texts(AddressFamily::inet, snap->groups[1].sources) == std::vector<std::string>{"10.0.0.1", "192.0.2.7"});
  REQUIRE(snap->protocols.size() == 2);    // IGMP only
}

TEST_CASE("freebsd reader: a kernel without INET6 names still serves every group") {
  auto fake = fixture_host();
  fake->forget("net.inet6.ip6.mcast.filters");  // sysctlnametomib answers ENOENT
  fake->forget("net.inet6.mld.ifinfo");
  auto reader = freebsd::make_freebsd_reader(fake);
  const auto snap = reader->multicast({});
  REQUIRE_MESSAGE(snap, snap.error().text());
  REQUIRE(snap->groups.size() == 8);
  CHECK(address_text(AddressFamily::inet6, snap->groups[3].group) == "ff02::1");
  CHECK_FALSE(snap->groups[3].mode.has_value());
  CHECK(snap->protocols.size() == 2);  // IGMP only
}

TEST_CASE("freebsd reader: no membership list or no process source is an error, not an empty answer") {
  auto reader = freebsd::make_freebsd_reader(std::make_shared<FakeSysctl>());
  CHECK_FALSE(reader->multicast({}));
  CHECK_FALSE(reader->interfaces());  // no ifcount
  const auto p = reader->process();
  REQUIRE_FALSE(p);
  CHECK(p.error().text().find("process") == 0);

  freebsd::ReaderOptions options;
  options.process = [] { return Result<ProcessStats>(ProcessStats{1.5, 4096, 8192, 7, 1024, 1.7e9}); };
  auto with_process = freebsd::make_freebsd_reader(std::make_shared<FakeSysctl>(), options);
  const auto q = with_process->process();
  REQUIRE(q);
  CHECK(q->open_fds == 7);
}

TEST_CASE("freebsd reader: two scrapes at once get the same answers") {
  auto fake = fixture_host();
  fake->set(ifmalist_mib(), ifmalist_buffer());  // no scripted ENOMEM: both threads read the same
  auto reader = freebsd::make_freebsd_reader(fake);
  Result<MulticastSnapshot> a = Error{}, b = Error{};
  Result<std::vector<Interface>> ia = Error{}, ib = Error{};
  std::thread t1([&] { a = reader->multicast({}); ia = reader->interfaces(); });
  std::thread t2([&] { b = reader->multicast({}); ib = reader->interfaces(); });
  t1.join();
  t2.join();
  REQUIRE(a);
  REQUIRE(b);
  CHECK(*a == *b);
  REQUIRE(ia);
  REQUIRE(ib);
  CHECK(*ia == *ib);
}

// ---- End to end: the collectors' output for the FreeBSD fixture host ----------------------------

#include <cstdio>
#include <cstdlib>
#include <unistd.h>

#include "collector/scrape.h"
#include "tests/support/exposition.h"

TEST_CASE("freebsd end to end: collectors turn the fixture host into the documented series") {
  ProcessStats process;
  process.start_time_seconds = 1700000000;
  freebsd::ReaderOptions options;
  options.process = [process] { return Result<ProcessStats>(process); };
  std::shared_ptr<Reader> reader = freebsd::make_freebsd_reader(fixture_host(), options);
  ifmib::collector::Options collector_options;
  collector_options.multicast_groups = true;
  ifmib::collector::Scraper scraper({"ifmib", "ether", "send_queue", "multicast"}, collector_options, reader, true,
                                    nullptr);
  const std::string text = ifmib::test::serialize(scraper.scrape({}));
  const auto parsed = ifmib::test::parse_exposition(text);
  REQUIRE_MESSAGE(parsed, parsed.error().text());
  const auto& out = *parsed;
  const ifmib::test::LabelSet lan0{{"device", "lan0"}};

  for (const char* c : {"ifmib", "ether", "send_queue", "multicast"}) {
    CHECK(out.value("ifmib_scrape_collector_success", {{"collector", c}}) == 1);
  }
  // Renamed interface: the current name in device, the original driver + unit in driver.
  CHECK(out.value("ifmib_info", {{"device", "lan0"}, {"ifindex", "2"}, {"iftype", "ether"}, {"driver", "em0"}}) == 1);
  CHECK(out.value("ifmib_receive_bytes_total", lan0) == 2000000006.0);
  CHECK(out.value("ifmib_transmit_bytes_total", lan0) == 2000000007.0);
  CHECK(out.value("ifmib_mtu_bytes", lan0) == 1500);
  CHECK(out.value("ifmib_baudrate_bytes_per_second", lan0) == 125000000);
  CHECK(out.value("ifmib_oper_up", lan0) == 1);
  CHECK(out.value("ifmib_full_duplex", lan0) == 1);
  CHECK(out.value("ifmib_autonegotiation_enabled", lan0) == 1);
  CHECK_FALSE(out.has("ifmib_full_duplex", {{"device", "lo0"}}));  // no media: EINVAL
  CHECK(out.value("ifmib_oper_status", lan0) == 1);
  CHECK(out.value("ifmib_flag", {{"device", "lan0"}, {"flag", "promisc"}}) == 1);
  CHECK(out.value("ifmib_flag", {{"device", "lan0"}, {"flag", "oactive"}}) == 0);
  CHECK(out.value("ifmib_promiscuous_listeners", lan0) == 1);
  CHECK(out.value("ifmib_last_change_timestamp_seconds", lan0) == 1700000000.25);
  CHECK(out.has("ifmib_transmit_multicast_packets_total", lan0));
  CHECK_FALSE(out.has("ifmib_link_changes_total"));  // Linux only
  // Send queue: the 64-bit drop counter, not the int-truncated ifmd_snd_drops (7).
  CHECK(out.value("ifmib_send_queue_drops_total", lan0) == 4294967303.0);
  CHECK(out.value("ifmib_send_queue_length", lan0) == 3);
  CHECK(out.value("ifmib_send_queue_max_length", lan0) == 1024);
  CHECK_FALSE(out.has("ifmib_send_queue_backlog_bytes"));  // Linux only
  CHECK_FALSE(out.has("ifmib_send_queue_info", lan0));
  // The bad row (em1) and vanished rows are absent; the others are served.
  CHECK_FALSE(out.has("ifmib_admin_up", {{"device", "em1"}}));
  CHECK(out.has("ifmib_admin_up", {{"device", "vlan0"}}));
  // RFC 1650 statistics with collision frequencies.
  CHECK(out.value("ifmib_dot3_collision_frequency_frames_total", {{"device", "lan0"}, {"collisions", "1"}}) == 201);
  CHECK(out.value("ifmib_dot3_collision_frequency_frames_total", {{"device", "lan0"}, {"collisions", "16"}}) == 216);
  CHECK(out.has("ifmib_dot3_fcs_errors_total", lan0));
  CHECK_FALSE(out.has("ifmib_dot3_fcs_errors_total", {{"device", "lo0"}}));
  // Multicast as ifmcstat shows it.
  CHECK(out.value("ifmib_multicast_groups", {{"device", "lan0"}, {"family", "inet"}}) == 3);
  CHECK(out.value("ifmib_multicast_groups", {{"device", "lan0"}, {"family", "inet6"}}) == 3);
  CHECK(out.value("ifmib_multicast_groups", {{"device", "lan0"}, {"family", "link"}}) == 1);
  CHECK(out.value("ifmib_multicast_sources", {{"device", "lan0"}, {"family", "inet6"}}) == 2);
  CHECK(out.value("ifmib_multicast_group_sources",
                  {{"device", "lan0"}, {"family", "inet"}, {"group", "232.1.1.1"}, {"mode", "include"}}) == 2);
  CHECK(out.value("ifmib_multicast_group_sources",
                  {{"device", "lan0"}, {"family", "inet"}, {"group", "239.255.255.250"}, {"mode", "undefined"}}) == 0);
  CHECK(out.value("ifmib_igmp_version", lan0) == 3);
  CHECK(out.value("ifmib_igmp_version", {{"device", "vlan0"}}) == 2);
  CHECK(out.value("ifmib_mld_version", lan0) == 2);
  CHECK(out.value("ifmib_multicast_robustness", {{"device", "lan0"}, {"family", "inet"}}) == 2);

  // promtool accepts it without a word (promtool is a test dependency; skip only outside CI).
  if (std::system("command -v promtool >/dev/null 2>&1") != 0) {
    const char* ci = std::getenv("CI");
    REQUIRE_MESSAGE(!(ci && std::string(ci) == "true"), "promtool missing in CI");
    MESSAGE("promtool not installed: skipping the lint half");
    return;
  }
  char path[] = "/tmp/ifmib-freebsd-XXXXXX";
  const int fd = mkstemp(path);
  REQUIRE(fd >= 0);
  REQUIRE(write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()));
  close(fd);
  FILE* lint = popen(("promtool check metrics < " + std::string(path) + " 2>&1").c_str(), "r");
  std::string findings;
  char buf[512];
  for (std::size_t n; (n = fread(buf, 1, sizeof buf, lint)) > 0;) findings.append(buf, n);
  const int status = pclose(lint);
  std::remove(path);
  CHECK_MESSAGE(status == 0, findings);
  CHECK_MESSAGE(findings.empty(), findings);
}

// The multicast collector over the fixture host, checked against what FreeBSD's ifmcstat(8)
// would print for it, worked out by hand from usr.sbin/ifmcstat/ifmcstat.c
// (ifmcstat_getifmaddrs, in_ifinfo, in6_ifinfo, inm_print_sources_sysctl,
// in6m_print_sources_sysctl). Assumed: lan0 has an IPv4 address and an IPv6 link-local one, vlan0
// an IPv4 address (ifmcstat prints a group only when its interface has a "primary" address of the
// family). `ifmcstat -v` on the fixture host:
//
//   lan0:
//   	inet 192.0.2.1
//   	igmpv3 rv 2 qi 125 qri 10 uri 3
//   		group 224.0.0.1 mode exclude
//   			mcast-macaddr 01:00:5e:00:00:01
//   		group 232.1.1.1 mode include srcs 10.0.0.1,192.0.2.7
//   			mcast-macaddr 01:00:5e:01:01:01
//   		group 239.255.255.250            <- filters sysctl of length 0: perror, no mode
//   	inet6 fe80::1%lan0 scopeid 0x2
//   	mldv2 flags=2<USEALLOW> rv 2 qi 125 qri 10 uri 1
//   		group ff02::1%lan0 scopeid 0x2 mode exclude
//   			mcast-macaddr 33:33:00:00:00:01
//   		group ff02::1:ff00:1%lan0 scopeid 0x2 mode exclude
//   		group ff05::1:3 mode include srcs 2001:db8::1,fe80::1
//   	link 00:1b:21:0a:0b:0c
//   		group 01:00:5e:00:00:01
//   vlan0:
//   	inet 192.0.2.6
//   	igmpv2 flags=1<SILENT>                 <- rv/qi/qri/uri only for IGMPv3
//   		group 224.0.0.1 mode exclude
//
// Without -v, the "srcs" lists and the link groups are not printed; the exporter counts the
// sources anyway (ifmib_multicast_sources is a default series) and the link groups per family.
// Where the exporter and ifmcstat part: the vlan0 row carries no RTAX_IFP, so getifmaddrs(3)
// leaves ifma_name NULL and ifmcstat skips it; the exporter names it from its ifdata row. The
// kernel's sysctl_ifmalist always sets RTAX_IFP, so that row exists only in this fixture. em9
// detaches before its filters are read: neither prints it. FreeBSD counts no users per group.
namespace {

MulticastQuery families(bool inet, bool inet6, bool link) {
  MulticastQuery q;
  q.inet = inet;
  q.inet6 = inet6;
  q.link = link;
  return q;
}

ifmib::test::Exposition scrape_fixture_multicast(const MulticastQuery& families, bool groups) {
  std::shared_ptr<Reader> reader = freebsd::make_freebsd_reader(fixture_host());
  ifmib::collector::Options options;
  options.multicast = families;
  options.multicast_groups = groups;
  ifmib::collector::Scraper scraper({"multicast"}, options, reader, true, nullptr);
  auto parsed = ifmib::test::parse_exposition(ifmib::test::serialize(scraper.scrape({})));
  REQUIRE_MESSAGE(parsed, parsed.error().text());
  CHECK(parsed->value("ifmib_scrape_collector_success", {{"collector", "multicast"}}) == 1);
  return *parsed;
}

std::optional<double> groups_of(const ifmib::test::Exposition& out, const char* device, const char* family) {
  return out.value("ifmib_multicast_groups", {{"device", device}, {"family", family}});
}
std::optional<double> sources_of(const ifmib::test::Exposition& out, const char* device, const char* family) {
  return out.value("ifmib_multicast_sources", {{"device", device}, {"family", family}});
}

}  // namespace

TEST_CASE("freebsd end to end, default flags: ifmcstat's groups, and the sources of its -v lines") {
  const auto out = scrape_fixture_multicast(families(true, true, true), false);
  CHECK(groups_of(out, "lan0", "inet") == 3);
  CHECK(sources_of(out, "lan0", "inet") == 2);  // srcs 10.0.0.1,192.0.2.7: 0 before the contract fix
  CHECK(groups_of(out, "lan0", "inet6") == 3);
  CHECK(sources_of(out, "lan0", "inet6") == 2);  // srcs 2001:db8::1,fe80::1
  CHECK(groups_of(out, "lan0", "link") == 1);
  CHECK(groups_of(out, "vlan0", "inet") == 1);
  CHECK(sources_of(out, "vlan0", "inet") == 0);
  CHECK(groups_of(out, "vlan0", "inet6") == 0);  // a known device with no group: a real 0
  CHECK_FALSE(out.has("ifmib_multicast_groups", {{"device", "em9"}}));
  CHECK(out.value("ifmib_igmp_version", {{"device", "lan0"}}) == 3);   // igmpv3
  CHECK(out.value("ifmib_igmp_version", {{"device", "vlan0"}}) == 2);  // igmpv2
  CHECK(out.value("ifmib_mld_version", {{"device", "lan0"}}) == 2);    // mldv2
  CHECK_FALSE(out.has("ifmib_mld_version", {{"device", "vlan0"}}));
  // Per-group lines are -v only.
  CHECK_FALSE(out.has("ifmib_multicast_group_sources"));
  CHECK_FALSE(out.has("ifmib_multicast_robustness"));
}

TEST_CASE("freebsd end to end, per-group detail: every line of ifmcstat -v") {
  const auto out = scrape_fixture_multicast(families(true, true, true), true);
  struct Line {
    const char* device;
    const char* family;
    const char* group;
    const char* mode;
    double sources;
  };
  const Line lines[] = {
      {"lan0", "inet", "224.0.0.1", "exclude", 0},
      {"lan0", "inet", "232.1.1.1", "include", 2},
      {"lan0", "inet", "239.255.255.250", "undefined", 0},  // ifmcstat prints no mode
      {"lan0", "inet6", "ff02::1", "exclude", 0},
      {"lan0", "inet6", "ff02::1:ff00:1", "exclude", 0},
      {"lan0", "inet6", "ff05::1:3", "include", 2},
      {"vlan0", "inet", "224.0.0.1", "exclude", 0},
  };
  for (const auto& l : lines) {
    CAPTURE(l.group);
    CHECK(out.value("ifmib_multicast_group_sources",
                    {{"device", l.device}, {"family", l.family}, {"group", l.group}, {"mode", l.mode}}) ==
          l.sources);
  }
  CHECK(out.find("ifmib_multicast_group_sources").size() == std::size(lines));
  CHECK_FALSE(out.has("ifmib_multicast_group_users"));  // FreeBSD's sysctls count no users
  // igmpv3 rv 2 qi 125 qri 10 uri 3; mldv2 rv 2 qi 125 qri 10 uri 1; igmpv2: none of them.
  const ifmib::test::LabelSet lan0_inet{{"device", "lan0"}, {"family", "inet"}};
  const ifmib::test::LabelSet lan0_inet6{{"device", "lan0"}, {"family", "inet6"}};
  CHECK(out.value("ifmib_multicast_robustness", lan0_inet) == 2);
  CHECK(out.value("ifmib_multicast_query_interval_seconds", lan0_inet) == 125);
  CHECK(out.value("ifmib_multicast_query_response_interval_seconds", lan0_inet) == 10);
  CHECK(out.value("ifmib_multicast_unsolicited_report_interval_seconds", lan0_inet) == 3);
  CHECK(out.value("ifmib_multicast_robustness", lan0_inet6) == 2);
  CHECK(out.value("ifmib_multicast_unsolicited_report_interval_seconds", lan0_inet6) == 1);
  CHECK_FALSE(out.has("ifmib_multicast_robustness", {{"device", "vlan0"}}));
}

TEST_CASE("freebsd end to end, one family: ifmcstat -f inet, -f inet6, -f link") {
  SUBCASE("-f inet6") {
    const auto out = scrape_fixture_multicast(families(false, true, false), false);
    CHECK(groups_of(out, "lan0", "inet6") == 3);
    CHECK(sources_of(out, "lan0", "inet6") == 2);
    CHECK(out.value("ifmib_mld_version", {{"device", "lan0"}}) == 2);
    CHECK_FALSE(out.has("ifmib_multicast_groups", {{"family", "inet"}}));
    CHECK_FALSE(out.has("ifmib_multicast_groups", {{"family", "link"}}));
    CHECK_FALSE(out.has("ifmib_igmp_version"));
    CHECK_FALSE(out.has("ifmib_multicast_groups", {{"device", "vlan0"}}));  // vlan0 has no inet6 line
  }
  SUBCASE("-f inet") {
    const auto out = scrape_fixture_multicast(families(true, false, false), false);
    CHECK(groups_of(out, "lan0", "inet") == 3);
    CHECK(sources_of(out, "lan0", "inet") == 2);
    CHECK(groups_of(out, "vlan0", "inet") == 1);
    CHECK(out.value("ifmib_igmp_version", {{"device", "vlan0"}}) == 2);
    CHECK_FALSE(out.has("ifmib_multicast_groups", {{"family", "inet6"}}));
    CHECK_FALSE(out.has("ifmib_mld_version"));
  }
  SUBCASE("-f link") {
    const auto out = scrape_fixture_multicast(families(false, false, true), false);
    CHECK(groups_of(out, "lan0", "link") == 1);
    CHECK(out.find("ifmib_multicast_groups").size() == 1);
    CHECK_FALSE(out.has("ifmib_multicast_sources"));  // link groups have no source filter
    CHECK_FALSE(out.has("ifmib_igmp_version"));
    CHECK_FALSE(out.has("ifmib_mld_version"));
  }
}

TEST_CASE("freebsd reader: stacking from the lagg, vlan and bridge ioctls, and none for other interfaces") {
  auto fake = stacking_host();
  auto reader = freebsd::make_freebsd_reader(fake);
  const auto ifs = reader->interfaces();
  REQUIRE_MESSAGE(ifs, ifs.error().text());
  using Index = std::optional<std::uint32_t>;
  // ifconfig lagg0: laggport em2, laggport em3.
  CHECK(named(*ifs, "em2").master_index == Index(8));
  CHECK(named(*ifs, "em3").master_index == Index(8));
  // ifconfig vlan0: parent interface: lagg0; ifconfig bridge0: member vlan0, member tap0, span lan0.
  CHECK(named(*ifs, "vlan0").lower_index == Index(8));
  CHECK(named(*ifs, "vlan0").master_index == Index(11));
  CHECK(named(*ifs, "tap0").master_index == Index(11));
  CHECK_FALSE(named(*ifs, "lan0").master_index);  // a span port only receives copies
  for (const char* top : {"lagg0", "bridge0", "lo0"}) {
    CHECK_FALSE(named(*ifs, top).master_index);
    CHECK_FALSE(named(*ifs, top).lower_index);
  }
  CHECK_FALSE(named(*ifs, "em2").lower_index);
  for (const auto& i : *ifs) CHECK_FALSE(i.lower_netnsid);  // Linux only
  // Read: the three stacking interfaces that answered; vlan1's EPERM costs its parent only.
  for (const char* asked : {"lagg0", "vlan0", "bridge0"}) {
    CHECK(named(*ifs, asked).stacking_read == std::optional<bool>(true));
    CHECK(named(*ifs, asked).stacking_error.empty());
  }
  const Interface& vlan1 = named(*ifs, "vlan1");
  CHECK(vlan1.stacking_read == std::optional<bool>(false));
  CHECK_FALSE(vlan1.lower_index);
  CHECK(vlan1.stacking_error.find("SIOCGETVLAN vlan1") != std::string::npos);
  CHECK(vlan1.stacking_error.find(std::strerror(EPERM)) != std::string::npos);
  // One ioctl per lagg, vlan and bridge; none for the seven other interfaces.
  CHECK(fake->lagg_calls("lagg0") == 1);
  CHECK(fake->vlan_calls("vlan0") == 1);
  CHECK(fake->vlan_calls("vlan1") == 1);
  CHECK(fake->bridge_calls("bridge0") == 1);
  for (const char* plain : {"lo0", "lan0", "em2", "em3", "tap0"}) {
    CHECK_FALSE(named(*ifs, plain).stacking_read);
    CHECK(fake->lagg_calls(plain) + fake->vlan_calls(plain) + fake->bridge_calls(plain) == 0);
  }
}

TEST_CASE("freebsd reader: a failed or undecodable stacking answer costs that interface's relations only") {
  auto fake = stacking_host();
  fake->fail_lagg("lagg0", ENXIO);       // destroyed between the walk and the ioctl
  fake->set_vlan("vlan0", Bytes(10, 0));  // shorter than any struct vlanreq
  auto reader = freebsd::make_freebsd_reader(fake);
  const auto ifs = reader->interfaces();
  REQUIRE_MESSAGE(ifs, ifs.error().text());
  CHECK(named(*ifs, "lagg0").stacking_read == std::optional<bool>(false));
  CHECK(named(*ifs, "lagg0").stacking_error.find("SIOCGLAGG lagg0") != std::string::npos);
  CHECK_FALSE(named(*ifs, "em2").master_index);
  CHECK_FALSE(named(*ifs, "em3").master_index);
  CHECK(named(*ifs, "vlan0").stacking_read == std::optional<bool>(false));
  CHECK(named(*ifs, "vlan0").stacking_error.find("struct vlanreq") != std::string::npos);
  CHECK_FALSE(named(*ifs, "vlan0").lower_index);
  // The bridge is unaffected.
  CHECK(named(*ifs, "vlan0").master_index == std::optional<std::uint32_t>(11));
  CHECK(named(*ifs, "tap0").master_index == std::optional<std::uint32_t>(11));
}

TEST_CASE("freebsd reader: a bridge with more members than ifconfig's first buffer is asked again") {
  // 103 members: 8192 bytes hold 102 struct ifbreq (80 bytes each), so the first answer fills
  // the buffer and the reader asks again with 16384, as ifconfig's bridge_interfaces loop does.
  auto members = [](std::size_t n) {
    Bytes records(n * 80, 0);
    for (std::size_t i = 0; i < n; ++i) {
      const std::string name = "tap" + std::to_string(i);
      std::copy(name.begin(), name.end(), records.begin() + static_cast<std::ptrdiff_t>(i * 80));  // ifbr_ifsname @0
      records[i * 80 + 16] = 0x3;  // ifbr_ifsflags @16: LEARNING | DISCOVER
    }
    return records;
  };
  auto fake = std::make_shared<FakeSysctl>();
  fake->set(ifcount_mib(), le32(2));
  add_row(*fake, 1, "bridge0", 0xd1, "bridge0");
  add_row(*fake, 2, "tap102", 0x06, "tap102");
  fake->set_bridge("bridge0", members(103));
  auto ifs = freebsd::make_freebsd_reader(fake)->interfaces();
  REQUIRE_MESSAGE(ifs, ifs.error().text());
  CHECK(named(*ifs, "tap102").master_index == std::optional<std::uint32_t>(1));
  CHECK(fake->bridge_calls("bridge0") == 2);

  // A list that still fills 2 MiB (26214 records) after eight doublings is not read to the end.
  fake->set_bridge("bridge0", members(26215));
  ifs = freebsd::make_freebsd_reader(fake)->interfaces();
  REQUIRE_MESSAGE(ifs, ifs.error().text());
  CHECK(named(*ifs, "bridge0").stacking_read == std::optional<bool>(false));
  CHECK_FALSE(named(*ifs, "tap102").master_index);
  CHECK(fake->bridge_calls("bridge0") == 2 + 9);
}

TEST_CASE("freebsd end to end: stacked interfaces as ifmib_master_info and ifmib_lower_info") {
  std::shared_ptr<Reader> reader = freebsd::make_freebsd_reader(stacking_host());
  ifmib::collector::Scraper scraper({"ifmib"}, {}, reader, true, nullptr);
  const std::string text = ifmib::test::serialize(scraper.scrape({}));
  const auto parsed = ifmib::test::parse_exposition(text);
  REQUIRE_MESSAGE(parsed, parsed.error().text());
  const auto& out = *parsed;
  CHECK(out.value("ifmib_scrape_collector_success", {{"collector", "ifmib"}}) == 1);
  CHECK(out.value("ifmib_master_info", {{"device", "em2"}, {"master", "lagg0"}}) == 1);
  CHECK(out.value("ifmib_master_info", {{"device", "em3"}, {"master", "lagg0"}}) == 1);
  CHECK(out.value("ifmib_master_info", {{"device", "vlan0"}, {"master", "bridge0"}}) == 1);
  CHECK(out.value("ifmib_master_info", {{"device", "tap0"}, {"master", "bridge0"}}) == 1);
  CHECK_FALSE(out.has("ifmib_master_info", {{"device", "lan0"}}));
  CHECK(out.value("ifmib_lower_info", {{"device", "vlan0"}, {"lower_ifindex", "8"}, {"lower_netnsid", ""}}) == 1);
  CHECK_FALSE(out.has("ifmib_lower_info", {{"device", "vlan1"}}));
  CHECK(out.value("ifmib_stacking_read_success", {{"device", "lagg0"}}) == 1);
  CHECK(out.value("ifmib_stacking_read_success", {{"device", "bridge0"}}) == 1);
  CHECK(out.value("ifmib_stacking_read_success", {{"device", "vlan0"}}) == 1);
  CHECK(out.value("ifmib_stacking_read_success", {{"device", "vlan1"}}) == 0);
  CHECK_FALSE(out.has("ifmib_stacking_read_success", {{"device", "em2"}}));
  // Exactly the relations ifconfig shows: four masters, one lower.
  CHECK(out.find("ifmib_master_info").size() == 4);
  CHECK(out.find("ifmib_lower_info").size() == 1);
}
