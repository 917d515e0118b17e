// The namespace fan-out on fake namespaces: labels, one family per name, skips and limits.

#include <doctest/doctest.h>

#include <map>
#include <mutex>
#include <set>

#include "collector/netns_scrape.h"
#include "collector/scrape.h"
#include "tests/support/exposition.h"
#include "tests/support/fake_reader.h"
#include "tests/unit/collector_test_util.h"

using namespace ifmib;

namespace {

platform::Interface named_interface(const std::string& name, std::uint64_t rx_bytes) {
  platform::Interface i = test::ethernet_interface();
  i.name = name;
  i.counters.rx_bytes = rx_bytes;
  return i;
}

// Namespaces by label; each has its own FakeReader or a failure to enter it.
class FakeNamespaceSource final : public platform::NamespaceSource {
 public:
  platform::NamespaceList listing;
  std::map<std::string, std::shared_ptr<test::FakeReader>> readers;
  std::map<std::string, Error> failures;
  std::optional<Error> access_error;
  std::mutex mu;
  std::multiset<std::string> entered;

  void add(const std::string& label, std::uint64_t inode, std::vector<platform::Interface> interfaces) {
    listing.namespaces.push_back({label, inode, label.rfind("inode:", 0) == 0 ? "sleep" : "", "/x/" + label, false});
    auto reader = std::make_shared<test::FakeReader>();
    reader->interfaces_result = std::move(interfaces);
    readers[label] = reader;
  }

  Result<platform::NamespaceList> list() override { return listing; }
  Status run_inside(const platform::NetworkNamespace& ns,
                              const std::function<void(platform::Reader&)>& work) override {
    {
      std::lock_guard lock(mu);
      entered.insert(ns.label);
    }
    if (auto it = failures.find(ns.label); it != failures.end()) return it->second;
    work(*readers.at(ns.label));
    return ok_status();
  }
  Status check_access() override {
    if (access_error) return *access_error;
    return ok_status();
  }
};

struct Fixture {
  std::shared_ptr<test::FakeReader> own = std::make_shared<test::FakeReader>();
  std::shared_ptr<FakeNamespaceSource> source = std::make_shared<FakeNamespaceSource>();
  collector::NetnsOptions options;

  Fixture() {
    own->interfaces_result = std::vector{named_interface("eth0", 1)};
    source->listing.namespaces.push_back({"", 4026531840, "", "", true});
  }

  test::Exposition scrape(const std::vector<std::string>& collectors = {"ifmib", "send_queue", "multicast"}) {
    collector::Scraper scraper(collectors, {}, own, false, nullptr);
    scraper.set_fanout(std::make_shared<collector::NetnsFanout>(options, source));
    return test::render(scraper.scrape({}));
  }
};

}  // namespace

TEST_CASE("netns fan-out: every series of every namespace is labelled, each family appears once") {
  Fixture f;
  f.source->add("blue", 4026532001, {named_interface("veth0", 100), named_interface("veth1", 101)});
  f.source->add("inode:4026532002", 4026532002, {named_interface("veth0", 200)});
  const std::string text = test::serialize([&] {
    collector::Scraper scraper({"ifmib", "send_queue", "multicast"}, {}, f.own, false, nullptr);
    scraper.set_fanout(std::make_shared<collector::NetnsFanout>(f.options, f.source));
    return scraper.scrape({});
  }());
  // render() would also reject a duplicate series; check families by their TYPE lines.
  std::multiset<std::string> types;
  for (std::size_t at = text.find("# TYPE "); at != std::string::npos; at = text.find("# TYPE ", at + 1)) {
    types.insert(text.substr(at + 7, text.find(' ', at + 7) - at - 7));
  }
  for (const auto& name : types) CHECK_MESSAGE(types.count(name) == 1, name);

  const auto out = test::parse_exposition(text);
  REQUIRE(out.ok());
  CHECK(out->value("ifmib_receive_bytes_total", {{"device", "eth0"}, {"netns", ""}}) == 1);
  CHECK(out->value("ifmib_receive_bytes_total", {{"device", "veth0"}, {"netns", "blue"}}) == 100);
  CHECK(out->value("ifmib_receive_bytes_total", {{"device", "veth1"}, {"netns", "blue"}}) == 101);
  CHECK(out->value("ifmib_receive_bytes_total", {{"device", "veth0"}, {"netns", "inode:4026532002"}}) == 200);
  for (const auto& s : out->samples) {
    if (s.name.rfind("ifmib_netns_", 0) == 0 || s.name == "ifmib_exporter_build_info") continue;
    CHECK_MESSAGE(s.labels.count("netns") == 1, s.name);
  }
  CHECK(out->value("ifmib_scrape_collector_success", {{"collector", "ifmib"}, {"netns", "blue"}}) == 1);
  CHECK(out->value("ifmib_netns_info", {{"netns", "blue"}, {"inode", "4026532001"}, {"process", ""}}) == 1);
  CHECK(out->value("ifmib_netns_info", {{"netns", "inode:4026532002"}, {"process", "sleep"}}) == 1);
  CHECK(out->value("ifmib_netns_info", {{"netns", ""}}) == 1);
  for (const char* reason : {"max", "deadline", "permission", "error"}) {
    CHECK(out->value("ifmib_netns_skipped", {{"reason", reason}}) == 0);
  }
  CHECK(f.source->readers.at("blue")->interface_calls == 1);  // one link dump per namespace per scrape
}

