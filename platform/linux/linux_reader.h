#pragma once
// The Linux Reader, for callers that must say where its procfs network files are.

#include <memory>
#include <string>

#include "platform/reader.h"

namespace ifmib::platform {

/// A Linux reader whose procfs network files (igmp, igmp6, mcfilter, mcfilter6, dev_mcast) are
/// read under `proc_net_dir`. make_system_reader() uses "/proc/net", which resolves through
/// /proc/self to the thread group leader's namespace; a thread that entered another namespace
/// must use "/proc/thread-self/net". Netlink sockets and ioctls always belong to the namespace of
/// the calling thread.
std::unique_ptr<Reader> make_linux_reader(std::string proc_net_dir);

}  // namespace ifmib::platform
