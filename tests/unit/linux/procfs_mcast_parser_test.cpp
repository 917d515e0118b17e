// Parsers of /proc/net/{igmp,igmp6,mcfilter,mcfilter6,dev_mcast} on text captured in a test
// namespace (tests/unit/fixtures/linux/README.md lists what was set up there). Expected values
// below come from that setup, not from running the parser.

#include "platform/linux/procfs_mcast_parser.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <ostream>
#include <string>
#include <vector>

#include "tests/support/address.h"
#include "tests/support/fixtures.h"

namespace ifmib::platform {

// For doctest's messages: the text of the family the length implies.
std::ostream& operator<<(std::ostream& os, const Address& a) {
  const AddressFamily family = a.size == 4 ? AddressFamily::inet : a.size == 16 ? AddressFamily::inet6 : AddressFamily::link;
  return os << address_text(family, a);
}

}  // namespace ifmib::platform

namespace ifmib::platform::procfs {

std::ostream& operator<<(std::ostream& os, const IgmpInterface& r) {
  return os << "{" << r.index << " '" << r.device << "' count=" << r.group_count << " V" << r.querier_version << "}";
}
std::ostream& operator<<(std::ostream& os, const GroupRow& r) {
  return os << "{" << r.index << " '" << r.device << "' " << r.group << " users=" << r.users << "}";
}
std::ostream& operator<<(std::ostream& os, const SourceFilterRow& r) {
  return os << "{" << r.index << " '" << r.device << "' " << r.group << " src " << r.source
            << " inc=" << r.include_count << " exc=" << r.exclude_count << "}";
}
std::ostream& operator<<(std::ostream& os, const LinkGroupRow& r) {
  return os << "{" << r.index << " '" << r.device << "' " << r.address << " users=" << r.users
            << " global=" << r.global_use << "}";
}

}  // namespace ifmib::platform::procfs

namespace {

using namespace ifmib;
using namespace ifmib::platform;
using namespace ifmib::platform::procfs;
using ifmib::test::read_fixture_text;

// Addresses as the parsers' expected values are written: from text, by an independent parser
// (inet_pton, tests/support/address.cpp).
Address a4(const char* text) { return ifmib::test::address(AddressFamily::inet, text); }
Address a6(const char* text) { return ifmib::test::address(AddressFamily::inet6, text); }
Address ll(const char* text) { return ifmib::test::address(AddressFamily::link, text); }

const std::string kHostile = "v\"q\\x";  // the interface name v"q\x

template <class Row>
std::vector<Row> rows_of(const std::vector<Row>& rows, std::uint32_t index) {
  std::vector<Row> out;
  std::copy_if(rows.begin(), rows.end(), std::back_inserter(out), [&](const Row& r) { return r.index == index; });
  return out;
}

const MulticastGroup* find_group(const MulticastSnapshot& snap, AddressFamily family, std::uint32_t index,
                                 const Address& group) {
  for (const auto& g : snap.groups) {
    if (g.family == family && g.index == index && g.group == group) return &g;
  }
  return nullptr;
}

ProcfsMulticastRows fixture_rows() {
  ProcfsMulticastRows rows;
  // Captured on x86_64, so the igmp group field is little-endian hex whatever host runs the test.
  auto igmp = parse_igmp(read_fixture_text("linux/proc_net_igmp.txt"), std::endian::little);
  auto igmp6 = parse_igmp6(read_fixture_text("linux/proc_net_igmp6.txt"));
  auto mcf = parse_mcfilter(read_fixture_text("linux/proc_net_mcfilter.txt"));
  auto mcf6 = parse_mcfilter6(read_fixture_text("linux/proc_net_mcfilter6.txt"));
  auto dev = parse_dev_mcast(read_fixture_text("linux/proc_net_dev_mcast.txt"));
  REQUIRE(igmp);
  REQUIRE(igmp6);
  REQUIRE(mcf);
  REQUIRE(mcf6);
  REQUIRE(dev);
  rows.igmp = *igmp;
  rows.igmp6 = *igmp6;
  rows.mcfilter = *mcf;
  rows.mcfilter6 = *mcf6;
  rows.dev_mcast = *dev;
  return rows;
}

}  // namespace

