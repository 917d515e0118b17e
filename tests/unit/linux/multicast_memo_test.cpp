// Tests for the Linux reader's multicast memo (platform/linux/multicast_memo.h): a read whose
// every byte equals the last one's hands out the last snapshot; any other read gives what a new
// reader, which has no memo, makes of the same bytes. The kernel is a fake LinuxSource serving the
// captured files of tests/unit/fixtures/linux, each of which the tests change in turn.

#include <doctest/doctest.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "platform/linux/linux_reader.h"
#include "tests/support/fixtures.h"
#include "tests/unit/linux/netlink_test_builder.h"

using namespace ifmib;
using namespace ifmib::platform;

namespace {

constexpr const char* kDir = "/fake/net";
const char* const kFiles[] = {"igmp", "igmp6", "mcfilter", "mcfilter6", "dev_mcast"};

// What the fake kernel holds; the reader's source reads it at each call.
struct FakeKernel {
  std::map<std::string, std::string> files;  // by name under kDir
  std::optional<std::vector<std::uint8_t>> inet6_dump;
  std::map<std::string, int> reads;           // files read, and "dump"
  std::uint32_t sequence = 0;

  static std::shared_ptr<FakeKernel> captured() {
    auto k = std::make_shared<FakeKernel>();
    for (const char* f : kFiles) k->files[f] = test::read_fixture_text(std::string("linux/proc_net_") + f + ".txt");
    k->inet6_dump = test::read_fixture_bytes("linux/netlink_mcast6_dump.bin");
    return k;
  }
};

// Each dump is a new request: its messages carry a new sequence number, as the kernel's do.
LinuxSource source_of(const std::shared_ptr<FakeKernel>& kernel) {
  LinuxSource source;
  source.read_file = [kernel](const std::string& path) -> Result<std::string> {
    const std::string name = path.substr(std::string(kDir).size() + 1);
    ++kernel->reads[name];
    const auto it = kernel->files.find(name);
    if (it == kernel->files.end()) return Error{"open " + path, ENOENT, "no such file"};
    return it->second;
  };
  source.dump = [kernel](const netlink::DumpRequest& request) -> Result<netlink::DumpBytes> {
    ++kernel->reads["dump"];
    if (request.type != RTM_GETMULTICAST || request.family != AF_INET6 || !kernel->inet6_dump) {
      return Error{"dump", EOPNOTSUPP, "not in the fake kernel"};
    }
    auto bytes = *kernel->inet6_dump;
    ++kernel->sequence;
    for (const auto at : test::message_offsets(bytes)) {
      test::set_header_field(bytes, at, offsetof(nlmsghdr, nlmsg_seq), kernel->sequence);
    }
    return netlink::DumpBytes(bytes);
  };
  source.link_events = {};  // no subscription
  return source;
}

// What a reader without a memo makes of the kernel's present bytes.
MulticastSnapshot fresh_read(const std::shared_ptr<FakeKernel>& kernel, const MulticastQuery& query) {
  auto copy = std::make_shared<FakeKernel>(*kernel);
  auto snapshot = make_linux_reader(kDir, source_of(copy))->multicast(query);
  REQUIRE(snapshot.ok());
  return *snapshot;
}

// `text` without its last line.
std::string without_last_line(const std::string& text) {
  const auto cut = text.rfind('\n', text.size() - 2);
  return text.substr(0, cut + 1);
}

}  // namespace

TEST_CASE("multicast memo: the same bytes give the same snapshot, and every file is read again") {
  auto kernel = FakeKernel::captured();
  auto reader = make_linux_reader(kDir, source_of(kernel));
  for (const bool users : {false, true}) {
    const MulticastQuery query{true, true, true, users};
    const auto reads_before = kernel->reads;
    auto first = reader->shared_multicast(query);
    REQUIRE(first.ok());
    const auto reads_first = kernel->reads;
    auto second = reader->shared_multicast(query);
    REQUIRE(second.ok());
    CHECK(first->get() == second->get());
    CHECK(**second == fresh_read(kernel, query));
    for (const char* name : kFiles) {
      CAPTURE(name);
      const int by_first = reads_first.at(name) - (reads_before.contains(name) ? reads_before.at(name) : 0);
      CHECK(by_first == 1);
      CHECK(kernel->reads[name] - reads_first.at(name) == 1);  // the second call read all the first did
    }
    // multicast() is a copy of the same.
    auto copied = reader->multicast(query);
    REQUIRE(copied.ok());
    CHECK(*copied == **first);
  }
}

