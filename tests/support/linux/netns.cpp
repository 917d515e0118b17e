#include "tests/support/linux/netns.h"

#include <doctest/doctest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

namespace ifmib::test {

namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

bool in_ci() {
  const char* ci = std::getenv("CI");
  return ci && std::string(ci) == "true";
}

std::string temp_dir() {
  char pattern[] = "/tmp/ifmib-test-XXXXXX";
  const char* dir = mkdtemp(pattern);
  REQUIRE_MESSAGE(dir != nullptr, "mkdtemp failed");
  return dir;
}

}  // namespace

std::string run_shell(const std::string& command, int* status) {
  std::string output;
  FILE* pipe = popen(command.c_str(), "r");
  REQUIRE_MESSAGE(pipe != nullptr, "popen failed for " << command);
  char buf[4096];
  std::size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) output.append(buf, n);
  const int rc = pclose(pipe);
  if (status) *status = WIFEXITED(rc) ? WEXITSTATUS(rc) : 128 + WTERMSIG(rc);
  return output;
}

void require_netns_or_skip() {
  std::string why;
  if (geteuid() != 0) {
    why = "needs root for network namespaces";
  } else {
    int status = 0;
    run_shell("ip netns list >/dev/null 2>&1", &status);
    if (status != 0) why = "`ip netns` is not available";
  }
  if (why.empty()) return;
  if (in_ci()) FAIL("CI=true but this test cannot run: " << why);
  std::fprintf(stderr, "SKIP: %s\n", why.c_str());
  std::exit(77);
}

namespace {

// A test process killed with SIGKILL (a CTest timeout) cannot run ~Netns, so its namespaces
// stay. Before the first namespace of a run, delete ifmibt-<pid>-* of processes that are gone.
void delete_namespaces_of_dead_tests() {
  const std::regex ours("ifmibt-([0-9]+)-[0-9]+");
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/run/netns", ec)) {
    const std::string name = entry.path().filename().string();
    std::smatch m;
    if (!std::regex_match(name, m, ours)) continue;
    const pid_t pid = static_cast<pid_t>(std::stol(m[1]));
    if (pid == getpid() || ::kill(pid, 0) == 0 || errno != ESRCH) continue;
    run_shell("ip netns del " + name + " 2>/dev/null");
    MESSAGE("deleted " << name << ", left behind by test process " << pid << " that no longer runs");
  }
}

}  // namespace

Netns::Netns() {
  require_netns_or_skip();
  static std::atomic<int> counter{0};
  static const bool swept = (delete_namespaces_of_dead_tests(), true);
  (void)swept;
  name_ = "ifmibt-" + std::to_string(getpid()) + "-" + std::to_string(counter++);
  int status = 0;
  const std::string out = run_shell("ip netns add " + name_ + " 2>&1", &status);
  REQUIRE_MESSAGE(status == 0, "ip netns add " << name_ << ": " << out);
  sh("ip link set lo up");
}

Netns::~Netns() {
  int status = 0;
  run_shell("ip netns pids " + name_ + " 2>/dev/null | xargs -r kill -9 2>/dev/null; ip netns del " + name_ +
                " 2>/dev/null",
            &status);
}

int Netns::sh_status(const std::string& command, std::string* output) const {
  int status = 0;
  // Single quotes around the command; embedded single quotes closed and escaped.
  std::string quoted = "'";
  for (char c : command) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  quoted += "'";
  const std::string out = run_shell("ip netns exec " + name_ + " sh -c " + quoted + " 2>&1", &status);
  if (output) *output = out;
  return status;
}

std::string Netns::sh(const std::string& command) const {
  std::string out;
  const int status = sh_status(command, &out);
  REQUIRE_MESSAGE(status == 0, "in " << name_ << ": " << command << " -> exit " << status << ": " << out);
  return out;
}

Child::Child(const std::vector<std::string>& argv) {
  const std::string dir = temp_dir();
  out_path_ = dir + "/stdout";
  err_path_ = dir + "/stderr";
  pid_ = fork();
  REQUIRE(pid_ >= 0);
  if (pid_ == 0) {
    if (!freopen(out_path_.c_str(), "w", stdout) || !freopen(err_path_.c_str(), "w", stderr)) _exit(126);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    _exit(127);
  }
}

Child::~Child() {
  if (running()) stop(SIGKILL, 5);
}

bool Child::running() {
  if (status_ != -1 || pid_ <= 0) return false;
  int status = 0;
  const pid_t r = waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return false;
  }
  return true;
}