TEST_CASE("procfs igmp: captured file gives every interface with its querier version") {
  const auto t = parse_igmp(read_fixture_text("linux/proc_net_igmp.txt"), std::endian::little);
  REQUIRE(t);
  // b forced to IGMPv2 and c to IGMPv1 (force_igmp_version); the rest default to v3.
  const std::vector<IgmpInterface> want = {
      {1, "lo", 1, 3}, {2, "b", 1, 2}, {3, "a", 5, 3}, {4, "c", 1, 1},
      {5, "veth-long-name0", 3, 3}, {6, "d", 1, 3}, {7, kHostile, 1, 3},
  };
  CHECK(t->interfaces == want);
  CHECK(t->groups.size() == 13);
}

TEST_CASE("procfs igmp: groups are decoded from little-endian hex and keep their users") {
  const auto t = parse_igmp(read_fixture_text("linux/proc_net_igmp.txt"), std::endian::little);
  REQUIRE(t);
  // a: 239.3.3.3 (two sockets), 239.2.2.2 (one, with a blocked source), 232.1.1.1 (SSM),
  // 239.1.1.1 (two any-source sockets), and the all-hosts group the kernel joins itself.
  const std::vector<GroupRow> want_a = {
      {3, "a", a4("239.3.3.3"), 2}, {3, "a", a4("239.2.2.2"), 1}, {3, "a", a4("232.1.1.1"), 1},
      {3, "a", a4("239.1.1.1"), 2}, {3, "a", a4("224.0.0.1"), 1},
  };
  CHECK(rows_of(t->groups, 3) == want_a);
  const std::vector<GroupRow> want_long = {
      {5, "veth-long-name0", a4("232.4.4.4"), 1}, {5, "veth-long-name0", a4("239.4.4.4"), 1},
      {5, "veth-long-name0", a4("224.0.0.1"), 1},
  };
  CHECK(rows_of(t->groups, 5) == want_long);
  CHECK(rows_of(t->groups, 7) == std::vector<GroupRow>{{7, kHostile, a4("224.0.0.1"), 1}});
}

TEST_CASE("procfs igmp: the group field follows the printing host's byte order") {
  const std::string le = "Idx\tDevice    : Count Querier\tGroup    Users Timer\tReporter\n"
                         "2\teth0      :     1      V3\n"
                         "\t\t\t\t0302A8C0     1 0:00000000\t\t0\n";
  const std::string be = "Idx\tDevice    : Count Querier\tGroup    Users Timer\tReporter\n"
                         "2\teth0      :     1      V3\n"
                         "\t\t\t\tC0A80203     1 0:00000000\t\t0\n";
  const auto l = parse_igmp(le, std::endian::little);
  const auto b = parse_igmp(be, std::endian::big);
  REQUIRE(l);
  REQUIRE(b);
  CHECK(l->groups.at(0).group == a4("192.168.2.3"));
  CHECK(b->groups.at(0).group == a4("192.168.2.3"));
}

TEST_CASE("procfs igmp6: captured file, canonical IPv6 text") {
  const auto rows = parse_igmp6(read_fixture_text("linux/proc_net_igmp6.txt"));
  REQUIRE(rows);
  CHECK(rows->size() == 27);
  const std::vector<GroupRow> want_a = {
      {3, "a", a6("ff15::2"), 1},          {3, "a", a6("ff3e::1234"), 1},       {3, "a", a6("ff15::1"), 1},
      {3, "a", a6("ff02::1:ff04:2375"), 1}, {3, "a", a6("ff02::1:ff00:1"), 1}, {3, "a", a6("ff02::1"), 1},
      {3, "a", a6("ff01::1"), 1},
  };
  CHECK(rows_of(*rows, 3) == want_a);
  CHECK(rows->front() == GroupRow{1, "lo", a6("ff02::1"), 1});
  CHECK(rows_of(*rows, 7).front() == GroupRow{7, kHostile, a6("ff15::5"), 1});
}

TEST_CASE("procfs mcfilter: captured file reads in network order, device cut to 6 characters") {
  const auto rows = parse_mcfilter(read_fixture_text("linux/proc_net_mcfilter.txt"));
  REQUIRE(rows);
  const std::vector<SourceFilterRow> want = {
      {3, "a", a4("239.3.3.3"), a4("10.0.0.30"), 1, 0},       {3, "a", a4("239.2.2.2"), a4("10.0.0.20"), 0, 1},
      {3, "a", a4("232.1.1.1"), a4("10.0.0.10"), 1, 0},       {3, "a", a4("232.1.1.1"), a4("10.0.0.11"), 1, 0},
      {5, "veth-l", a4("232.4.4.4"), a4("10.0.1.40"), 1, 0},
  };
  CHECK(*rows == want);
}

