#include "platform/linux/procfs_mcast_parser.h"

#include <netinet/in.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <utility>

#include "base/hex_digit.h"
#include "platform/linux/text_fields.h"

namespace ifmib::platform::procfs {

namespace {

constexpr std::size_t kQuotedLineMax = 120;

// `hex` (an even number of hex digits, at most 2 * out.size()) decoded pairwise into `out`;
// the number of bytes, or nullopt when a character is not a hex digit or the length does not fit.
// One pass with no per-byte from_chars: the /proc/net multicast files are tens of thousands of
// addresses at 1000 interfaces, and their hex was a sixth of a full scrape's parsing (callgrind).
std::optional<std::size_t> hex_bytes(std::string_view hex, std::span<std::uint8_t> out) {
  if (hex.size() % 2 != 0 || hex.size() / 2 > out.size()) return std::nullopt;
  for (std::size_t i = 0; i < hex.size() / 2; ++i) {
    const int hi = hex_digit_value(hex[2 * i]);
    const int lo = hex_digit_value(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out[i] = static_cast<std::uint8_t>(hi << 4 | lo);
  }
  return hex.size() / 2;
}

bool all_hex(std::string_view field) {
  return !field.empty() && std::all_of(field.begin(), field.end(), [](char c) { return hex_digit_value(c) >= 0; });
}

bool is_signed_decimal(std::string_view field) {
  if (!field.empty() && field.front() == '-') field.remove_prefix(1);
  return parse_decimal<std::uint64_t>(field).has_value();
}

// 32 hex digits in network order (%pi6).
std::optional<Address> ipv6_of_hex(std::string_view hex) {
  Address a;
  if (hex.size() != 32 || !hex_bytes(hex, std::span(a.bytes.data(), 16))) return std::nullopt;
  a.size = 16;
  return a;
}

// "%08X" of a __be32 read as a host integer: the digits are the address bytes in host order.
std::optional<Address> ipv4_from_host_hex(std::string_view hex, std::endian host) {
  Address a;
  if (hex.size() != 8 || !hex_bytes(hex, std::span(a.bytes.data(), 4))) return std::nullopt;
  if (host == std::endian::little) std::reverse(a.bytes.begin(), a.bytes.begin() + 4);
  a.size = 4;
  return a;
}

// "0x%08x" of ntohl(addr): the digits read in network order.
std::optional<Address> ipv4_from_network_hex(std::string_view field) {
  Address a;
  if (field.size() != 10 || field.substr(0, 2) != "0x" || !hex_bytes(field.substr(2), std::span(a.bytes.data(), 4))) {
    return std::nullopt;
  }
  a.size = 4;
  return a;
}

// "%*phN": contiguous hex bytes, at most MAX_ADDR_LEN (32, include/linux/netdevice.h) of them.
std::optional<Address> link_address(std::string_view hex) {
  Address a;
  const auto size = hex_bytes(hex, a.bytes);
  if (!size) return std::nullopt;
  a.size = static_cast<std::uint8_t>(*size);
  return a;
}

// Walks the lines of one file and builds the "line N: why: <text>" error.
class LineParser {
 public:
  LineParser(std::string_view file, std::string_view text) : file_(file), text_(text) {}

  // Runs `on_line(line) -> std::optional<std::string>` (an error reason) on every line after the
  // header. Text that does not end in '\n' was cut short: seq_file always ends a record with one.
  template <class F>
  Status run(bool has_header, F&& on_line) {
    if (text_.empty()) return ok_status();
    if (text_.back() != '\n') return fail(0, {}, "last line has no newline (truncated read?)");
    std::size_t start = 0;
    std::size_t number = 0;
    while (start < text_.size()) {
      const std::size_t end = text_.find('\n', start);
      const std::string_view line = text_.substr(start, end - start);
      start = end + 1;
      ++number;
      if (number == 1 && has_header) {
        if (line.substr(0, 3) != "Idx") return fail(number, line, "expected the \"Idx ...\" header");
        continue;
      }
      if (auto why = on_line(line)) return fail(number, line, *why);
    }
    return ok_status();
  }

 private:
  Error fail(std::size_t number, std::string_view line, std::string_view why) const {
    std::string detail = number > 0 ? "line " + std::to_string(number) + ": " : std::string();
    detail += why;
    if (number > 0) {
      detail += ": \"";
      detail += line.substr(0, kQuotedLineMax);
      if (line.size() > kQuotedLineMax) detail += "...";
      detail += '"';
    }
    return Error::invalid("parse " + std::string(file_), std::move(detail));
  }

  std::string_view file_;
  std::string_view text_;
};

std::optional<std::string> bad_field(std::string_view name) { return "bad " + std::string(name); }

// Rows of mcfilter and mcfilter6 differ only in how addresses are printed.
template <class AddressParser>
Result<std::vector<SourceFilterRow>> parse_source_filter(std::string_view file, std::string_view text,
                                                         AddressParser address) {
  std::vector<SourceFilterRow> rows;
  rows.reserve(count_lines(text));
  FieldSplitter fields_of(text);
  const Status status = LineParser(file, text).run(true, [&](std::string_view line) -> std::optional<std::string> {
    const auto f = fields_of(line);
    if (f.size() != 6) return "expected 6 fields, got " + std::to_string(f.size());
    SourceFilterRow row;
    const auto index = parse_decimal<std::uint32_t>(f[0]);
    if (!index) return bad_field("index");
    auto group = address(f[2]);
    if (!group) return bad_field("group address");
    auto source = address(f[3]);
    if (!source) return bad_field("source address");
    const auto inc = parse_decimal<std::uint64_t>(f[4]);
    const auto exc = parse_decimal<std::uint64_t>(f[5]);
    if (!inc || !exc) return bad_field("INC/EXC count");
    rows.push_back({*index, std::string(f[1]), *group, *source, *inc, *exc});
    return std::nullopt;
  });
  if (!status) return status.error();
  return rows;
}

}  // namespace

Result<IgmpTable> parse_igmp(std::string_view text, std::endian host) {
  IgmpTable table;
  table.groups.reserve(count_lines(text));
  FieldSplitter fields_of(text);
  const Status status = LineParser("/proc/net/igmp", text).run(true, [&](std::string_view line) -> std::optional<std::string> {
    if (line.empty()) return "empty line";
    if (line.front() != '\t') {
      // "%d\t%-10s: %5d %7s": the name is padded to 10 and cannot itself hold ':' or blanks.
      const std::size_t tab = line.find('\t');
      const std::size_t colon = line.find(':');
      if (tab == std::string_view::npos || colon == std::string_view::npos || colon < tab) {
        return "expected \"index<TAB>device: count querier\"";
      }
      const auto index = parse_decimal<std::uint32_t>(line.substr(0, tab));
      if (!index) return bad_field("index");
      std::string_view device = line.substr(tab + 1, colon - tab - 1);
      while (!device.empty() && device.back() == ' ') device.remove_suffix(1);
      if (device.empty() || std::any_of(device.begin(), device.end(), is_blank)) return bad_field("device");
      const auto f = fields_of(line.substr(colon + 1));
      if (f.size() != 2) return "expected count and querier after ':'";
      const auto count = parse_decimal<std::uint32_t>(f[0]);
      if (!count) return bad_field("count");
      if (f[1].size() != 2 || f[1][0] != 'V' || f[1][1] < '1' || f[1][1] > '3') return bad_field("querier");
      table.interfaces.push_back({*index, std::string(device), *count, static_cast<std::uint32_t>(f[1][1] - '0')});
      return std::nullopt;
    }
    // "\t\t\t\t%08X %5d %d:%08lX\t\t%d": group, users, timer running:expiry, reporter.
    if (table.interfaces.empty()) return "group line before any interface line";
    const auto f = fields_of(line);
    if (f.size() != 4) return "expected 4 fields, got " + std::to_string(f.size());
    const auto group = ipv4_from_host_hex(f[0], host);
    if (!group) return bad_field("group");
    const auto users = parse_decimal<std::uint32_t>(f[1]);
    if (!users) return bad_field("users");
    const std::size_t colon = f[2].find(':');
    if (colon == std::string_view::npos || !parse_decimal<std::uint32_t>(f[2].substr(0, colon)) ||
        !all_hex(f[2].substr(colon + 1))) {
      return bad_field("timer");
    }
    if (!is_signed_decimal(f[3])) return bad_field("reporter");
    const IgmpInterface& owner = table.interfaces.back();
    table.groups.push_back({owner.index, owner.device, *group, *users});
    return std::nullopt;
  });
  if (!status) return status.error();
  return table;
}

Result<std::vector<GroupRow>> parse_igmp6(std::string_view text) {
  std::vector<GroupRow> rows;
  rows.reserve(count_lines(text));
  FieldSplitter fields_of(text);
  const Status status = LineParser("/proc/net/igmp6", text).run(false, [&](std::string_view line) -> std::optional<std::string> {
    // "%-4d %-15s %pi6 %5d %08X %ld": index, device, group, users, flags, timer.
    const auto f = fields_of(line);
    if (f.size() != 6) return "expected 6 fields, got " + std::to_string(f.size());
    const auto index = parse_decimal<std::uint32_t>(f[0]);
    if (!index) return bad_field("index");
    const auto group = ipv6_of_hex(f[2]);
    if (!group) return bad_field("group");
    const auto users = parse_decimal<std::uint32_t>(f[3]);
    if (!users) return bad_field("users");
    if (!all_hex(f[4])) return bad_field("flags");
    if (!is_signed_decimal(f[5])) return bad_field("timer");
    rows.push_back({*index, std::string(f[1]), *group, *users});
    return std::nullopt;
  });
  if (!status) return status.error();
  return rows;
}

Result<std::vector<SourceFilterRow>> parse_mcfilter(std::string_view text) {
  return parse_source_filter("/proc/net/mcfilter", text, ipv4_from_network_hex);
}

Result<std::vector<SourceFilterRow>> parse_mcfilter6(std::string_view text) {
  return parse_source_filter("/proc/net/mcfilter6", text, ipv6_of_hex);
}

Result<std::vector<LinkGroupRow>> parse_dev_mcast(std::string_view text) {
  std::vector<LinkGroupRow> rows;
  rows.reserve(count_lines(text));
  FieldSplitter fields_of(text);
  const Status status = LineParser("/proc/net/dev_mcast", text).run(false, [&](std::string_view line) -> std::optional<std::string> {
    // "%-4d %-15s %-5d %-5d %*phN": index, device, refcount, global_use, address.
    const auto f = fields_of(line);
    if (f.size() != 5) return "expected 5 fields, got " + std::to_string(f.size());
    const auto index = parse_decimal<std::uint32_t>(f[0]);
    if (!index) return bad_field("index");
    const auto users = parse_decimal<std::uint32_t>(f[2]);
    if (!users) return bad_field("users");
    const auto global_use = parse_decimal<std::uint32_t>(f[3]);
    if (!global_use) return bad_field("global_use");
    const auto address = link_address(f[4]);
    if (!address || address->size == 0) return bad_field("address");
    rows.push_back({*index, std::string(f[1]), *address, *users, *global_use});
    return std::nullopt;
  });
  if (!status) return status.error();
  return rows;
}

namespace {

struct Filter {
  FilterMode mode = FilterMode::exclude;
  std::vector<Address> sources;
};

// Source rows sorted by (interface, group), each key's rows in file order. Groups come in runs
// per interface, so an interface's rows are found once per run (one bisection) and a group's
// among them by a short scan. (A lookup per group, in a std::map, a hash table or by bisection,
// was most of joining thousands of groups to their sources, perf.)
class SourceIndex {
 public:
  using Rows = std::span<const SourceFilterRow* const>;
  explicit SourceIndex(const std::vector<SourceFilterRow>& rows) {
    sorted_.reserve(rows.size());
    for (const auto& row : rows) sorted_.push_back(&row);
    std::stable_sort(sorted_.begin(), sorted_.end(), [](const SourceFilterRow* a, const SourceFilterRow* b) {
      return a->index != b->index ? a->index < b->index : a->group < b->group;
    });
  }
  /// Every row of interface `index`, sorted by group.
  Rows of_interface(std::uint32_t index) const {
    const auto range = std::equal_range(sorted_.begin(), sorted_.end(), index, ByIndex{});
    return {range.first, range.second};
  }
  /// The rows of `group` among one interface's `rows`, in file order; empty when there are none.
  static Rows of_group(Rows rows, const Address& group) {
    std::size_t first = 0;
    while (first < rows.size() && rows[first]->group != group) ++first;
    std::size_t last = first;
    while (last < rows.size() && rows[last]->group == group) ++last;
    return rows.subspan(first, last - first);
  }

