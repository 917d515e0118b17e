// Gzip alternatives on the text the exporter serves (bench/replay.cpp writes it with
// REPLAY_TEXT_OUT): zlib, libdeflate's one-shot compressor and ISA-L's igzip at several levels,
// and the server's GzipCache (server/gzip_cache.h: a piece per family, unchanged families
// reused) in three cases: every family compressed (a new cache each time), nothing changed since
// the last response, and a busy host's scrape (the byte and packet counters of every interface
// changed, the rest not). Prints CPU time per compression (median of RUNS, this thread's CPU
// clock), output bytes, and each one's CPU relative to zlib level 1.
//   compress TEXT_FILE [RUNS]
#include <isa-l/igzip_lib.h>
#include <libdeflate.h>
#include <zlib.h>

#include "server/content_encoding.h"
#include "server/gzip_cache.h"
#include "tests/support/text_parts.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <functional>
#include <iterator>
#include <string>
#include <vector>

namespace {

double thread_cpu_ms() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

// zlib with the gzip wrapper (windowBits 15 + 16, memLevel 8).
std::size_t zlib_gzip(const std::string& text, int level, std::string& out) {
  z_stream z{};
  if (deflateInit2(&z, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) std::abort();
  out.resize(deflateBound(&z, text.size()));
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  z.avail_in = static_cast<uInt>(text.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  if (deflate(&z, Z_FINISH) != Z_STREAM_END) std::abort();
  const std::size_t n = z.total_out;
  deflateEnd(&z);
  return n;
}

std::size_t libdeflate_gzip(const std::string& text, int level, std::string& out) {
  libdeflate_compressor* c = libdeflate_alloc_compressor(level);
  if (!c) std::abort();
  out.resize(libdeflate_gzip_compress_bound(c, text.size()));
  const std::size_t n = libdeflate_gzip_compress(c, text.data(), text.size(), out.data(), out.size());
  libdeflate_free_compressor(c);
  if (n == 0) std::abort();
  return n;
}

// ISA-L's igzip, one stream with the gzip wrapper: the one-shot gzip the server made before
// server/gzip_cache.h.
std::size_t isal_gzip(const std::string& text, int level, std::string& out) {
  static const std::size_t level_buffer_sizes[] = {ISAL_DEF_LVL0_DEFAULT, ISAL_DEF_LVL1_DEFAULT,
                                                  ISAL_DEF_LVL2_DEFAULT, ISAL_DEF_LVL3_DEFAULT};
  std::vector<std::uint8_t> level_buffer(level_buffer_sizes[level]);
  isal_zstream z;
  isal_deflate_init(&z);
  z.level = static_cast<std::uint32_t>(level);
  z.level_buf = level_buffer.data();
  z.level_buf_size = static_cast<std::uint32_t>(level_buffer.size());
  z.gzip_flag = IGZIP_GZIP;
  z.end_of_stream = 1;
  z.flush = NO_FLUSH;
  out.resize(text.size() + text.size() / 8 + 1024);
  z.next_in = reinterpret_cast<std::uint8_t*>(const_cast<char*>(text.data()));
  z.avail_in = static_cast<std::uint32_t>(text.size());
  z.next_out = reinterpret_cast<std::uint8_t*>(out.data());
  z.avail_out = static_cast<std::uint32_t>(out.size());
  if (isal_deflate(&z) != COMP_OK || z.internal_state.state != ZSTATE_END) std::abort();
  return z.total_out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: compress TEXT_FILE [RUNS]\n");
    return 2;
  }
  std::ifstream in(argv[1], std::ios::binary);
  const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  if (text.empty()) {
    std::fprintf(stderr, "compress: %s is empty\n", argv[1]);
    return 1;
  }
  const int runs = argc > 2 ? std::max(3, std::atoi(argv[2])) : 21;
  struct Candidate {
    std::string name;
    std::function<std::size_t(const std::string&, std::string&)> run;
  };
  std::vector<Candidate> candidates;
  for (int level : {1, 2, 6}) {
    candidates.push_back({"zlib " + std::to_string(level),
                          [level](const std::string& t, std::string& o) { return zlib_gzip(t, level, o); }});
  }
  for (int level : {1, 2, 6}) {
    candidates.push_back({"libdeflate " + std::to_string(level),
                          [level](const std::string& t, std::string& o) { return libdeflate_gzip(t, level, o); }});
  }
  for (int level : {0, 1, 2, 3}) {
    candidates.push_back({"isa-l " + std::to_string(level),
                          [level](const std::string& t, std::string& o) { return isal_gzip(t, level, o); }});
  }
  // The same text with every value of the byte and packet counters changed (a digit appended).
  std::string busy;
  for (std::size_t at = 0; at < text.size();) {
    const std::size_t end = std::min(text.find('\n', at), text.size());
    const std::string_view line(text.data() + at, end - at);
    busy += line;
    for (const char* name : {"ifmib_receive_bytes_total{", "ifmib_transmit_bytes_total{",
                             "ifmib_receive_packets_total{", "ifmib_transmit_packets_total{"}) {
      if (line.starts_with(name)) busy += '7';
    }
    busy += '\n';
    at = end + 1;
  }
  // The server's GzipCache on the text cut into parts at each family (tests/support/text_parts),
  // made before the timing. These parts compare their text; the server's compare the families'
  // samples and write no text for an unchanged one (bench/replay.cpp measures that path).
  static const ifmib::server::BodyParts parts = ifmib::test::text_parts(text);
  static const ifmib::server::BodyParts busy_parts = ifmib::test::text_parts(busy);
  candidates.push_back({"cache fresh", [](const std::string&, std::string& o) {
                          ifmib::server::GzipCache cache(ifmib::server::deflate_piece);
                          o = cache.gzip(parts);
                          return o.size();
                        }});
  static ifmib::server::GzipCache kept(ifmib::server::deflate_piece);
  (void)kept.gzip(parts);
  candidates.push_back({"cache same", [](const std::string&, std::string& o) {
                          o = kept.gzip(parts);
                          return o.size();
                        }});
  // Alternating between the text and its busy variant: the four counter families always changed.
  static ifmib::server::GzipCache alternating(ifmib::server::deflate_piece);
  static bool flip = false;
  candidates.push_back({"cache busy", [](const std::string&, std::string& o) {
                          flip = !flip;
                          o = alternating.gzip(flip ? busy_parts : parts);
                          return o.size();
                        }});
  std::printf("text %zu bytes, %d runs each\n", text.size(), runs);
  std::printf("%-14s %10s %12s %8s %12s\n", "gzip", "cpu_ms", "bytes", "ratio", "cpu_vs_zlib1");
  double zlib1 = 0;
  std::string out;
  for (const auto& c : candidates) {
    std::vector<double> ms;
    std::size_t bytes = 0;
    for (int r = 0; r < runs; ++r) {
      const double t0 = thread_cpu_ms();
      bytes = c.run(text, out);
      ms.push_back(thread_cpu_ms() - t0);
    }
    std::sort(ms.begin(), ms.end());
    const double median = ms[ms.size() / 2];
    if (zlib1 == 0) zlib1 = median;
    std::printf("%-14s %10.3f %12zu %7.1fx %11.2fx\n", c.name.c_str(), median, bytes,
                static_cast<double>(text.size()) / static_cast<double>(bytes), median / zlib1);
  }
  return 0;
}