TEST_CASE("procfs mcfilter6: captured file") {
  const auto rows = parse_mcfilter6(read_fixture_text("linux/proc_net_mcfilter6.txt"));
  REQUIRE(rows);
  const std::vector<SourceFilterRow> want = {
      {3, "a", a6("ff15::2"), a6("fd00::20"), 0, 1},
      {3, "a", a6("ff3e::1234"), a6("fd00::10"), 1, 0},
      {3, "a", a6("ff3e::1234"), a6("fd00::11"), 1, 0},
      {5, "veth-l", a6("ff3e::4444"), a6("fd00:1::40"), 1, 0},
  };
  CHECK(*rows == want);
}

TEST_CASE("procfs dev_mcast: captured file, colon-separated addresses, static entry") {
  const auto rows = parse_dev_mcast(read_fixture_text("linux/proc_net_dev_mcast.txt"));
  REQUIRE(rows);
  CHECK(rows->size() == 29);
  const auto a = rows_of(*rows, 3);
  // `ip maddr add 01:00:5e:01:02:03 dev a` is the static (global_use 1) entry.
  CHECK(std::count(a.begin(), a.end(), LinkGroupRow{3, "a", ll("01:00:5e:01:02:03"), 1, 1}) == 1);
  // 239.1.1.1 joined by two sockets maps to 01:00:5e:01:01:01 with two references.
  CHECK(std::count(a.begin(), a.end(), LinkGroupRow{3, "a", ll("01:00:5e:01:01:01"), 2, 0}) == 1);
  CHECK(rows_of(*rows, 7).back() == LinkGroupRow{7, kHostile, ll("33:33:00:00:00:05"), 1, 0});
  CHECK(rows_of(*rows, 5).at(4) == LinkGroupRow{5, "veth-long-name0", ll("01:00:5e:04:04:04"), 2, 0});
}

TEST_CASE("procfs parsers: empty and header-only files give no rows") {
  CHECK(parse_igmp("")->interfaces.empty());
  CHECK(parse_igmp6("")->empty());
  CHECK(parse_mcfilter("")->empty());
  CHECK(parse_mcfilter6("")->empty());
  CHECK(parse_dev_mcast("")->empty());

  const auto igmp = parse_igmp("Idx\tDevice    : Count Querier\tGroup    Users Timer\tReporter\n");
  REQUIRE(igmp);
  CHECK(*igmp == IgmpTable{});
  const auto mcf = parse_mcfilter("Idx Device        MCA        SRC    INC    EXC\n");
  REQUIRE(mcf);
  CHECK(mcf->empty());
  const auto mcf6 = parse_mcfilter6(
      "Idx Device                Multicast Address                   Source Address    INC    EXC\n");
  REQUIRE(mcf6);
  CHECK(mcf6->empty());
}

TEST_CASE("procfs parsers: a hostile device name is kept byte for byte") {
  const auto igmp = parse_igmp("Idx\tDevice    : Count Querier\tGroup    Users Timer\tReporter\n"
                               "9\tv\"q\\x     :     1      V2\n"
                               "\t\t\t\t010000E0     1 0:00000000\t\t0\n",
                               std::endian::little);
  REQUIRE(igmp);
  CHECK(igmp->interfaces == std::vector<IgmpInterface>{{9, kHostile, 1, 2}});
  CHECK(igmp->groups == std::vector<GroupRow>{{9, kHostile, a4("224.0.0.1"), 1}});

  const auto mcf = parse_mcfilter("Idx Device        MCA        SRC    INC    EXC\n"
                                  "  9  v\"q\\x 0xe0010101 0x0a000001      1      0\n");
  REQUIRE(mcf);
  CHECK(*mcf == std::vector<SourceFilterRow>{{9, kHostile, a4("224.1.1.1"), a4("10.0.0.1"), 1, 0}});

  const auto igmp6 = parse_igmp6("9    v\"q\\x           ff020000000000000000000000000001     1 0000000C 0\n");
  REQUIRE(igmp6);
  CHECK(*igmp6 == std::vector<GroupRow>{{9, kHostile, a6("ff02::1"), 1}});

  const auto dev = parse_dev_mcast("9    v\"q\\x           1     0     01005e000001\n");
  REQUIRE(dev);
  CHECK(*dev == std::vector<LinkGroupRow>{{9, kHostile, ll("01:00:5e:00:00:01"), 1, 0}});
}

