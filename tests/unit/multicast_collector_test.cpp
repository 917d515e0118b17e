#include <doctest/doctest.h>

#include "collector/multicast_collector.h"
#include "tests/support/address.h"
#include "tests/support/exposition.h"
#include "tests/support/fake_reader.h"

using namespace ifmib;
using platform::AddressFamily;
using platform::FilterMode;

namespace {

platform::MulticastSnapshot sample_snapshot() {
  platform::MulticastSnapshot s;
  s.groups = {
      ifmib::test::membership("eth0", 2, AddressFamily::inet, "224.0.0.1", FilterMode::exclude, {}, 1),
      ifmib::test::membership("eth0", 2, AddressFamily::inet, "232.1.1.1", FilterMode::include, {"10.0.0.1", "10.0.0.2"}, 1),
      ifmib::test::membership("eth0", 2, AddressFamily::inet6, "ff02::1", FilterMode::exclude, {}, 2),
      ifmib::test::membership("eth0", 2, AddressFamily::link, "01:00:5e:00:00:01", std::nullopt, {}, 1),
      ifmib::test::membership("eth0", 2, AddressFamily::link, "33:33:00:00:00:01", std::nullopt, {}, std::nullopt),
      // Reported twice (FreeBSD lists a link group once per layer-3 group): merged, not duplicated.
      ifmib::test::membership("eth0", 2, AddressFamily::link, "33:33:00:00:00:01", std::nullopt, {}, std::nullopt),
      ifmib::test::membership("lo", 1, AddressFamily::inet, "224.0.0.1", FilterMode::exclude, {}, 1),
  };
  s.protocols = {{"eth0", 2, AddressFamily::inet, 3, 2, 125, 10, 1},
                 {"lo", 1, AddressFamily::inet, 2, std::nullopt, std::nullopt, std::nullopt, std::nullopt},
                 {"eth0", 2, AddressFamily::inet6, 2, 2, 125, 10, 1}};
  return s;
}

test::Exposition collect_multicast(test::FakeReader& reader, platform::MulticastQuery query, bool groups = false) {
  collector::Options options;
  options.multicast = query;
  options.multicast_groups = groups;
  auto families = collector::MulticastCollector(options).collect(reader);
  REQUIRE(families.ok());
  return test::render(*families);
}

}  // namespace

TEST_CASE("multicast: group and source counts per interface and family, zero where none") {
  test::FakeReader reader;
  reader.multicast_result = sample_snapshot();
  const auto out = collect_multicast(reader, {});
  CHECK_FALSE(reader.last_query.users);  // the counts do not need per-group users
  CHECK(out.value("ifmib_multicast_groups", {{"device", "eth0"}, {"family", "inet"}}) == 2);
  CHECK(out.value("ifmib_multicast_groups", {{"device", "eth0"}, {"family", "inet6"}}) == 1);
  CHECK(out.value("ifmib_multicast_groups", {{"device", "eth0"}, {"family", "link"}}) == 2);
  CHECK(out.value("ifmib_multicast_sources", {{"device", "eth0"}, {"family", "inet"}}) == 2);
  CHECK(out.value("ifmib_multicast_sources", {{"device", "eth0"}, {"family", "inet6"}}) == 0);
  CHECK_FALSE(out.has("ifmib_multicast_sources", {{"family", "link"}}));
  CHECK(out.value("ifmib_multicast_groups", {{"device", "lo"}, {"family", "inet"}}) == 1);
  CHECK(out.value("ifmib_multicast_groups", {{"device", "lo"}, {"family", "inet6"}}) == 0);
  CHECK(out.value("ifmib_igmp_version", {{"device", "eth0"}}) == 3);
  CHECK(out.value("ifmib_igmp_version", {{"device", "lo"}}) == 2);
  CHECK(out.value("ifmib_mld_version", {{"device", "eth0"}}) == 2);
  CHECK_FALSE(out.has("ifmib_mld_version", {{"device", "lo"}}));
  // Without --collector.multicast.groups there is no per-group detail.
  CHECK_FALSE(out.has("ifmib_multicast_group_sources"));
  CHECK_FALSE(out.has("ifmib_multicast_group_users"));
  CHECK_FALSE(out.has("ifmib_multicast_robustness"));
}

