#pragma once
// The FreeBSD Reader, written against sysctl::Source so that the whole walk (ifmib(4) rows,
// ifmcstat(8)-style memberships) runs on any OS with a fake source.

#include <functional>
#include <memory>

#include "platform/freebsd/sysctl_source.h"
#include "platform/reader.h"

namespace ifmib::platform::freebsd {

struct ReaderOptions {
  /// Supplies process(); the system layer passes its getrusage/kern.proc implementation.
  /// When empty, process() returns an Error.
  std::function<Result<ProcessStats>()> process;
  /// Attempts per read where a value can grow between size probe and read (ENOMEM).
  int attempts = 5;
};

/// A platform::Reader over `source`. Re-entrant: each call reads afresh; the only shared state
/// is a mutex-guarded cache of names resolved with sysctlnametomib.
///
/// interfaces() / send_queues(): read net.link.generic.system.ifcount (the highest index) and
/// rows 1..ifcount; a row answering ENOENT is skipped (sparse index, detached or jailed
/// interface). A row whose bytes fail validation (length != 208, ifi_datalen != 152) is
/// skipped and kept for take_notes() (at most 64 until taken), and the other rows are still returned; if no
/// row could be decoded but some failed, the call fails with the first such Error, so a
/// kernel with a different ABI fails loudly. Any other errno fails the call.
///
/// send_queues() also reads each row's IFDATA_DRIVERNAME and, by the driver's transmit path
/// (txq_decode.h, docs/freebsd.md), the mp_ring counters of its txqs by name:
/// dev.<driver>.<unit>.iflib.txqN.r_drops for iflib drivers (found by the
/// dev.<driver>.<unit>.iflib node), part of the total; with query.per_queue also r_enqueues and
/// r_stalls, and dev.<driver>.<unit>.txq.N.* for cxgbe. Names are resolved afresh on every call
/// (they belong to drivers that may detach).
///
/// multicast(): NET_RT_IFMALIST, then per inet/inet6 group the mcast.filters sysctl, and per
/// interface with inet (inet6) groups the IGMP (MLD) ifinfo. Groups are counted whatever
/// addresses the interface has (unlike ifmcstat).
std::unique_ptr<Reader> make_freebsd_reader(std::shared_ptr<sysctl::Source> source,
                                            ReaderOptions options = {});

}  // namespace ifmib::platform::freebsd
