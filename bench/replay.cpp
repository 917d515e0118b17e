// Instructions per scrape, deterministically: the Linux reader (parsing and joining the dumps), the
// collectors, the text serializer and gzip as the server serves a gzip scrape (family parts,
// server/gzip_cache.h), run on a recorded kernel snapshot (bench/snapshot/<N>/, written by
// kernel_floor): the ordinary Linux reader is given the recorded bytes instead of the
// kernel's (LinuxSource), so no system call and no kernel state enters the count.
//
//   valgrind --tool=callgrind --collect-atstart=no replay DIR SCRAPES [COLLECT]
// COLLECT: comma-separated collect[] names (e.g. "ifmib" or "send_queue"); default: every
// default collector, as a plain /metrics scrape. One scrape runs first, outside the count, so that
// the reader's caches are warm as in a running exporter; collection is switched on
// (CALLGRIND_TOGGLE_COLLECT) only around the SCRAPES scrapes after it. Without valgrind it prints
// wall time per scrape, which is only indicative. REPLAY_GZIP=kept|fresh and REPLAY_EVICT=MiB:
// see main().

#include <linux/rtnetlink.h>
#include <malloc.h>
#include <sys/socket.h>
#include <valgrind/callgrind.h>
#include <zlib.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "server/content_encoding.h"
#include "server/gzip_cache.h"
#include "cmd/family_parts.h"
#include "collector/collector.h"
#include "collector/scrape.h"
#include "platform/linux/linux_reader.h"
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

std::vector<std::uint8_t> load_bytes(const std::string& dir, const std::string& name) {
  const std::string s = load(dir, name);
  return {s.begin(), s.end()};
}

// The recorded reads, served to the Linux reader by request: dumps by type and family,
// procfs files by name. Ethtool answers nothing (the recording has no ioctl replies), so drivers
// come from the link kind, as for virtual links on a real system; no link change is announced,
// so a send-queue-only scrape names its queues from the name cache, as in a steady state.
platform::LinuxSource recorded_source(const std::string& dir) {
  auto dumps = std::make_shared<std::map<std::pair<std::uint16_t, std::uint8_t>, std::vector<std::uint8_t>>>();
  (*dumps)[{RTM_GETLINK, AF_UNSPEC}] = load_bytes(dir, "rtm_getlink");
  (*dumps)[{RTM_GETQDISC, AF_UNSPEC}] = load_bytes(dir, "rtm_getqdisc");
  (*dumps)[{RTM_GETMULTICAST, AF_INET}] = load_bytes(dir, "rtm_getmulticast_inet");
  (*dumps)[{RTM_GETMULTICAST, AF_INET6}] = load_bytes(dir, "rtm_getmulticast_inet6");
  auto files = std::make_shared<std::map<std::string, std::string>>();
  for (const char* name : {"igmp", "igmp6", "mcfilter", "mcfilter6", "dev_mcast"}) {
    (*files)[std::string("/proc/net/") + name] = load(dir, std::string("proc_net_") + name);
  }
  platform::LinuxSource source;
  source.dump = [dumps](const platform::netlink::DumpRequest& r) -> Result<platform::netlink::DumpBytes> {
    const auto it = dumps->find({r.type, r.family});
    if (it == dumps->end()) return Error::invalid("replay", "no recorded dump for " + r.label);
    return platform::netlink::DumpBytes(it->second);  // a copy, as the kernel's are
  };
  source.read_file = [files](const std::string& path) -> Result<std::string> {
    const auto it = files->find(path);
    if (it == files->end()) return Error::invalid("replay", "no recorded file " + path);
    return it->second;
  };
  source.ethtool = [](const std::string&) { return platform::netlink::EthtoolInfo{}; };
  // A recording does not change: no link is ever announced.
  struct Quiet final : platform::netlink::LinkEvents {
    Result<bool> drain() override { return false; }
  };
  source.link_events = []() -> Result<std::unique_ptr<platform::netlink::LinkEvents>> {
    return std::unique_ptr<platform::netlink::LinkEvents>(std::make_unique<Quiet>());
  };
  return source;
}

// The Linux reader over the recorded source; only the process statistics are fixed (they
// describe the replay process, not the recording). `fresh_multicast`: every multicast read by a
// new Linux reader, so that nothing made from the last read's bytes is reused (the worst case, as
// on a host whose groups changed since the last scrape); otherwise one reader throughout, which
// hands out the snapshot it made from the same bytes before (a host where nothing moved).
class RecordedReader final : public platform::Reader {
 public:
  RecordedReader(const std::string& dir, bool fresh_multicast)
      : source_(recorded_source(dir)), inner_(platform::make_linux_reader("/proc/net", source_)),
        fresh_multicast_(fresh_multicast) {}
  Result<std::vector<platform::Interface>> interfaces() override { return inner_->interfaces(); }
  Result<std::vector<platform::SendQueue>> send_queues(const platform::SendQueueQuery& q) override {
    return inner_->send_queues(q);
  }
  Result<std::vector<platform::SendQueue>> send_queues_of(const std::vector<platform::Interface>& interfaces,
                                                                    const platform::SendQueueQuery& q) override {
    return inner_->send_queues_of(interfaces, q);
  }
  Result<platform::MulticastSnapshot> multicast(const platform::MulticastQuery& q) override {
    return multicast_reader().multicast(q);
  }
  Result<std::shared_ptr<const platform::MulticastSnapshot>> shared_multicast(const platform::MulticastQuery& q) override {
    return multicast_reader().shared_multicast(q);
  }
  Result<platform::ProcessStats> process() override {
    return platform::ProcessStats{1.5, 8u << 20, 64u << 20, 12, 1024, 1.7e9};
  }