TEST_CASE("multicast: per-group detail like ifmcstat -v") {
  test::FakeReader reader;
  reader.multicast_result = sample_snapshot();
  const auto out = collect_multicast(reader, {}, true);
  CHECK(reader.last_query.users);
  CHECK(out.value("ifmib_multicast_group_sources",
                  {{"device", "eth0"}, {"family", "inet"}, {"group", "232.1.1.1"}, {"mode", "include"}}) == 2);
  CHECK(out.value("ifmib_multicast_group_sources",
                  {{"device", "eth0"}, {"family", "inet"}, {"group", "224.0.0.1"}, {"mode", "exclude"}}) == 0);
  CHECK(out.value("ifmib_multicast_group_users", {{"device", "eth0"}, {"family", "inet6"}, {"group", "ff02::1"}}) ==
        2);
  CHECK(out.value("ifmib_multicast_group_users",
                  {{"device", "eth0"}, {"family", "link"}, {"group", "01:00:5e:00:00:01"}}) == 1);
  CHECK_FALSE(out.has("ifmib_multicast_group_users", {{"group", "33:33:00:00:00:01"}}));
  CHECK_FALSE(out.has("ifmib_multicast_group_sources", {{"family", "link"}}));
  CHECK(out.value("ifmib_multicast_robustness", {{"device", "eth0"}, {"family", "inet"}}) == 2);
  CHECK(out.value("ifmib_multicast_query_interval_seconds", {{"device", "eth0"}, {"family", "inet6"}}) == 125);
  CHECK(out.value("ifmib_multicast_query_response_interval_seconds", {{"device", "eth0"}, {"family", "inet"}}) == 10);
  CHECK(out.value("ifmib_multicast_unsolicited_report_interval_seconds", {{"device", "eth0"}, {"family", "inet"}}) ==
        1);
  CHECK_FALSE(out.has("ifmib_multicast_robustness", {{"device", "lo"}}));
}

TEST_CASE("multicast: --collector.multicast.families limits the families, like ifmcstat -f") {
  test::FakeReader reader;
  reader.multicast_result = sample_snapshot();
  platform::MulticastQuery query;
  query.inet6 = false;
  query.link = false;
  const auto out = collect_multicast(reader, query);
  CHECK(out.has("ifmib_multicast_groups", {{"family", "inet"}}));
  CHECK_FALSE(out.has("ifmib_multicast_groups", {{"family", "inet6"}}));
  CHECK_FALSE(out.has("ifmib_multicast_groups", {{"family", "link"}}));
  CHECK_FALSE(out.has("ifmib_mld_version"));
  CHECK_FALSE(reader.last_query.inet6);
}

TEST_CASE("multicast: a reader error fails the collector") {
  test::FakeReader reader;
  reader.multicast_result = Error::from_errno("/proc/net/igmp", EACCES);
  auto families = collector::MulticastCollector({}).collect(reader);
  REQUIRE_FALSE(families.ok());
  CHECK(families.error().text().rfind("multicast: /proc/net/igmp", 0) == 0);
}