TEST_CASE("procfs parsers: a malformed line fails the whole file and names the line") {
  const std::string igmp_head = "Idx\tDevice    : Count Querier\tGroup    Users Timer\tReporter\n";
  const std::string lo = "1\tlo        :     1      V3\n";
  const std::string group = "\t\t\t\t010000E0     1 0:00000000\t\t0\n";

  SUBCASE("igmp: unknown querier version") {
    const auto r = parse_igmp(igmp_head + lo + group + "2\teth0      :     1      V4\n");
    REQUIRE_FALSE(r);
    CHECK(r.error().context == "parse /proc/net/igmp");
    CHECK(r.error().detail.find("line 4:") == 0);
  }
  SUBCASE("igmp: group line before any interface") {
    const auto r = parse_igmp(igmp_head + group);
    REQUIRE_FALSE(r);
    CHECK(r.error().detail.find("line 2:") == 0);
  }
  SUBCASE("igmp: short group hex") {
    const auto r = parse_igmp(igmp_head + lo + "\t\t\t\t10000E0     1 0:00000000\t\t0\n");
    REQUIRE_FALSE(r);
    CHECK(r.error().detail.find("line 3: bad group") == 0);
  }
  SUBCASE("igmp: missing header") {
    const auto r = parse_igmp(lo);
    REQUIRE_FALSE(r);
    CHECK(r.error().detail.find("line 1:") == 0);
  }
  SUBCASE("igmp6: a field missing") {
    const auto r = parse_igmp6("1    lo              ff020000000000000000000000000001     1 0000000C 0\n"
                               "1    lo              ff010000000000000000000000000001     1 00000008\n");
    REQUIRE_FALSE(r);
    CHECK(r.error().detail.find("line 2: expected 6 fields, got 5") == 0);
  }
  SUBCASE("igmp6: not an IPv6 address") {
    const auto r = parse_igmp6("1    lo              ff02000000000000000000000000000g     1 0000000C 0\n");
    REQUIRE_FALSE(r);
    CHECK(r.error().detail.find("line 1: bad group") == 0);
  }
  SUBCASE("mcfilter: source without 0x") {
    const auto r = parse_mcfilter("Idx Device        MCA        SRC    INC    EXC\n"
                                  "  3   eth0 0xe0010101 0a00000001      1      0\n");
    REQUIRE_FALSE(r);
    CHECK(r.error().detail.find("line 2: bad source address") == 0);
  }
  SUBCASE("mcfilter6: negative count") {
    const auto r = parse_mcfilter6(
        "Idx Device                Multicast Address                   Source Address    INC    EXC\n"
        "  3   eth0 ff150000000000000000000000000002 fd000000000000000000000000000020     -1      1\n");
    REQUIRE_FALSE(r);
    CHECK(r.error().detail.find("line 2: bad INC/EXC count") == 0);
  }
  SUBCASE("dev_mcast: odd-length address") {
    const auto r = parse_dev_mcast("2    eth0            1     0     01005e00000\n");
    REQUIRE_FALSE(r);
    CHECK(r.error().detail.find("line 1: bad address") == 0);
  }
  SUBCASE("dev_mcast: blank line") {
    const auto r = parse_dev_mcast("2    eth0            1     0     01005e000001\n\n");
    REQUIRE_FALSE(r);
    CHECK(r.error().detail.find("line 2:") == 0);
  }
  SUBCASE("any file: last line cut short") {
    const auto r = parse_dev_mcast("2    eth0            1     0     01005e000001\n2    eth0            1     0     01");
    REQUIRE_FALSE(r);
    CHECK(r.error().detail.find("no newline") != std::string::npos);
  }
}

