// process_* numbers from /proc/self/stat, /proc/stat and RLIMIT_NOFILE, and the whole-file procfs read.

#include "platform/linux/process_stats.h"

#include <doctest/doctest.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>

#include "platform/linux/procfs_file.h"
#include "tests/support/fixtures.h"

namespace {

using namespace ifmib;
using namespace ifmib::platform;
using namespace ifmib::platform::procfs;
using ifmib::test::read_fixture_text;

// A /proc/self/stat line whose comm is "a) (b": fields 14/15 utime/stime, 22 starttime, 23 vsize, 24 rss.
const std::string kStat =
    "42 (a) (b) S 1 42 42 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 3 0 1000 1048576 256 "
    "18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n";
// The soft "Max open files" of /proc/self/limits, read by the test itself: the file the Prometheus
// Go client reads, an independent source for the getrlimit() the reader uses.
std::optional<std::string> soft_open_files_in_proc_limits() {
  std::ifstream limits("/proc/self/limits");
  for (std::string line; std::getline(limits, line);) {
    if (line.rfind("Max open files", 0) != 0) continue;
    std::istringstream fields(line.substr(std::string("Max open files").size()));
    std::string soft;
    fields >> soft;
    return soft;
  }
  return std::nullopt;
}

}  // namespace

TEST_CASE("process stats: captured files, comm with spaces and ')'") {
  // Captured from a process whose comm was set to "x) (y z)"; see fixtures/linux/README.md.
  // Fields read by hand from the text: utime 7, stime 4, starttime 118289, vsize 16961536,
  // rss 3332 pages; btime 1795585549.
  const auto boot = parse_boot_time(read_fixture_text("linux/proc_stat.txt"));
  REQUIRE(boot);
  CHECK(*boot == 1795585549.0);
  const auto s =
      parse_process_stats(read_fixture_text("linux/proc_self_stat_hostile_comm.txt"), 100, 4096, *boot, 9, 20000);
  REQUIRE(s);
  CHECK(s->cpu_seconds == doctest::Approx(0.11));
  CHECK(s->virtual_memory_bytes == 16961536u);
  CHECK(s->resident_memory_bytes == 3332u * 4096u);
  CHECK(s->open_fds == 9u);
  CHECK(s->max_fds == 20000u);
  CHECK(s->start_time_seconds == doctest::Approx(1795585549.0 + 1182.89));
}

TEST_CASE("process stats: synthetic line, unlimited open files") {
  const auto s = parse_process_stats(kStat, 100, 4096, 1000.0, 5, 1024);
  REQUIRE(s);
  CHECK(s->cpu_seconds == doctest::Approx(3.0));
  CHECK(s->virtual_memory_bytes == 1048576u);
  CHECK(s->resident_memory_bytes == 256u * 4096u);
  CHECK(s->max_fds == 1024u);
  CHECK(s->start_time_seconds == doctest::Approx(1010.0));

  const auto unlimited = parse_process_stats(kStat, 100, 4096, 0, 5, std::nullopt);
  REQUIRE(unlimited);
  CHECK_FALSE(unlimited->max_fds.has_value());
}

TEST_CASE("process stats: malformed input is an error") {
  CHECK_FALSE(parse_process_stats("42 a S 1 2 3\n", 100, 4096, 0, 0, 1024));
  CHECK_FALSE(parse_process_stats("42 (a) S 1 2 3\n", 100, 4096, 0, 0, 1024));
  CHECK_FALSE(parse_process_stats(kStat, 0, 4096, 0, 0, 1024));
  std::string bad_rss = kStat;
  bad_rss.replace(bad_rss.find(" 256 "), 5, " x56 ");
  const auto r = parse_process_stats(bad_rss, 100, 4096, 0, 0, 1024);
  REQUIRE_FALSE(r);
  CHECK(r.error().context == "parse /proc/self/stat");
  CHECK_FALSE(parse_boot_time("cpu  1 2 3\n"));
  CHECK_FALSE(parse_boot_time("btime x\n"));
}