TEST_CASE("multicast: groups in any order, a device's rows apart, repeats merged with the last mode winning") {
  // The collector sorts and merges; this order exercises both: devices interleaved, families and
  // groups out of order, and one inet group reported three times whose last report says exclude.
  test::FakeReader reader;
  platform::MulticastSnapshot s;
  s.groups = {
      ifmib::test::membership("eth1", 3, AddressFamily::link, "33:33:00:00:00:01", std::nullopt, {}, 1),
      ifmib::test::membership("eth0", 2, AddressFamily::inet, "232.1.1.1", FilterMode::include, {"10.0.0.2", "10.0.0.1"}, 1),
      ifmib::test::membership("eth1", 3, AddressFamily::inet, "224.0.0.1", FilterMode::exclude, {}, 1),
      ifmib::test::membership("eth0", 2, AddressFamily::inet6, "ff02::1", FilterMode::exclude, {}, 1),
      ifmib::test::membership("eth0", 2, AddressFamily::inet, "224.0.0.1", FilterMode::exclude, {}, 1),
      ifmib::test::membership("eth0", 2, AddressFamily::inet, "232.1.1.1", FilterMode::include, {"10.0.0.3", "10.0.0.1"}, 1),
      ifmib::test::membership("eth1", 3, AddressFamily::inet6, "ff02::1", FilterMode::exclude, {}, 1),
      ifmib::test::membership("eth0", 2, AddressFamily::inet, "232.1.1.1", FilterMode::exclude, {"10.0.0.9"}, 1),
  };
  reader.multicast_result = s;
  const auto out = collect_multicast(reader, {}, true);
  CHECK(out.value("ifmib_multicast_groups", {{"device", "eth0"}, {"family", "inet"}}) == 2);
  CHECK(out.value("ifmib_multicast_groups", {{"device", "eth0"}, {"family", "inet6"}}) == 1);
  CHECK(out.value("ifmib_multicast_groups", {{"device", "eth0"}, {"family", "link"}}) == 0);
  CHECK(out.value("ifmib_multicast_groups", {{"device", "eth1"}, {"family", "inet"}}) == 1);
  CHECK(out.value("ifmib_multicast_groups", {{"device", "eth1"}, {"family", "inet6"}}) == 1);
  CHECK(out.value("ifmib_multicast_groups", {{"device", "eth1"}, {"family", "link"}}) == 1);
  // 232.1.1.1: distinct sources over its three reports (10.0.0.1, .2, .3, .9); users summed.
  CHECK(out.value("ifmib_multicast_sources", {{"device", "eth0"}, {"family", "inet"}}) == 4);
  CHECK(out.value("ifmib_multicast_group_sources",
                  {{"device", "eth0"}, {"family", "inet"}, {"group", "232.1.1.1"}, {"mode", "exclude"}}) == 4);
  CHECK_FALSE(out.has("ifmib_multicast_group_sources", {{"group", "232.1.1.1"}, {"mode", "include"}}));
  CHECK(out.value("ifmib_multicast_group_users", {{"device", "eth0"}, {"family", "inet"}, {"group", "232.1.1.1"}}) ==
        3);
  CHECK(out.find("ifmib_multicast_group_users").size() == 6);  // one series per distinct membership
}

TEST_CASE("multicast: a snapshot handed out again gives the same series, another one its own") {
  for (const bool groups : {false, true}) {
    CAPTURE(groups);
    collector::Options options;
    options.multicast_groups = groups;
    const collector::MulticastCollector collector(options);  // one instance: it keeps its last families
    test::FakeReader reader;
    const auto first = std::make_shared<const platform::MulticastSnapshot>(sample_snapshot());
    reader.shared_multicast_result = first;
    const auto collect = [&] {
      auto families = collector.collect(reader);
      REQUIRE(families.ok());
      return test::serialize(*families);
    };
    // What a collector that never saw a snapshot makes of each one.
    const auto expected = [&](const platform::MulticastSnapshot& snapshot) {
      test::FakeReader plain;
      plain.multicast_result = snapshot;
      auto families = collector::MulticastCollector(options).collect(plain);
      REQUIRE(families.ok());
      return test::serialize(*families);
    };
    const std::string a = collect();
    const std::string b = collect();
    CHECK(reader.multicast_calls == 2);  // the kernel is read at every scrape
    CHECK(a == expected(*first));
    CHECK(b == a);

    // Another snapshot is counted afresh: here lo left its group.
    auto changed = sample_snapshot();
    changed.groups.pop_back();
    reader.shared_multicast_result = std::make_shared<const platform::MulticastSnapshot>(changed);
    const std::string c = collect();
    CHECK(c == expected(changed));
    CHECK(c != a);
    CHECK(c.find("ifmib_multicast_groups{device=\"lo\",family=\"inet\"} 0\n") != std::string::npos);
    // And one equal to the first, but another object, too.
    reader.shared_multicast_result = std::make_shared<const platform::MulticastSnapshot>(sample_snapshot());
    CHECK(collect() == a);
  }
}