 private:
  struct ByIndex {
    bool operator()(const SourceFilterRow* r, std::uint32_t index) const { return r->index < index; }
    bool operator()(std::uint32_t index, const SourceFilterRow* r) const { return index < r->index; }
  };
  std::vector<const SourceFilterRow*> sorted_;
};

// Linux prints no filter mode, so it is derived from the per-source counts. What the kernel
// keeps (net/ipv4/igmp.c: struct ip_mc_list, ip_mc_add_src, sf_setstate; net/ipv6/mcast.c has
// the same design in struct ifmcaddr6), as we read it:
//   - per group, sfcount[MCAST_INCLUDE] / sfcount[MCAST_EXCLUDE] count the sockets (and kernel
//     joins) in each mode, and users counts every join of either kind (ip_mc_inc_group /
//     ip_mc_join_group_ssm, ipv6_dev_mc_inc); none of these group counts is printed;
//   - per source, sf_count[MCAST_INCLUDE] / [MCAST_EXCLUDE] count the sockets that include or
//     block it: these are the INC / EXC columns;
//   - the group is in EXCLUDE mode while any socket is (sfcount[EXCLUDE] > 0), else INCLUDE;
//   - in EXCLUDE mode a source is filtered out when every exclude-mode socket blocks it and no
//     socket includes it (sf_count[EXCLUDE] == sfcount[EXCLUDE] && sf_count[INCLUDE] == 0);
//     in INCLUDE mode the filter is every source with sf_count[INCLUDE] > 0.
// The rule:
//   1. no source rows: an any-source join only, so EXCLUDE with no sources;
//   2. some source has EXC > 0: only an exclude-mode socket can block, so EXCLUDE; the sources
//      are those with EXC > 0 and INC == 0;
//   3. all sources include-only: INCLUDE with the sources that have INC > 0, unless users is
//      larger than the sum of INC (every include-mode socket adds at least 1 to that sum, so an
//      any-source socket must exist): then EXCLUDE with no sources.
// Limits: (2) cannot see sfcount[EXCLUDE], so with two exclude-mode sockets of which only one
// blocks S, the kernel does not filter S but we list it. (3) misses an any-source socket when
// one include socket holds several sources (users 2, sources A and B from one socket: we say
// INCLUDE {A, B}, the kernel says EXCLUDE {}). Sources on the kernel's tomb lists (kept only to
// send IGMPv3/MLDv2 change reports) are not printed and play no part. Rows with INC == EXC == 0
// should not exist (ip_mc_del1_src frees such a source) and count for nothing.
Filter derive_filter(SourceIndex::Rows rows, std::uint32_t users) {
  if (rows.empty()) return {};
  Filter filter;
  if (std::any_of(rows.begin(), rows.end(), [](const SourceFilterRow* r) { return r->exclude_count > 0; })) {
    for (const SourceFilterRow* r : rows) {
      if (r->exclude_count > 0 && r->include_count == 0) filter.sources.push_back(r->source);
    }
    return filter;
  }
  std::uint64_t included = 0;
  for (const SourceFilterRow* r : rows) included += r->include_count;
  if (users > included) return filter;
  filter.mode = FilterMode::include;
  for (const SourceFilterRow* r : rows) {
    if (r->include_count > 0) filter.sources.push_back(r->source);
  }
  return filter;
}

// Moves the rows' device names into the snapshot rather than copying them: thousands of strings
// per scrape at 1000 interfaces.
void add_ip_groups(std::vector<GroupRow>& groups, const std::vector<SourceFilterRow>& sources,
                   AddressFamily family, bool users, std::vector<MulticastGroup>& out) {
  const SourceIndex index(sources);
  std::optional<std::uint32_t> interface;  // whose rows interface_rows holds
  SourceIndex::Rows interface_rows;
  for (GroupRow& row : groups) {
    if (row.index != interface) {
      interface = row.index;
      interface_rows = index.of_interface(row.index);
    }
    Filter filter = derive_filter(SourceIndex::of_group(interface_rows, row.group), row.users);
    MulticastGroup g;
    g.device = std::move(row.device);
    g.index = row.index;
    g.family = family;
    g.group = row.group;
    g.mode = filter.mode;
    g.sources = std::move(filter.sources);
    if (users) g.users = row.users;
    out.push_back(std::move(g));
  }
}

}  // namespace

MulticastSnapshot to_multicast_snapshot(ProcfsMulticastRows rows, const MulticastQuery& query) {
  MulticastSnapshot snap;
  snap.groups.reserve((query.inet ? rows.igmp.groups.size() : 0) + (query.inet6 ? rows.igmp6.size() : 0) +
                      (query.link ? rows.dev_mcast.size() : 0));
  if (query.inet) {
    add_ip_groups(rows.igmp.groups, rows.mcfilter, AddressFamily::inet, query.users, snap.groups);
    for (IgmpInterface& itf : rows.igmp.interfaces) {
      MulticastProtocol p;
      p.device = std::move(itf.device);
      p.index = itf.index;
      p.family = AddressFamily::inet;
      p.version = itf.querier_version;
      snap.protocols.push_back(std::move(p));
    }
  }
  if (query.inet6) add_ip_groups(rows.igmp6, rows.mcfilter6, AddressFamily::inet6, query.users, snap.groups);
  if (query.link) {
    for (LinkGroupRow& row : rows.dev_mcast) {
      MulticastGroup g;
      g.device = std::move(row.device);
      g.index = row.index;
      g.family = AddressFamily::link;
      g.group = row.address;
      if (query.users) g.users = row.users;
      snap.groups.push_back(std::move(g));
    }
  }
  return snap;
}

}  // namespace ifmib::platform::procfs
