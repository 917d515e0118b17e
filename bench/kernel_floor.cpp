// The kernel floor of one scrape: the CPU time (getrusage, user + system) of the reads the
// exporter makes, done with nothing on top: one NETLINK_ROUTE socket kept open, each dump
// received straight into a buffer kept from the last, no parsing; the /proc/net multicast files
// read whole in 256 KiB chunks as platform/linux/procfs_file.cpp does. Each read lands in a
// buffer kept from the previous repetition: a fresh one costs a page fault per 4 KiB, which on
// this kind of VM made the RTM_GETLINK "floor" 12 ms at 1000 interfaces where the kernel's own
// work is 1.3 ms. Also the RTM_GETMULTICAST dumps the exporter does not (yet) use, to compare
// them with the procfs files.
//
//   kernel_floor [REPS] [RECORD_DIR]
// prints "read <name> cpu_ms <median> wall_ms <median> bytes <n>" per read, medians over REPS
// (default 20), each repetition right after the last: the hot floor. With RECORD_DIR, also writes
// each read's raw bytes there (bench/replay uses them).
//
//   kernel_floor serve
// reads one line per request from stdin, the names of the reads to make (space-separated, as
// printed above), makes each once and answers "cpu_ms <getrusage delta of those reads>". Run so by
// bench/scrape.py as one more target in its rotation, the reads meet the same cache state, idle
// time and neighbours as the exporters' scrapes around them. A read made after a pause costs
// about three times its hot floor on this kind of VM (RTM_GETQDISC at 1000 interfaces: 0.43 ms
// back to back, 1.42 ms after 50 ms asleep), so an exporter's scrape in the rotation has to be
// held against reads made in the rotation, and back-to-back scrapes against the hot floor.
//
// Standalone on purpose: it must not share code with the product it measures.

#include <fcntl.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace {

double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

[[noreturn]] void die(const char* what) {
  std::perror(what);
  std::exit(1);
}

// The NETLINK_ROUTE socket every dump is made on, opened at the first: the exporter keeps its
// dump sockets open between scrapes (platform/linux/netlink_socket.cpp DumpSockets), so opening
// and closing one per dump is not part of its reads.
int route_socket() {
  static const int fd = [] {
    const int s = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    if (s < 0) die("socket");
    sockaddr_nl local{};
    local.nl_family = AF_NETLINK;
    if (bind(s, reinterpret_cast<sockaddr*>(&local), sizeof local) < 0) die("bind");
    return s;
  }();
  return fd;
}

// One rtnetlink dump into `out` (its buffer kept from the last dump): the reply messages without
// NLMSG_DONE, each datagram received straight into `out`, as the exporter receives them.
// `ext_mask` != 0 adds IFLA_EXT_MASK (RTM_GETLINK only).
void netlink_dump(std::uint16_t type, std::uint8_t family, std::string& out, std::uint32_t ext_mask = 0) {
  static std::uint32_t seq = 0;
  const int fd = route_socket();
  struct {
    nlmsghdr hdr;
    tcmsg body;  // the largest family header of the three; every one starts with the family byte
    rtattr ext_attr;
    std::uint32_t ext_value;
  } req{};
  req.hdr.nlmsg_len = NLMSG_LENGTH(type == RTM_GETLINK ? sizeof(ifinfomsg)
                                   : type == RTM_GETQDISC ? sizeof(tcmsg)
                                                          : sizeof(ifaddrmsg));
  if (ext_mask != 0) {
    // struct ifinfomsg is 16 bytes; the attribute follows it directly.
    auto* attr = reinterpret_cast<rtattr*>(reinterpret_cast<char*>(&req) + req.hdr.nlmsg_len);
    attr->rta_type = IFLA_EXT_MASK;
    attr->rta_len = RTA_LENGTH(sizeof ext_mask);
    std::memcpy(RTA_DATA(attr), &ext_mask, sizeof ext_mask);
    req.hdr.nlmsg_len += RTA_SPACE(sizeof ext_mask);
  }
  req.hdr.nlmsg_type = type;
  req.hdr.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  req.hdr.nlmsg_seq = ++seq;
  req.body.tcm_family = family;
  if (send(fd, &req, req.hdr.nlmsg_len, 0) < 0) die("send");
  constexpr std::size_t kRoom = 1 << 16;
  std::size_t used = 0;
  for (;;) {
    if (out.size() < used + kRoom) out.resize(used + kRoom);  // writes only what it adds
    const ssize_t n = recv(fd, out.data() + used, kRoom, 0);
    if (n < 0) die("recv");
    int left = static_cast<int>(n);
    for (auto* h = reinterpret_cast<nlmsghdr*>(out.data() + used); NLMSG_OK(h, left); h = NLMSG_NEXT(h, left)) {
      if (h->nlmsg_seq != seq) die("netlink dump: a reply to another request");
      if (h->nlmsg_type == NLMSG_DONE) {
        out.resize(static_cast<std::size_t>(reinterpret_cast<char*>(h) - out.data()));
        return;
      }
      if (h->nlmsg_type == NLMSG_ERROR) {
        errno = -static_cast<nlmsgerr*>(NLMSG_DATA(h))->error;
        die("netlink dump");
      }
    }
    used += static_cast<std::size_t>(n);
  }
}