TEST_CASE("procfs multicast snapshot: filter modes derived from the captured setup") {
  const auto snap = to_multicast_snapshot(fixture_rows(), MulticastQuery{true, true, true, true});
  CHECK(snap.groups.size() == 13 + 27 + 29);

  SUBCASE("inet") {
    const auto* any = find_group(snap, AddressFamily::inet, 3, a4("239.1.1.1"));
    REQUIRE(any);
    CHECK(any->device == "a");
    CHECK(any->mode == FilterMode::exclude);
    CHECK(any->sources.empty());
    CHECK(any->users == 2u);

    const auto* ssm = find_group(snap, AddressFamily::inet, 3, a4("232.1.1.1"));
    REQUIRE(ssm);
    CHECK(ssm->mode == FilterMode::include);
    CHECK(ssm->sources == std::vector<Address>{a4("10.0.0.10"), a4("10.0.0.11")});

    const auto* blocked = find_group(snap, AddressFamily::inet, 3, a4("239.2.2.2"));
    REQUIRE(blocked);
    CHECK(blocked->mode == FilterMode::exclude);
    CHECK(blocked->sources == std::vector<Address>{a4("10.0.0.20")});

    // One socket includes 10.0.0.30, another joined any-source: the kernel's filter is EXCLUDE {}.
    const auto* mixed = find_group(snap, AddressFamily::inet, 3, a4("239.3.3.3"));
    REQUIRE(mixed);
    CHECK(mixed->mode == FilterMode::exclude);
    CHECK(mixed->sources.empty());

    // mcfilter shows "veth-l"; the name comes from the igmp file through the ifindex.
    const auto* long_name = find_group(snap, AddressFamily::inet, 5, a4("232.4.4.4"));
    REQUIRE(long_name);
    CHECK(long_name->device == "veth-long-name0");
    CHECK(long_name->mode == FilterMode::include);
    CHECK(long_name->sources == std::vector<Address>{a4("10.0.1.40")});
  }
  SUBCASE("inet6") {
    const auto* ssm = find_group(snap, AddressFamily::inet6, 3, a6("ff3e::1234"));
    REQUIRE(ssm);
    CHECK(ssm->mode == FilterMode::include);
    CHECK(ssm->sources == std::vector<Address>{a6("fd00::10"), a6("fd00::11")});
    const auto* blocked = find_group(snap, AddressFamily::inet6, 3, a6("ff15::2"));
    REQUIRE(blocked);
    CHECK(blocked->mode == FilterMode::exclude);
    CHECK(blocked->sources == std::vector<Address>{a6("fd00::20")});
    const auto* any = find_group(snap, AddressFamily::inet6, 3, a6("ff15::1"));
    REQUIRE(any);
    CHECK(any->mode == FilterMode::exclude);
    CHECK(any->sources.empty());
    const auto* hostile = find_group(snap, AddressFamily::inet6, 7, a6("ff15::5"));
    REQUIRE(hostile);
    CHECK(hostile->device == kHostile);
  }
  SUBCASE("link") {
    const auto* stat = find_group(snap, AddressFamily::link, 3, ll("01:00:5e:01:02:03"));
    REQUIRE(stat);
    CHECK_FALSE(stat->mode.has_value());
    CHECK(stat->sources.empty());
    CHECK(stat->users == 1u);
  }
  SUBCASE("protocols: one IGMP entry per interface, none for MLD") {
    REQUIRE(snap.protocols.size() == 7);
    CHECK(std::all_of(snap.protocols.begin(), snap.protocols.end(),
                      [](const MulticastProtocol& p) { return p.family == AddressFamily::inet; }));
    CHECK(snap.protocols.at(1).device == "b");
    CHECK(snap.protocols.at(1).version == 2);
    CHECK(snap.protocols.at(3).device == "c");
    CHECK(snap.protocols.at(3).version == 1);
    CHECK_FALSE(snap.protocols.at(3).robustness.has_value());
  }
}

TEST_CASE("procfs multicast snapshot: the query selects families and users, never sources") {
  const auto rows = fixture_rows();
  const auto brief = to_multicast_snapshot(rows, MulticastQuery{true, true, true, false});
  const auto full = to_multicast_snapshot(rows, MulticastQuery{true, true, true, true});
  CHECK(brief.groups.size() == 13 + 27 + 29);
  const auto* blocked = find_group(brief, AddressFamily::inet, 3, a4("239.2.2.2"));
  REQUIRE(blocked);
  CHECK(blocked->mode == FilterMode::exclude);
  CHECK(blocked->sources == std::vector<Address>{a4("10.0.0.20")});  // EXCLUDE {10.0.0.20}
  CHECK_FALSE(blocked->users.has_value());
  // Mode and sources are the membership itself: the same with and without users.
  REQUIRE(brief.groups.size() == full.groups.size());
  std::size_t with_sources = 0;
  for (std::size_t i = 0; i < brief.groups.size(); ++i) {
    CHECK(brief.groups[i].mode == full.groups[i].mode);
    CHECK(brief.groups[i].sources == full.groups[i].sources);
    if (!brief.groups[i].sources.empty()) ++with_sources;
  }
  CHECK(with_sources > 0);  // the fixture has source filters, so the comparison can fail

  const auto v6_only = to_multicast_snapshot(rows, MulticastQuery{false, true, false, false});
  CHECK(v6_only.groups.size() == 27);
  CHECK(v6_only.protocols.empty());
  CHECK(std::all_of(v6_only.groups.begin(), v6_only.groups.end(),
                    [](const MulticastGroup& g) { return g.family == AddressFamily::inet6; }));
}