int Child::wait(double timeout_seconds) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_seconds);
  while (running()) {
    if (std::chrono::steady_clock::now() > deadline) return -1;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return status_;
}

int Child::stop(int signal, double timeout_seconds) {
  if (running()) kill(pid_, signal);
  return wait(timeout_seconds);
}

std::string Child::stderr_text() const { return read_file(err_path_); }
std::string Child::stdout_text() const { return read_file(out_path_); }

int wait_for_port(Child& child) {
  const std::regex listening("msg=listening address=[0-9.]+:([0-9]+)");
  for (int i = 0; i < 500; ++i) {
    std::smatch m;
    const std::string err = child.stderr_text();
    if (std::regex_search(err, m, listening)) return std::stoi(m[1]);
    REQUIRE_MESSAGE(child.running(), err);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  FAIL("no listening line: " << child.stderr_text());
  return 0;
}

void make_veth_pair(const Netns& ns) {
  ns.sh("sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1");
  ns.sh("ip link add name a type veth peer name b && ip addr add 10.9.0.1/24 dev a && ip link set dev a up && "
        "ip link set dev b up && ip neigh add 10.9.0.2 lladdr $(cat /sys/class/net/b/address) dev a nud permanent");
}

void send_udp(const Netns& ns, int packets, int payload) {
  ns.sh("python3 -c \"import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); "
        "[s.sendto(b'x'*" + std::to_string(payload) + ", ('10.9.0.2', 9)) for _ in range(" +
        std::to_string(packets) + ")]\"");
}

std::string exporter_binary() { return IFMIB_EXPORTER_BINARY; }

namespace {

// A copy of the exporter in a fresh 0755 directory under /tmp; returns the directory.
std::string world_executable_copy() {
  char pattern[] = "/tmp/ifmib-bin-XXXXXX";
  REQUIRE(::mkdtemp(pattern) != nullptr);
  const std::string dir = pattern;
  std::filesystem::copy_file(exporter_binary(), dir + "/ifmib_exporter");
  ::chmod(dir.c_str(), 0755);
  ::chmod((dir + "/ifmib_exporter").c_str(), 0755);
  return dir;
}

}  // namespace

ExporterInNetns::ExporterInNetns(const Netns& ns, int port, const std::vector<std::string>& extra, RunAs user)
    : ns_(ns), port_(port), copy_dir_(user == RunAs::nobody ? world_executable_copy() : ""), child_([&] {
        std::vector<std::string> argv = {"ip", "netns", "exec", ns.name()};
        if (user == RunAs::nobody) {
          argv.insert(argv.end(), {"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all",
                                   copy_dir_ + "/ifmib_exporter"});
        } else {
          argv.push_back(exporter_binary());
        }
        argv.push_back("--web.listen-address=127.0.0.1:" + std::to_string(port));
        argv.insert(argv.end(), extra.begin(), extra.end());
        return argv;
      }()) {
  // `ip netns exec` execs the exporter, so the child's PID is the exporter's own.
  for (int attempt = 0; attempt < 250; ++attempt) {
    int status = 0;
    get("/-/healthy", &status);
    if (status == 200) return;
    REQUIRE_MESSAGE(child_.running(), "exporter exited early: " << child_.stderr_text());
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  FAIL("exporter did not answer on port " << port << ": " << child_.stderr_text());
}

ExporterInNetns::~ExporterInNetns() {
  child_.stop(SIGKILL, 5);  // before the binary's copy goes
  if (!copy_dir_.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(copy_dir_, ignored);
  }
}

Exposition ExporterInNetns::scrape(const std::string& path) const {
  int status = 0;
  const std::string body = get(path, &status);
  REQUIRE_MESSAGE(status == 200, "GET " << path << " -> " << status << ": " << body);
  auto parsed = parse_exposition(body);
  REQUIRE_MESSAGE(parsed.ok(), (parsed.ok() ? "" : parsed.error().text()));
  return *parsed;
}

std::string ExporterInNetns::get(const std::string& path, int* status, const std::string& curl_flags) const {
  std::string out;
  const std::string marker = "\n__HTTP_STATUS__";
  ns_.sh_status("curl -s -g " + curl_flags + " -w '" + marker + "%{http_code}' 'http://127.0.0.1:" +
                    std::to_string(port_) + path + "'",
                &out);
  const auto at = out.rfind(marker);
  if (at == std::string::npos) {
    if (status) *status = 0;
    return out;
  }
  if (status) *status = std::atoi(out.c_str() + at + marker.size());
  return out.substr(0, at);
}

}  // namespace ifmib::test
