#pragma once
// node_exporter-style listen addresses ("[host]:port") as socket addresses, and back.

#include <sys/types.h>
#include <sys/socket.h>

#include <string>

#include "base/result.h"

namespace ifmib::server {

/// A socket address to listen on.
struct ListenAddress {
  sockaddr_storage address{};
  socklen_t length = 0;
};

/// Resolves "[host]:port": empty host or 0.0.0.0 = every IPv4 address, "[v6]:port" an IPv6
/// address, a name its first IPv4 address. Errors name the address and the reason.
Result<ListenAddress> resolve_listen_address(const std::string& address);

/// "ip:port" ("[ip]:port" for IPv6) of a socket address.
std::string address_text(const sockaddr* address);

}  // namespace ifmib::server
