// Instructions per scrape, deterministically: the default collectors, the text serializer and
// gzip, run on a recorded kernel snapshot (bench/snapshot/<N>/, written by kernel_floor) through
// a fixed reader, so no system call and no kernel state enters the count.
//
//   valgrind --tool=callgrind --collect-atstart=no replay DIR SCRAPES
// Collection is switched on (CALLGRIND_TOGGLE_COLLECT) only around the SCRAPES scrapes; parsing
// the recorded bytes into snapshots happens before, outside the count. Without valgrind it
// prints wall time per scrape, which is only indicative.

#include <valgrind/callgrind.h>
#include <zlib.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "server/content_encoding.h"
#include "collector/exposition_text.h"
#include "collector/collector.h"
#include "collector/scrape.h"
#include "platform/linux/link_dump_parser.h"
#include "platform/linux/procfs_mcast_parser.h"
#include "platform/linux/qdisc_dump_parser.h"
#include "platform/reader.h"

namespace {

using namespace ifmib;

// Reads DIR/NAME.bin.gz (as committed) or DIR/NAME.bin (as kernel_floor writes it).
std::string load(const std::string& dir, const std::string& name) {
  gzFile f = gzopen((dir + "/" + name + ".bin.gz").c_str(), "rb");
  if (!f) f = gzopen((dir + "/" + name + ".bin").c_str(), "rb");
  if (!f) {
    std::fprintf(stderr, "replay: cannot open %s/%s.bin[.gz]\n", dir.c_str(), name.c_str());
    std::exit(1);
  }
  std::string out;
  char buf[1 << 16];
  for (int n; (n = gzread(f, buf, sizeof buf)) > 0;) out.append(buf, static_cast<std::size_t>(n));
  gzclose(f);
  return out;
}

template <class T>
T must(Result<T> r, const char* what) {
  if (!r) {
    std::fprintf(stderr, "replay: %s: %s\n", what, r.error().text().c_str());
    std::exit(1);
  }
  return std::move(*r);
}

std::span<const std::uint8_t> bytes(const std::string& s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

// Serves the recorded snapshot. Copies out on every call, as the real reader builds fresh
// vectors on every scrape.
class RecordedReader final : public platform::Reader {
 public:
  explicit RecordedReader(const std::string& dir) {
    links_ = must(platform::netlink::parse_link_dump(bytes(load(dir, "rtm_getlink"))), "link dump");
    for (const auto& row : links_) {
      platform::Interface i = row.interface;
      i.tx_queue_length = row.txqlen;
      i.driver = row.kind;  // the real reader asks ethtool (cached) first
      interfaces_.push_back(std::move(i));
    }
    const auto qdiscs = must(platform::netlink::parse_qdisc_dump(bytes(load(dir, "rtm_getqdisc"))), "qdisc dump");
    queues_ = platform::netlink::send_queues_from(qdiscs, links_, platform::SendQueueQuery{});
    platform::procfs::ProcfsMulticastRows rows;
    rows.igmp = must(platform::procfs::parse_igmp(load(dir, "proc_net_igmp")), "igmp");
    rows.igmp6 = must(platform::procfs::parse_igmp6(load(dir, "proc_net_igmp6")), "igmp6");
    rows.mcfilter = must(platform::procfs::parse_mcfilter(load(dir, "proc_net_mcfilter")), "mcfilter");
    rows.mcfilter6 = must(platform::procfs::parse_mcfilter6(load(dir, "proc_net_mcfilter6")), "mcfilter6");
    rows.dev_mcast = must(platform::procfs::parse_dev_mcast(load(dir, "proc_net_dev_mcast")), "dev_mcast");
    platform::MulticastQuery all;
    all.users = true;
    multicast_ = platform::procfs::to_multicast_snapshot(rows, all);
  }
  Result<std::vector<platform::Interface>> interfaces() override { return interfaces_; }
  Result<std::vector<platform::SendQueue>> send_queues(const platform::SendQueueQuery&) override {
    return queues_;
  }
  Result<platform::MulticastSnapshot> multicast(const platform::MulticastQuery&) override {
    return multicast_;
  }
  Result<platform::ProcessStats> process() override {
    return platform::ProcessStats{1.5, 8u << 20, 64u << 20, 12, 1024, 1.7e9};
  }
  std::size_t interface_count() const { return interfaces_.size(); }
  std::size_t group_count() const { return multicast_.groups.size(); }

 private:
  std::vector<platform::netlink::LinkRow> links_;
  std::vector<platform::Interface> interfaces_;
  std::vector<platform::SendQueue> queues_;
  platform::MulticastSnapshot multicast_;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: replay SNAPSHOT_DIR [SCRAPES]\n");
    return 2;
  }
  const int scrapes = argc > 2 ? std::max(1, std::atoi(argv[2])) : 5;
  auto reader = std::make_shared<RecordedReader>(argv[1]);
  std::vector<std::string> enabled;
  for (const auto& info : collector::all_collectors()) {
    if (info.default_enabled) enabled.emplace_back(info.name);
  }
  collector::Options options{collector::DeviceFilter{}, platform::MulticastQuery{}, false};
  collector::Scraper scraper(enabled, options, reader, true,
                             [] { return std::map<int, std::uint64_t>{{200, 1}}; });

  std::size_t text_bytes = 0, gzip_bytes = 0;
  std::string last_body;
  const auto t0 = std::chrono::steady_clock::now();
  CALLGRIND_TOGGLE_COLLECT;
  for (int k = 0; k < scrapes; ++k) {
    const auto families = scraper.scrape({});
    std::string body = collector::exposition_text(families);
    const std::string compressed = server::gzip(body);
    text_bytes = body.size();
    gzip_bytes = compressed.size();
    if (k + 1 == scrapes) last_body = std::move(body);
  }
  CALLGRIND_TOGGLE_COLLECT;
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  std::printf("replay interfaces %zu groups %zu scrapes %d text_bytes %zu gzip_bytes %zu wall_ms_per_scrape %.3f\n",
              reader->interface_count(), reader->group_count(), scrapes, text_bytes, gzip_bytes, ms / scrapes);
  // REPLAY_TEXT_OUT=FILE keeps the served text, for bench/compress.cpp.
  if (const char* path = std::getenv("REPLAY_TEXT_OUT")) {
    std::ofstream(path, std::ios::binary) << last_body;
  }
  return 0;
}
