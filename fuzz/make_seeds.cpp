// Writes the seed corpora of the fuzz targets from the unit-test fixtures: one directory per
// target under the path given by IFMIB_SEED_DIR (binary files; FreeBSD annotated hex is
// assembled with the unit tests' own loader). A doctest program so that the loaders' checks
// report a broken fixture as a failure.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "tests/support/fixtures.h"
#include "tests/unit/freebsd_fixture.h"

namespace {

namespace fs = std::filesystem;
using ifmib::test::read_fixture_bytes;
using ifmib::test::read_fixture_text;
using ifmib::test::freebsd::hex_fixture;

void write_seed(const std::string& target, const std::string& name, const std::string& bytes) {
  const fs::path dir = fs::path(IFMIB_SEED_DIR) / target;
  fs::create_directories(dir);
  std::ofstream out(dir / name, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  REQUIRE_MESSAGE(out.good(), "cannot write seed " << (dir / name).string());
}

void write_seed(const std::string& target, const std::string& name, const std::vector<std::uint8_t>& bytes) {
  write_seed(target, name, std::string(bytes.begin(), bytes.end()));
}

std::string read_text_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), "cannot read " << path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

TEST_CASE("seed corpora from the unit fixtures") {
  write_seed("link_dump_fuzz", "link_dump", read_fixture_bytes("linux/netlink_link_dump.bin"));
  write_seed("qdisc_dump_fuzz", "qdisc_dump", read_fixture_bytes("linux/netlink_qdisc_dump.bin"));
  write_seed("mcast_dump_fuzz", "mcast4_dump", read_fixture_bytes("linux/netlink_mcast4_dump.bin"));
  write_seed("mcast_dump_fuzz", "mcast6_dump", read_fixture_bytes("linux/netlink_mcast6_dump.bin"));

  write_seed("procfs_igmp_fuzz", "igmp", read_fixture_text("linux/proc_net_igmp.txt"));
  write_seed("procfs_igmp6_fuzz", "igmp6", read_fixture_text("linux/proc_net_igmp6.txt"));
  write_seed("procfs_mcfilter_fuzz", "mcfilter", read_fixture_text("linux/proc_net_mcfilter.txt"));
  write_seed("procfs_mcfilter6_fuzz", "mcfilter6", read_fixture_text("linux/proc_net_mcfilter6.txt"));
  write_seed("procfs_dev_mcast_fuzz", "dev_mcast", read_fixture_text("linux/proc_net_dev_mcast.txt"));

  write_seed("process_stats_fuzz", "stat", read_fixture_text("linux/proc_self_stat_hostile_comm.txt"));
  write_seed("process_stats_fuzz", "proc_stat", read_fixture_text("linux/proc_stat.txt"));

  for (const char* name : {"ifmibdata_lo0", "ifmibdata_lan0", "ifmibdata_vlan0", "ifmibdata_gone0",
                           "ifmibdata_em1_bad_datalen"}) {
    write_seed("freebsd_ifmibdata_fuzz", name, hex_fixture(std::string(name) + ".hex"));
  }
  write_seed("freebsd_ether_mib_fuzz", "ether_mib_lan0", hex_fixture("ether_mib_lan0.hex"));
  write_seed("freebsd_ifmalist_fuzz", "ifmalist_lan0_inet", hex_fixture("ifmalist_lan0_inet.hex"));
  for (const char* name : {"ip_filters_exclude_none", "ip_filters_include_sources", "ip_filters_undefined",
                           "ip6_filters_exclude_none", "ip6_filters_include_sources"}) {
    write_seed("freebsd_mcast_filters_fuzz", name, hex_fixture(std::string(name) + ".hex"));
  }
  for (const char* name : {"igmp_ifinfo_v2", "igmp_ifinfo_v3", "mld_ifinfo_v1", "mld_ifinfo_v2"}) {
    write_seed("freebsd_ifinfo_fuzz", name, hex_fixture(std::string(name) + ".hex"));
  }

  // Query strings as Prometheus and hand-written scrape configs send them.
  write_seed("query_string_fuzz", "collect", std::string("collect[]=ifmib&collect[]=send_queue"));
  write_seed("query_string_fuzz", "exclude_encoded", std::string("exclude%5B%5D=multicast&x=1"));
  write_seed("query_string_fuzz", "plus_and_bad_escape", std::string("collect%5b%5d=if+mib&collect[]=%zz"));
  write_seed("query_string_fuzz", "gzip", std::string("gzip;q=0, deflate, *;q=0.5"));
  write_seed("query_string_fuzz", "path_nul", std::string("/metrics%00.html"));
  write_seed("query_string_fuzz", "request_head",
             std::string("GET /metrics?collect[]=ifmib HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));

  // Web configs: the shipped example, and the shapes exporter-toolkit users write.
  write_seed("web_config_fuzz", "deploy_example", read_text_file(IFMIB_DEPLOY_DIR "/web-config.yml"));
  write_seed("web_config_fuzz", "flow_style",
             std::string("{tls_server_config: {cert_file: a.crt, key_file: a.key, min_version: TLS13, "
                         "cipher_suites: [TLS_AES_128_GCM_SHA256], curve_preferences: [X25519]}, "
                         "http_server_config: {http2: false}}"));
  write_seed("web_config_fuzz", "anchors_and_tags",
             std::string("basic_auth_users: &u\n  alice: !!str $2y$04$abcdefghijklmnopqrstuuJ8pkx2ZzQmD3A1ykP7M0c9yR1mY0Kq6\n"
                         "x: *u\n"));
  write_seed("web_config_fuzz", "authorization", std::string("Basic cHJvbWV0aGV1czpjaGFuZ2UgbWU="));

  // Label values: device NUL alias, with what needs escaping or is not UTF-8.
  write_seed("exposition_label_fuzz", "plain", std::string("eth0\0uplink to core", 20));
  write_seed("exposition_label_fuzz", "escapes", std::string("a\"b\\c\nd\0e\\n", 11));
  write_seed("exposition_label_fuzz", "not_utf8", std::string("b\xC3\xA9\xFF\xC3\0\xED\xA0\x80", 9));
}