TEST_CASE("process stats: read from this process") {
  const auto s = read_process_stats();
  REQUIRE_MESSAGE(s, s.error().text());
  const auto soft = soft_open_files_in_proc_limits();
  REQUIRE(soft);
  if (*soft == "unlimited") {
    CHECK_FALSE(s->max_fds.has_value());
  } else {
    CHECK(s->max_fds == std::stoull(*soft));
  }
  CHECK(s->open_fds >= 3u);
  CHECK(s->resident_memory_bytes > 0u);
  CHECK(s->virtual_memory_bytes >= s->resident_memory_bytes);
  CHECK(s->start_time_seconds <= static_cast<double>(std::time(nullptr)) + 1);
  CHECK(s->start_time_seconds > 1e9);

  // One more open descriptor shows up in the count.
  std::FILE* extra = std::fopen("/proc/self/stat", "r");
  REQUIRE(extra);
  const auto more = read_process_stats();
  std::fclose(extra);
  REQUIRE(more);
  CHECK(more->open_fds == s->open_fds + 1);
  // The boot time is read once; the start time stays what the kernel's files give.
  CHECK(more->start_time_seconds == s->start_time_seconds);
  std::ifstream proc_stat("/proc/stat");
  double btime = 0;
  for (std::string word; proc_stat >> word;) {
    if (word == "btime" && proc_stat >> btime) break;
  }
  std::ifstream self_stat("/proc/self/stat");
  std::string line;
  std::getline(self_stat, line);
  std::istringstream after_comm(line.substr(line.rfind(')') + 2));
  std::string field;
  for (int number = 3; number <= 22 && after_comm >> field; ++number) {}  // field 22: starttime
  CHECK(s->start_time_seconds ==
        doctest::Approx(btime + std::stod(field) / static_cast<double>(::sysconf(_SC_CLK_TCK))).epsilon(1e-12));
}

TEST_CASE("process stats: a lowered open-file limit shows as /proc/self/limits shows it") {
  rlimit before{};
  REQUIRE(::getrlimit(RLIMIT_NOFILE, &before) == 0);
  // Below what the test process needs is not the point: just a value no default has.
  const rlim_t lowered = before.rlim_cur == RLIM_INFINITY || before.rlim_cur > 777 ? 777 : before.rlim_cur - 1;
  rlimit changed = before;
  changed.rlim_cur = lowered;
  REQUIRE(::setrlimit(RLIMIT_NOFILE, &changed) == 0);
  const auto s = read_process_stats();
  const auto soft = soft_open_files_in_proc_limits();
  REQUIRE(::setrlimit(RLIMIT_NOFILE, &before) == 0);
  REQUIRE_MESSAGE(s, s.error().text());
  REQUIRE(soft);
  CHECK(*soft == std::to_string(lowered));
  CHECK(s->max_fds == static_cast<std::uint64_t>(lowered));
}

TEST_CASE("procfs file: reads whole files, small and larger than the first buffer") {
  const auto stat = read_proc_file("/proc/self/stat");
  REQUIRE(stat);
  CHECK(stat->find(')') != std::string::npos);
  CHECK(stat->back() == '\n');

  char name[] = "/tmp/ifmib_procfs_file_XXXXXX";
  const int fd = ::mkstemp(name);
  REQUIRE(fd >= 0);
  ::close(fd);
  std::string big;
  for (int i = 0; big.size() < 700 * 1024; ++i) big += "line " + std::to_string(i) + "\n";
  std::ofstream(name, std::ios::binary) << big;
  const auto got = read_proc_file(name);
  REQUIRE(got);
  CHECK(got->size() == big.size());
  CHECK(*got == big);

  // The next read of a path starts from the size it had (a hint): past it the buffer grows as
  // before, and a file that shrank is read as it is now.
  const std::string bigger = big + big + "tail\n";
  std::ofstream(name, std::ios::binary | std::ios::trunc) << bigger;
  const auto grown = read_proc_file(name);
  REQUIRE(grown);
  CHECK(*grown == bigger);
  std::ofstream(name, std::ios::binary | std::ios::trunc) << "short\n";
  const auto shrunk = read_proc_file(name);
  std::remove(name);
  REQUIRE(shrunk);
  CHECK(*shrunk == "short\n");
}

TEST_CASE("procfs file: a missing file names the path and errno") {
  const auto r = read_proc_file("/proc/net/ifmib-no-such-file");
  REQUIRE_FALSE(r);
  CHECK(r.error().sys_errno == ENOENT);
  CHECK(r.error().context == "open /proc/net/ifmib-no-such-file");
}
