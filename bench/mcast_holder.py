#!/usr/bin/env python3
"""Joins IPv4 and IPv6 multicast groups on every interface of the current namespace and holds
them until killed. Every 4th interface also gets source-specific (SSM) memberships, so that
/proc/net/mcfilter{,6} have rows. Writes the number of memberships to argv[1] when done.

Then, until killed, sends small datagrams out of the interfaces in turn (to ff02::1; the peer
end of the veth pair receives them), at most 500 a second, spread evenly (each interface once a
second up to 500 interfaces, less often beyond): the byte and packet counters of some
interfaces move between any two scrapes, as on a host with traffic, rather than a fixture where
every series stays the same. At 500 packets a second the sender takes some 7% of a CPU here."""
import resource
import signal
import socket
import struct
import sys
import time

MCAST_JOIN_SOURCE_GROUP = 46  # include/uapi/linux/in.h
PER_SOCKET = 64               # memberships per socket; keeps each socket's filter lists short


def sockaddr_storage(family, addr):
    if family == socket.AF_INET:
        raw = struct.pack("=HH4s", family, 0, socket.inet_pton(family, addr))
    else:
        raw = struct.pack("=HHI16sI", family, 0, 0, socket.inet_pton(family, addr), 0)
    return raw.ljust(128, b"\0")


def group_source_req(ifindex, family, group, source):
    # struct group_source_req: u32 interface, 4 bytes padding, two sockaddr_storage.
    return struct.pack("=I4x", ifindex) + sockaddr_storage(family, group) + sockaddr_storage(family, source)


def main():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    links = [(i, n) for i, n in socket.if_nameindex() if n != "lo"]
    sockets, joined = [], 0
    cur = {socket.AF_INET: None, socket.AF_INET6: None}
    used = {socket.AF_INET: PER_SOCKET, socket.AF_INET6: PER_SOCKET}

    def sock(family):
        if used[family] >= PER_SOCKET:
            cur[family] = socket.socket(family, socket.SOCK_DGRAM)
            sockets.append(cur[family])
            used[family] = 0
        used[family] += 1
        return cur[family]

    for k, (index, _name) in enumerate(links):
        g4 = "239.1.%d.%d" % ((k >> 8) & 255, k & 255)
        sock(socket.AF_INET).setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP,
                                        struct.pack("=4s4si", socket.inet_aton(g4), b"\0" * 4, index))
        sock(socket.AF_INET6).setsockopt(socket.IPPROTO_IPV6, socket.IPV6_JOIN_GROUP,
                                         struct.pack("=16sI", socket.inet_pton(socket.AF_INET6, "ff15::%x" % (k + 1)),
                                                     index))
        joined += 2
        if k % 4 == 0:
            s4 = sock(socket.AF_INET)
            s6 = sock(socket.AF_INET6)
            for src in ("10.9.0.1", "10.9.0.2"):
                s4.setsockopt(socket.IPPROTO_IP, MCAST_JOIN_SOURCE_GROUP,
                              group_source_req(index, socket.AF_INET, "232.1.1.1", src))
            for src in ("2001:db8::1", "2001:db8::2"):
                s6.setsockopt(socket.IPPROTO_IPV6, MCAST_JOIN_SOURCE_GROUP,
                              group_source_req(index, socket.AF_INET6, "ff35::1", src))
            joined += 2
    with open(sys.argv[1], "w") as out:
        out.write("%d\n" % joined)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    sender = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    sender.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_LOOP, 0)
    gap = max(1.0 / max(1, len(links)), 1.0 / 500)
    deadline = time.monotonic()
    while True:
        for index, _name in links:
            try:
                sender.sendto(b"ifmib bench", ("ff02::1", 9, 0, index))
            except OSError:
                pass  # an interface without an IPv6 address yet; the next round sends again
            deadline += gap
            delay = deadline - time.monotonic()
            if delay > 0:
                time.sleep(delay)


main()