TEST_CASE("netns fan-out: a vanished namespace is skipped silently, no permission and errors are counted") {
  Fixture f;
  f.source->add("gone", 1, {named_interface("a", 1)});
  f.source->add("locked", 2, {named_interface("b", 2)});
  f.source->add("broken", 3, {named_interface("c", 3)});
  f.source->add("fine", 4, {named_interface("d", 4)});
  f.source->failures.emplace("gone", Error::from_errno("open /run/netns/gone", ENOENT));
  f.source->failures.emplace("locked", Error::from_errno("setns /run/netns/locked", EPERM));
  f.source->failures.emplace("broken", Error::from_errno("setns /run/netns/broken", EINVAL));
  f.source->listing.unreadable_processes = 7;
  const auto out = f.scrape();
  CHECK_FALSE(out.has("ifmib_admin_up", {{"netns", "gone"}}));
  CHECK_FALSE(out.has("ifmib_netns_info", {{"netns", "gone"}}));
  CHECK_FALSE(out.has("ifmib_admin_up", {{"netns", "locked"}}));
  CHECK(out.has("ifmib_admin_up", {{"netns", "fine"}, {"device", "d"}}));
  CHECK(out.has("ifmib_admin_up", {{"netns", ""}, {"device", "eth0"}}));
  CHECK(out.value("ifmib_netns_skipped", {{"reason", "permission"}}) == 1);
  CHECK(out.value("ifmib_netns_skipped", {{"reason", "error"}}) == 1);
  CHECK(out.value("ifmib_netns_skipped", {{"reason", "max"}}) == 0);
  CHECK(out.value("ifmib_netns_unreadable_processes") == 7);
}

TEST_CASE("netns fan-out: --collector.netns.max keeps the own namespace and the first others") {
  Fixture f;
  for (int i = 0; i < 10; ++i) f.source->add("ns" + std::to_string(i), 100 + i, {named_interface("v", 1)});
  f.options.max = 4;
  const auto out = f.scrape();
  CHECK(out.find("ifmib_netns_info").size() == 4);
  CHECK(out.has("ifmib_netns_info", {{"netns", ""}}));
  CHECK(out.has("ifmib_netns_info", {{"netns", "ns0"}}));
  CHECK(out.has("ifmib_netns_info", {{"netns", "ns2"}}));
  CHECK_FALSE(out.has("ifmib_netns_info", {{"netns", "ns3"}}));
  CHECK(out.value("ifmib_netns_skipped", {{"reason", "max"}}) == 7);
  CHECK(f.source->entered.size() == 3);
}

TEST_CASE("netns fan-out: include/exclude apply to names, never to the own namespace") {
  Fixture f;
  f.source->add("prod-a", 1, {named_interface("a", 1)});
  f.source->add("prod-b", 2, {named_interface("b", 1)});
  f.source->add("test-a", 3, {named_interface("c", 1)});
  f.source->add("inode:4", 4, {named_interface("d", 1)});
  auto names = collector::DeviceFilter::create("^prod-", "-b$");
  REQUIRE(names.ok());
  f.options.names = *names;
  const auto out = f.scrape();
  CHECK(out.has("ifmib_netns_info", {{"netns", ""}}));
  CHECK(out.has("ifmib_netns_info", {{"netns", "prod-a"}}));
  CHECK(out.find("ifmib_netns_info").size() == 2);
  CHECK(f.source->entered == std::multiset<std::string>{"prod-a"});
}

TEST_CASE("netns fan-out: past the deadline no namespace is started, the own one is still served") {
  Fixture f;
  for (int i = 0; i < 5; ++i) f.source->add("ns" + std::to_string(i), 100 + i, {named_interface("v", 1)});
  f.options.deadline = std::chrono::milliseconds(0);
  const auto out = f.scrape();
  CHECK(out.has("ifmib_admin_up", {{"netns", ""}, {"device", "eth0"}}));
  CHECK(out.value("ifmib_netns_skipped", {{"reason", "deadline"}}) == 5);
  CHECK(f.source->entered.empty());
}

TEST_CASE("netns fan-out: a failed listing still serves the own namespace") {
  class Failing final : public platform::NamespaceSource {
   public:
    Result<platform::NamespaceList> list() override {
      return Error::from_errno("stat /proc/self/ns/net", EACCES);
    }
    Status run_inside(const platform::NetworkNamespace&, const std::function<void(platform::Reader&)>&) override {
      FAIL("nothing to enter");
      return ok_status();
    }
    Status check_access() override { return Error::from_errno("setns", EPERM); }
  };
  auto own = std::make_shared<test::FakeReader>();
  own->interfaces_result = std::vector{named_interface("eth0", 5)};
  collector::Scraper scraper({"ifmib"}, {}, own, false, nullptr);
  auto fanout = std::make_shared<collector::NetnsFanout>(collector::NetnsOptions{}, std::make_shared<Failing>());
  CHECK_FALSE(fanout->announce_access());
  scraper.set_fanout(fanout);
  const auto out = test::render(scraper.scrape({}));
  CHECK(out.value("ifmib_receive_bytes_total", {{"device", "eth0"}, {"netns", ""}}) == 5);
  CHECK(out.value("ifmib_scrape_collector_success", {{"collector", "ifmib"}, {"netns", ""}}) == 1);
}

TEST_CASE("netns fan-out: many namespaces on several workers give one complete, ordered answer") {
  Fixture f;
  for (int i = 0; i < 40; ++i) {
    f.source->add("ns" + std::to_string(100 + i), 1000 + i, {named_interface("v", static_cast<std::uint64_t>(i))});
  }
  f.options.workers = 4;
  const auto out = f.scrape({"ifmib"});
  const auto rx = out.find("ifmib_receive_bytes_total");
  REQUIRE(rx.size() == 41);
  CHECK(rx[0].labels.at("netns").empty());
  for (int i = 0; i < 40; ++i) {
    CHECK(rx[static_cast<std::size_t>(i) + 1].labels.at("netns") == "ns" + std::to_string(100 + i));
    CHECK(rx[static_cast<std::size_t>(i) + 1].value == i);
  }
}
