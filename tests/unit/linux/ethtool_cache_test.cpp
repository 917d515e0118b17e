// Tests for platform/linux/ethtool_cache: refresh rules with a counting fake, and one live query.

#include "platform/linux/ethtool_cache.h"

#include <doctest/doctest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

namespace netlink = ifmib::platform::netlink;

namespace {

struct CountingFetch {
  std::atomic<int>* calls;
  netlink::EthtoolInfo operator()(const std::string& name) const {
    ++*calls;
    return {name == "eth0" ? "virtio_net" : "veth", 10'000'000'000ull, true, false};
  }
};

}  // namespace

TEST_CASE("ethtool cache: one fetch per interface until its key changes") {
  std::atomic<int> calls = 0;
  netlink::EthtoolCache cache(CountingFetch{&calls});
  const netlink::EthtoolKey eth0{"eth0", 3, true};

  const auto first = cache.get(2, eth0);
  CHECK(first.driver == "virtio_net");
  CHECK(first.speed_bits_per_second == 10'000'000'000ull);
  CHECK(cache.get(2, eth0) == first);
  CHECK(cache.get(2, eth0) == first);
  CHECK(calls == 1);

  SUBCASE("carrier change refetches") {
    cache.get(2, {"eth0", 4, true});
    CHECK(calls == 2);
  }
  SUBCASE("admin down refetches") {
    cache.get(2, {"eth0", 3, false});
    CHECK(calls == 2);
  }
  SUBCASE("rename refetches, under the new name") {
    CHECK(cache.get(2, {"lan0", 3, true}).driver == "veth");
    CHECK(calls == 2);
  }
  SUBCASE("another ifindex is its own entry") {
    cache.get(3, eth0);
    CHECK(calls == 2);
    CHECK(cache.size() == 2);
  }
}

TEST_CASE("ethtool cache: prune forgets vanished interfaces") {
  std::atomic<int> calls = 0;
  netlink::EthtoolCache cache(CountingFetch{&calls});
  for (std::uint32_t i = 1; i <= 4; ++i) cache.get(i, {"if" + std::to_string(i), 0, true});
  const std::vector<std::uint32_t> present{3, 1};  // any order
  cache.prune(present);
  CHECK(cache.size() == 2);
  cache.get(3, {"if3", 0, true});
  CHECK(calls == 4);  // still cached
  cache.get(2, {"if2", 0, true});
  CHECK(calls == 5);  // forgotten, fetched again
}

TEST_CASE("ethtool cache: ethtool_key takes name, carrier changes and admin state") {
  ifmib::platform::Interface i;
  i.name = "v\"q\\x";
  i.link_changes = 7;
  i.admin_up = true;
  CHECK(netlink::ethtool_key(i) == netlink::EthtoolKey{"v\"q\\x", 7, true});
}

TEST_CASE("ethtool cache: concurrent gets are safe") {
  std::atomic<int> calls = 0;
  netlink::EthtoolCache cache(CountingFetch{&calls});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&cache, t] {
      for (int n = 0; n < 200; ++n) {
        cache.get(static_cast<std::uint32_t>(n % 8), {"if", static_cast<std::uint64_t>(t % 2), true});
        if (n % 50 == 0) cache.prune(std::vector<std::uint32_t>{0, 1, 2, 3});
      }
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(cache.size() <= 8);
}

TEST_CASE("live kernel: ethtool on lo and on a name that does not exist") {
  // Loopback has no link speed; whatever its driver answer, the query must not fail or hang.
  CHECK_FALSE(netlink::query_ethtool("lo").speed_bits_per_second.has_value());
  CHECK(netlink::query_ethtool("no-such-if-xyz") == netlink::EthtoolInfo{});
  CHECK(netlink::query_ethtool("a-name-longer-than-ifnamsiz") == netlink::EthtoolInfo{});
  CHECK(netlink::query_ethtool("") == netlink::EthtoolInfo{});
}

TEST_CASE("ethtool link mode: duplex and autoneg as include/uapi/linux/ethtool.h defines them") {
  // DUPLEX_HALF 0x00, DUPLEX_FULL 0x01, DUPLEX_UNKNOWN 0xff; AUTONEG_DISABLE 0x00,
  // AUTONEG_ENABLE 0x01; SPEED_UNKNOWN -1 (typed here as numbers, not the header's macros).
  netlink::EthtoolInfo info;
  info.driver = "e1000e";
  netlink::decode_link_mode(1000, 0x01, 0x01, info);
  CHECK(info.speed_bits_per_second == 1'000'000'000ull);
  CHECK(info.full_duplex == true);
  CHECK(info.autonegotiation == true);
  CHECK(info.driver == "e1000e");

  netlink::decode_link_mode(100, 0x00, 0x00, info);  // forced 100 Mb/s half duplex
  CHECK(info.speed_bits_per_second == 100'000'000ull);
  CHECK(info.full_duplex == false);
  CHECK(info.autonegotiation == false);

  netlink::decode_link_mode(0xffffffffu, 0xff, 0x01, info);  // no link: unknown speed and duplex
  CHECK_FALSE(info.speed_bits_per_second.has_value());
  CHECK_FALSE(info.full_duplex.has_value());
  CHECK(info.autonegotiation == true);

  netlink::decode_link_mode(0, 0x02, 0x07, info);  // values this code does not know
  CHECK_FALSE(info.speed_bits_per_second.has_value());
  CHECK_FALSE(info.full_duplex.has_value());
  CHECK_FALSE(info.autonegotiation.has_value());
}
