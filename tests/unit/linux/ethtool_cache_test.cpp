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

ifmib::platform::Interface interface(std::uint32_t index, const netlink::EthtoolKey& key) {
  ifmib::platform::Interface i;
  i.index = index;
  i.name = key.name;
  i.link_changes = key.link_changes;
  i.admin_up = key.admin_up;
  return i;
}

// lookup() of `interfaces` (a whole dump): what it gave each, in their order; each exactly once.
std::vector<netlink::EthtoolInfo> lookup(netlink::EthtoolCache& cache,
                                         const std::vector<ifmib::platform::Interface>& interfaces) {
  std::vector<netlink::EthtoolInfo> out(interfaces.size());
  std::vector<int> calls(interfaces.size(), 0);
  cache.lookup(interfaces, [&](std::size_t k, const netlink::EthtoolInfo& info) {
    REQUIRE(k < interfaces.size());
    out[k] = info;
    ++calls[k];
  });
  for (const int n : calls) CHECK(n == 1);
  return out;
}

// The lookup of a dump that holds this one interface (and so forgets every other).
netlink::EthtoolInfo get(netlink::EthtoolCache& cache, std::uint32_t index, const netlink::EthtoolKey& key) {
  return lookup(cache, {interface(index, key)}).front();
}

}  // namespace

TEST_CASE("ethtool cache: one fetch per interface until its key changes") {
  std::atomic<int> calls = 0;
  netlink::EthtoolCache cache(CountingFetch{&calls});
  const netlink::EthtoolKey eth0{"eth0", 3, true};

  const auto first = get(cache, 2, eth0);
  CHECK(first.driver == "virtio_net");
  CHECK(first.speed_bits_per_second == 10'000'000'000ull);
  CHECK(get(cache, 2, eth0) == first);
  CHECK(get(cache, 2, eth0) == first);
  CHECK(calls == 1);

  SUBCASE("carrier change refetches") {
    get(cache, 2, {"eth0", 4, true});
    CHECK(calls == 2);
  }
  SUBCASE("admin down refetches") {
    get(cache, 2, {"eth0", 3, false});
    CHECK(calls == 2);
  }
  SUBCASE("rename refetches, under the new name") {
    CHECK(get(cache, 2, {"lan0", 3, true}).driver == "veth");
    CHECK(calls == 2);
  }
  SUBCASE("another ifindex is its own entry") {
    const auto both = lookup(cache, {interface(2, eth0), interface(3, eth0)});
    CHECK(calls == 2);
    CHECK(cache.size() == 2);
    CHECK(both[0] == first);
    CHECK(both[1] == first);
  }
}

TEST_CASE("ethtool cache: a lookup forgets the interfaces its dump no longer holds") {
  std::atomic<int> calls = 0;
  netlink::EthtoolCache cache(CountingFetch{&calls});
  const auto of = [](std::uint32_t i) { return interface(i, {"if" + std::to_string(i), 0, true}); };
  lookup(cache, {of(1), of(2), of(3), of(4)});
  CHECK(calls == 4);
  CHECK(cache.size() == 4);
  // A dump in another order with a new interface: 3 and 1 cached, 5 fetched, 2 and 4 forgotten.
  const auto infos = lookup(cache, {of(3), of(5), of(1)});
  CHECK(calls == 5);
  CHECK(cache.size() == 3);
  CHECK(infos[1].driver == "veth");
  lookup(cache, {of(3), of(5), of(1), of(2)});
  CHECK(calls == 6);  // 2 was forgotten, fetched again
  lookup(cache, {});
  CHECK(cache.size() == 0);
}

TEST_CASE("ethtool cache: ethtool_key takes name, carrier changes and admin state") {
  ifmib::platform::Interface i;
  i.name = "v\"q\\x";
  i.link_changes = 7;
  i.admin_up = true;
  CHECK(netlink::ethtool_key(i) == netlink::EthtoolKey{"v\"q\\x", 7, true});
}

TEST_CASE("ethtool cache: concurrent lookups are safe") {
  std::atomic<int> calls = 0;
  netlink::EthtoolCache cache(CountingFetch{&calls});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&cache, t] {
      for (int n = 0; n < 200; ++n) {
        std::vector<ifmib::platform::Interface> dump;
        for (int k = 0; k <= n % 8; ++k) dump.push_back(interface(static_cast<std::uint32_t>(k), {"if", static_cast<std::uint64_t>(t % 2), true}));
        cache.lookup(dump, [](std::size_t, const netlink::EthtoolInfo& info) { CHECK(info.driver == "veth"); });
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
