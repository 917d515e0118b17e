#pragma once
// The Linux Reader, for callers that must say where its procfs network files are, or where its
// kernel reads come from.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "platform/linux/ethtool_cache.h"
#include "platform/linux/link_name_cache.h"
#include "platform/linux/netlink_socket.h"
#include "platform/linux/procfs_file.h"
#include "platform/reader.h"

namespace ifmib::platform {

/// The kernel reads a Linux reader makes, as functions: the kernel itself by default;
/// bench/replay serves recorded bytes through the same reader code.
struct LinuxSource {
  std::function<Result<netlink::DumpBytes>(const netlink::DumpRequest&)> dump = netlink::dump;
  std::function<Result<std::string>(const std::string& path)> read_file = procfs::read_proc_file;
  std::function<netlink::EthtoolInfo(const std::string& name)> ethtool = netlink::query_ethtool;
  /// Link announcements that keep the send-queue name cache current (link_name_cache.h). Empty:
  /// no subscription, so a send-queue-only read makes a link dump and the reader holds no socket
  /// between calls (what a reader of another network namespace needs: netns_reader.cpp).
  netlink::LinkNameCache::Subscribe link_events = netlink::subscribe_link_events;
};

/// A Linux reader whose procfs network files (igmp, igmp6, mcfilter, mcfilter6, dev_mcast) are
/// read under `proc_net_dir`. make_system_reader() uses "/proc/net", which resolves through
/// /proc/self to the thread group leader's namespace; a thread that entered another namespace
/// must use "/proc/thread-self/net". Netlink sockets and ioctls always belong to the namespace of
/// the calling thread.
std::unique_ptr<Reader> make_linux_reader(std::string proc_net_dir, LinuxSource source = {});

}  // namespace ifmib::platform