 private:
  platform::Reader& multicast_reader() {
    if (!fresh_multicast_) return *inner_;
    fresh_ = platform::make_linux_reader("/proc/net", source_);
    return *fresh_;
  }

  platform::LinuxSource source_;
  std::unique_ptr<platform::Reader> inner_;
  bool fresh_multicast_;
  std::unique_ptr<platform::Reader> fresh_;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: replay SNAPSHOT_DIR [SCRAPES] [COLLECT,...]\n");
    return 2;
  }
  // The exporter's malloc settings (cmd/main.cpp tune_malloc), so that the wall time printed
  // without valgrind is not a page fault per fresh buffer, as the exporter's is not.
  mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);
  mallopt(M_TRIM_THRESHOLD, 64 * 1024 * 1024);
  mallopt(M_ARENA_MAX, 1);
  const int scrapes = argc > 2 ? std::max(1, std::atoi(argv[2])) : 5;
  // REPLAY_GZIP (below) says which case: kept reuses the multicast snapshot too, fresh does not.
  const char* gzip_mode = std::getenv("REPLAY_GZIP");
  const bool kept = gzip_mode && std::string(gzip_mode) == "kept";
  auto reader = std::make_shared<RecordedReader>(argv[1], !kept);
  std::vector<std::string> enabled;
  for (const auto& info : collector::all_collectors()) {
    if (info.default_enabled) enabled.emplace_back(info.name);
  }
  collector::Options options{collector::DeviceFilter{}, platform::MulticastQuery{}, false};
  collector::Scraper scraper(enabled, options, reader, true,
                             [] { return std::map<int, std::uint64_t>{{200, 1}}; });
  collector::Selection selection;
  if (argc > 3) {
    std::string list = argv[3];
    for (std::size_t from = 0; from <= list.size();) {
      const std::size_t comma = std::min(list.find(',', from), list.size());
      if (comma > from) selection.include.push_back(list.substr(from, comma - from));
      from = comma + 1;
    }
  }
  // REPLAY_GZIP=kept: one GzipCache over every scrape, as the server keeps it; the replayed
  // snapshot never changes, so each scrape after the first reuses every family's piece but those
  // of the exporter's own metrics, and the multicast snapshot made from the same bytes (the best
  // case: a host where no counter moved). Default (fresh): a new GzipCache per scrape, every
  // family compressed, the multicast files parsed (the worst case: everything changed since the
  // last scrape).
  server::GzipCache cache(server::deflate_piece);
  std::size_t series = 0;
  {
    const auto families = scraper.scrape(selection);  // warm-up, not counted
    for (const auto& f : families) series += f.samples.size();
    (void)cache.gzip(cmd::family_parts(collector::Families(families)));
  }

  std::size_t gzip_bytes = 0;
  server::BodyParts last_parts;
  CALLGRIND_TOGGLE_COLLECT;
  // REPLAY_EVICT=MiB: before each scrape, outside the figure below, write that much memory, so
  // that every scrape starts with its data out of the caches, as a scrape in the bench rotation
  // does after the other processes' turns (a bound on what a smaller working set could gain).
  const char* evict_env = std::getenv("REPLAY_EVICT");
  // Ignored under valgrind, whose count it would only add to.
  std::vector<char> evict(evict_env && !RUNNING_ON_VALGRIND ? static_cast<std::size_t>(std::max(0, std::atoi(evict_env))) << 20 : 0);
  double scrape_ms = 0;
  for (int k = 0; k < scrapes; ++k) {
    for (std::size_t b = 0; b < evict.size(); b += 64) evict[b] = static_cast<char>(evict[b] + k);
    const auto s0 = std::chrono::steady_clock::now();
    // As the server serves a gzip scrape (cmd/routes.cpp, server/http_server.cpp): the families
    // as parts, compressed where they changed.
    server::BodyParts parts = cmd::family_parts(scraper.scrape(selection));
    server::GzipCache fresh(server::deflate_piece);
    gzip_bytes = (kept ? cache : fresh).gzip(parts).size();
    scrape_ms += std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - s0).count();
    if (k + 1 == scrapes) last_parts = std::move(parts);
  }
  CALLGRIND_TOGGLE_COLLECT;
  const std::string last_body = server::body_text(last_parts);
  const std::size_t text_bytes = last_body.size();
  std::printf("replay series %zu scrapes %d text_bytes %zu gzip_bytes %zu wall_ms_per_scrape %.3f\n", series, scrapes,
              text_bytes, gzip_bytes, scrape_ms / scrapes);
  // REPLAY_TEXT_OUT=FILE keeps the served text, for bench/compress.cpp.
  if (const char* path = std::getenv("REPLAY_TEXT_OUT")) {
    std::ofstream(path, std::ios::binary) << last_body;
  }
  return 0;
}