void read_file(const char* path, std::string& data) {
  const int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) die(path);
  if (data.size() < 256 * 1024) data.resize(256 * 1024);
  data.resize(data.capacity());
  std::size_t used = 0;
  for (;;) {
    if (used == data.size()) data.resize(data.size() * 2);
    const ssize_t n = read(fd, data.data() + used, data.size() - used);
    if (n < 0) die(path);
    if (n == 0) break;
    used += static_cast<std::size_t>(n);
  }
  close(fd);
  data.resize(used);
}

struct Read {
  const char* name;
  std::function<void(std::string&)> run;
};

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

const std::vector<Read>& all_reads() {
  static const std::vector<Read> reads = {
      {"rtm_getlink", [](std::string& o) { netlink_dump(RTM_GETLINK, AF_UNSPEC, o); }},
      {"rtm_getqdisc", [](std::string& o) { netlink_dump(RTM_GETQDISC, AF_UNSPEC, o); }},
      // RTEXT_FILTER_SKIP_STATS keeps IFLA_STATS/IFLA_STATS64 and drops the IPv6 statistics in
      // IFLA_AF_SPEC (and VF statistics): the link dump the exporter makes.
      {"rtm_getlink_skip_stats",
       [](std::string& o) { netlink_dump(RTM_GETLINK, AF_UNSPEC, o, RTEXT_FILTER_SKIP_STATS); }},
      {"rtm_getmulticast_inet", [](std::string& o) { netlink_dump(RTM_GETMULTICAST, AF_INET, o); }},
      {"rtm_getmulticast_inet6", [](std::string& o) { netlink_dump(RTM_GETMULTICAST, AF_INET6, o); }},
      {"proc_net_igmp", [](std::string& o) { read_file("/proc/net/igmp", o); }},
      {"proc_net_mcfilter", [](std::string& o) { read_file("/proc/net/mcfilter", o); }},
      {"proc_net_mcfilter6", [](std::string& o) { read_file("/proc/net/mcfilter6", o); }},
      {"proc_net_dev_mcast", [](std::string& o) { read_file("/proc/net/dev_mcast", o); }},
      {"proc_net_igmp6", [](std::string& o) { read_file("/proc/net/igmp6", o); }},
  };
  return reads;
}

// `kernel_floor serve`: see the top of the file. Each read keeps its buffer between requests, as
// the repetitions below do and as the exporter keeps its own.
int serve() {
  const auto& reads = all_reads();
  std::vector<std::string> buffers(reads.size());
  std::string line;
  for (int c = std::getchar(); c != EOF; c = std::getchar()) {
    if (c != '\n') {
      line.push_back(static_cast<char>(c));
      continue;
    }
    std::vector<std::size_t> wanted;
    for (std::size_t start = 0; start < line.size();) {
      std::size_t end = line.find(' ', start);
      if (end == std::string::npos) end = line.size();
      const std::string name = line.substr(start, end - start);
      start = end + 1;
      if (name.empty()) continue;
      const auto it = std::find_if(reads.begin(), reads.end(), [&](const Read& r) { return name == r.name; });
      if (it == reads.end()) {
        std::fprintf(stderr, "kernel_floor: unknown read \"%s\"\n", name.c_str());
        return 1;
      }
      wanted.push_back(static_cast<std::size_t>(it - reads.begin()));
    }
    line.clear();
    const double c0 = cpu_seconds();
    for (const std::size_t i : wanted) reads[i].run(buffers[i]);
    std::printf("cpu_ms %.4f\n", (cpu_seconds() - c0) * 1e3);
    std::fflush(stdout);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1 && std::string_view(argv[1]) == "serve") return serve();
  const int reps = argc > 1 ? std::max(1, std::atoi(argv[1])) : 20;
  const std::string record = argc > 2 ? argv[2] : "";
  for (const auto& r : all_reads()) {
    std::vector<double> cpu, wall;
    std::string data;
    r.run(data);  // warm-up; also grows the buffer the repetitions reuse
    if (!record.empty()) std::ofstream(record + "/" + r.name + ".bin", std::ios::binary) << data;
    for (int k = 0; k < reps; ++k) {
      const auto w0 = std::chrono::steady_clock::now();
      const double c0 = cpu_seconds();
      r.run(data);
      cpu.push_back((cpu_seconds() - c0) * 1e3);
      wall.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - w0).count());
    }
    const std::size_t bytes = data.size();
    std::printf("read %s cpu_ms %.4f wall_ms %.4f bytes %zu\n", r.name, median(cpu), median(wall), bytes);
  }
  return 0;
}
