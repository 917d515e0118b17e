// Tests for platform/linux/link_name_cache: when the send-queue name cache dumps the links, with
// scripted announcements and a counting dump (the kernel side is in
// tests/integration/send_queue_names_test.cpp).

#include "platform/linux/link_name_cache.h"

#include <doctest/doctest.h>

#include <deque>
#include <memory>
#include <string>
#include <vector>

namespace netlink = ifmib::platform::netlink;
using ifmib::Error;
using ifmib::Result;

namespace {

// What each drain() answers, in order; then "nothing new".
struct Script {
  std::deque<Result<bool>> drains;
  int subscriptions = 0;
  bool subscribe_fails = false;
};

class ScriptedEvents final : public netlink::LinkEvents {
 public:
  explicit ScriptedEvents(Script& script) : script_(script) {}
  Result<bool> drain() override {
    if (script_.drains.empty()) return false;
    auto next = script_.drains.front();
    script_.drains.pop_front();
    return next;
  }

 private:
  Script& script_;
};

netlink::LinkRow row(std::uint32_t index, const std::string& name, std::uint32_t txqlen) {
  netlink::LinkRow r;
  r.interface.index = index;
  r.interface.name = name;
  r.interface.tx_queue_length = txqlen;
  return r;
}

struct Fixture {
  Script script;
  std::vector<netlink::LinkRow> links{row(1, "lo", 1000), row(2, "eth0", 500)};
  int dumps = 0;
  netlink::LinkNameCache cache{
      [this]() -> Result<std::unique_ptr<netlink::LinkEvents>> {
        ++script.subscriptions;
        if (script.subscribe_fails) return Error::from_errno("socket", EMFILE);
        return std::unique_ptr<netlink::LinkEvents>(std::make_unique<ScriptedEvents>(script));
      },
      [this]() -> Result<std::vector<netlink::LinkRow>> {
        ++dumps;
        return links;
      }};

  std::vector<netlink::LinkName> names() {
    std::vector<netlink::LinkName> out;
    auto status = cache.with_names([&](std::span<const netlink::LinkName> n) { out.assign(n.begin(), n.end()); });
    REQUIRE(status);
    return out;
  }
};

}  // namespace

TEST_CASE("link name cache: one dump, then none until a link is announced") {
  Fixture f;
  CHECK(f.names() == std::vector<netlink::LinkName>{{1, "lo", 1000}, {2, "eth0", 500}});
  CHECK(f.dumps == 1);
  CHECK(f.script.subscriptions == 1);
  CHECK(f.names().size() == 2);
  CHECK(f.names().size() == 2);
  CHECK(f.dumps == 1);  // steady state: no dump

  f.links[1].interface.name = "wan0";  // renamed; the kernel announces it
  f.script.drains.push_back(true);
  CHECK(f.names() == std::vector<netlink::LinkName>{{1, "lo", 1000}, {2, "wan0", 500}});
  CHECK(f.dumps == 2);
  CHECK(f.cache.refreshes() == 2);
  CHECK(f.script.subscriptions == 1);
}

TEST_CASE("link name cache: a failed drain drops the subscription and the next call subscribes anew") {
  Fixture f;
  (void)f.names();
  f.script.drains.push_back(Error::from_errno("recv(RTNLGRP_LINK)", EBADF));
  f.links.push_back(row(3, "new0", 1000));
  CHECK(f.names().size() == 3);  // dumped: announcements may have been missed
  CHECK(f.dumps == 2);
  CHECK(f.script.subscriptions == 2);  // subscribed again before that dump
  (void)f.names();
  CHECK(f.dumps == 2);
}

TEST_CASE("link name cache: without a subscription every call dumps") {
  Fixture f;
  f.script.subscribe_fails = true;
  (void)f.names();
  (void)f.names();
  CHECK(f.dumps == 2);
  CHECK(f.script.subscriptions == 2);
}

TEST_CASE("link name cache: a failed dump is the caller's error, and the next call dumps again") {
  Fixture f;
  bool fail = true;
  netlink::LinkNameCache cache(
      [&]() -> Result<std::unique_ptr<netlink::LinkEvents>> {
        return std::unique_ptr<netlink::LinkEvents>(std::make_unique<ScriptedEvents>(f.script));
      },
      [&]() -> Result<std::vector<netlink::LinkRow>> {
        ++f.dumps;
        if (fail) return Error::from_errno("RTM_GETLINK dump", ENOBUFS);
        return f.links;
      });
  bool used = false;
  auto status = cache.with_names([&](std::span<const netlink::LinkName>) { used = true; });
  REQUIRE_FALSE(status);
  CHECK(status.error().sys_errno == ENOBUFS);
  CHECK_FALSE(used);
  fail = false;
  REQUIRE(cache.with_names([&](std::span<const netlink::LinkName> n) { used = n.size() == 2; }));
  CHECK(used);
  CHECK(f.dumps == 2);
}

TEST_CASE("link name cache: with no subscriber it never subscribes and every call dumps") {
  // What the readers of other network namespaces use (netns_reader.cpp): no socket outlives a call.
  int dumps = 0;
  const std::vector<netlink::LinkRow> links{row(1, "lo", 1000), row(7, "va", 1000)};
  netlink::LinkNameCache cache(nullptr, [&]() -> Result<std::vector<netlink::LinkRow>> {
    ++dumps;
    return links;
  });
  for (int call = 1; call <= 3; ++call) {
    std::vector<netlink::LinkName> seen;
    REQUIRE(cache.with_names([&](std::span<const netlink::LinkName> n) { seen.assign(n.begin(), n.end()); }));
    CHECK(seen == std::vector<netlink::LinkName>{{1, "lo", 1000}, {7, "va", 1000}});
    CHECK(dumps == call);
  }
  CHECK(cache.refreshes() == 3);
}