TEST_CASE("multicast memo: a line less in any one file gives what a new reader makes of the bytes") {
  for (const bool users : {false, true}) {
    for (const char* file : kFiles) {
      CAPTURE(users);
      CAPTURE(file);
      auto kernel = FakeKernel::captured();
      auto reader = make_linux_reader(kDir, source_of(kernel));
      const MulticastQuery query{true, true, true, users};
      auto before = reader->shared_multicast(query);
      REQUIRE(before.ok());
      kernel->files[file] = without_last_line(kernel->files[file]);
      auto after = reader->shared_multicast(query);
      REQUIRE(after.ok());
      CHECK(**after == fresh_read(kernel, query));
      // The group files' last lines are groups, so the snapshot shows it.
      if (std::string(file) == "igmp" || std::string(file) == "igmp6" || std::string(file) == "dev_mcast") {
        CHECK(**after != **before);
      }
      // And the next read of the changed bytes is the memo's again.
      auto again = reader->shared_multicast(query);
      REQUIRE(again.ok());
      CHECK(again->get() == after->get());
    }
  }
}

TEST_CASE("multicast memo: inet6 groups by dump are reused across sequence numbers, not across a change") {
  auto kernel = FakeKernel::captured();
  // No IPv6 source filter and no users asked for: the reader takes the inet6 groups from the dump.
  kernel->files["mcfilter6"] = kernel->files["mcfilter6"].substr(0, kernel->files["mcfilter6"].find('\n') + 1);
  auto reader = make_linux_reader(kDir, source_of(kernel));
  const MulticastQuery query{};
  auto first = reader->shared_multicast(query);
  REQUIRE(first.ok());
  REQUIRE(kernel->reads["dump"] == 1);
  // The dump path served (every ifindex of the dump is named in the procfs rows): no igmp6 read.
  REQUIRE(kernel->reads["igmp6"] == 0);
  auto second = reader->shared_multicast(query);
  REQUIRE(second.ok());
  CHECK(kernel->reads["dump"] == 2);
  CHECK(second->get() == first->get());

  // A message less: a new snapshot, still from the dump.
  kernel->inet6_dump->resize(test::message_offsets(*kernel->inet6_dump).back());
  auto third = reader->shared_multicast(query);
  REQUIRE(third.ok());
  CHECK(third->get() != first->get());
  CHECK(**third == fresh_read(kernel, query));
  CHECK(**third != **first);
  CHECK(kernel->reads["igmp6"] == 0);

  // The dump fails: /proc/net/igmp6 serves instead, as without a memo.
  kernel->inet6_dump.reset();
  auto fourth = reader->shared_multicast(query);
  REQUIRE(fourth.ok());
  CHECK(kernel->reads["igmp6"] == 1);
  CHECK(**fourth == fresh_read(kernel, query));
}

TEST_CASE("multicast memo: another query, a file that no longer parses, a failed read") {
  auto kernel = FakeKernel::captured();
  auto reader = make_linux_reader(kDir, source_of(kernel));
  auto counts = reader->shared_multicast({true, true, true, false});
  REQUIRE(counts.ok());
  auto detail = reader->shared_multicast({true, true, true, true});
  REQUIRE(detail.ok());
  CHECK(detail->get() != counts->get());
  CHECK(**detail == fresh_read(kernel, {true, true, true, true}));
  auto inet_only = reader->shared_multicast({true, false, false, true});
  REQUIRE(inet_only.ok());
  CHECK(**inet_only == fresh_read(kernel, {true, false, false, true}));

  // Bytes that do not parse are an error, not the last snapshot.
  const std::string good = kernel->files["igmp"];
  kernel->files["igmp"] += "not a line of /proc/net/igmp\n";
  CHECK_FALSE(reader->shared_multicast({true, false, false, true}).ok());
  kernel->files["igmp"] = good;
  auto restored = reader->shared_multicast({true, false, false, true});
  REQUIRE(restored.ok());
  CHECK(**restored == **inet_only);

  // A file that cannot be read is an error too.
  kernel->files.erase("dev_mcast");
  CHECK_FALSE(reader->shared_multicast({true, true, true, true}).ok());
}