TEST_CASE("procfs multicast snapshot: derivation rule edge cases (documented limits pinned)") {
  ProcfsMulticastRows rows;
  rows.igmp.interfaces = {{2, "eth0", 3, 3}};
  rows.igmp.groups = {{2, "eth0", a4("232.0.0.1"), 2}, {2, "eth0", a4("232.0.0.2"), 1}, {2, "eth0", a4("239.0.0.9"), 2}};
  rows.mcfilter = {
      // 232.0.0.1: users 2 but only one include row: an any-source socket exists.
      {2, "eth0", a4("232.0.0.1"), a4("10.0.0.1"), 1, 0},
      // 232.0.0.2: a source neither included nor blocked counts for nothing.
      {2, "eth0", a4("232.0.0.2"), a4("10.0.0.2"), 1, 0},
      {2, "eth0", a4("232.0.0.2"), a4("10.0.0.3"), 0, 0},
      // 239.0.0.9: one socket blocks .4, and .5 is both blocked and included: .5 passes.
      {2, "eth0", a4("239.0.0.9"), a4("10.0.0.4"), 0, 1},
      {2, "eth0", a4("239.0.0.9"), a4("10.0.0.5"), 1, 1},
      // No such group in igmp (read at another instant): ignored.
      {2, "eth0", a4("239.9.9.9"), a4("10.0.0.6"), 1, 0},
  };
  const auto snap = to_multicast_snapshot(rows, MulticastQuery{true, false, false, true});
  REQUIRE(snap.groups.size() == 3);
  CHECK(snap.groups[0].mode == FilterMode::exclude);
  CHECK(snap.groups[0].sources.empty());
  CHECK(snap.groups[1].mode == FilterMode::include);
  CHECK(snap.groups[1].sources == std::vector<Address>{a4("10.0.0.2")});
  CHECK(snap.groups[2].mode == FilterMode::exclude);
  CHECK(snap.groups[2].sources == std::vector<Address>{a4("10.0.0.4")});

  // Known limit: one include socket with two sources plus an any-source socket looks like
  // INCLUDE {A, B} (users 2 == sum of INC), although the kernel filter is EXCLUDE {}.
  ProcfsMulticastRows ambiguous;
  ambiguous.igmp.interfaces = {{2, "eth0", 1, 3}};
  ambiguous.igmp.groups = {{2, "eth0", a4("232.0.0.7"), 2}};
  ambiguous.mcfilter = {{2, "eth0", a4("232.0.0.7"), a4("10.0.0.1"), 1, 0}, {2, "eth0", a4("232.0.0.7"), a4("10.0.0.2"), 1, 0}};
  const auto amb = to_multicast_snapshot(ambiguous, MulticastQuery{true, false, false, true});
  REQUIRE(amb.groups.size() == 1);
  CHECK(amb.groups[0].mode == FilterMode::include);
}

TEST_CASE("procfs dev_mcast: every byte value as an address digit, accepted exactly when it is a hex digit") {
  // The digit decoder is a table: its edges ('/', ':', '@', 'G', '`', 'g') and bytes above 0x7f
  // (negative as char) must all be rejected, both cases of a-f accepted.
  for (int c = 0; c < 256; ++c) {
    if (c == '\n' || c == ' ' || c == '\t') continue;  // these split the line instead
    std::string line = "2    eth0            1     0     01005e0000X1\n";
    line[line.find('X')] = static_cast<char>(c);
    const auto r = parse_dev_mcast(line);
    const bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    CAPTURE(c);
    CHECK(r.ok() == hex);
    if (hex) {
      const int value = c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
      const char expected[] = {"0123456789abcdef"[value], '1', '\0'};
      CHECK(address_text(AddressFamily::link, r->at(0).address) == std::string("01:00:5e:00:00:") + expected);
    }
  }
}
