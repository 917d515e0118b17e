#pragma once
// The OpenSSL side of tls_server_config: a server context built from TlsSettings, and the live
// context of a running server, which a reload (SIGHUP) replaces without new listening sockets.

#include <memory>
#include <mutex>
#include <string>

#include "base/result.h"
#include "server/web_config.h"

struct ssl_ctx_st;  // OpenSSL's SSL_CTX and SSL, kept out of this header
struct ssl_st;

namespace ifmib::server {

/// An OpenSSL server context. Shared: connections hold references.
using SslContext = std::shared_ptr<ssl_ctx_st>;

/// A server context built from TlsSettings (certificate and key loaded and checked, versions,
/// ciphers, curves, client-certificate policy), with what a connection created from another
/// context must be given again when it moves here: SSL_set_SSL_CTX carries the certificate, key,
/// CA names and verification store, not what SSL_new copied. Computed once per build, not per
/// handshake.
struct TlsContext {
  SslContext ssl;
  std::string groups;  // OpenSSL's group names in preference order
};

/// Builds a TlsContext; errors name the setting or file at fault.
Result<TlsContext> make_tls_context(const TlsSettings& settings);

/// The TLS context of a running server. Connections are created from the first context
/// (acquire_front); at its client hello each moves to the current one, so that replace() takes
/// effect at the next handshake. Thread safety: every method may be called from any thread. The
/// front context refers to this object: it must outlive every connection.
class LiveTlsContext {
 public:
  explicit LiveTlsContext(TlsContext first);
  LiveTlsContext(const LiveTlsContext&) = delete;
  LiveTlsContext& operator=(const LiveTlsContext&) = delete;

  /// The context the next handshakes switch to.
  void replace(TlsContext next);
  /// A new reference to the context connections are created from (the caller frees it with
  /// SSL_CTX_free).
  ssl_ctx_st* acquire_front();

 private:
  std::shared_ptr<const TlsContext> current() const;
  static int on_client_hello(::ssl_st* ssl, int* alert, void* arg);

  SslContext front_;
  mutable std::mutex mutex_;
  std::shared_ptr<const TlsContext> current_;
};

}  // namespace ifmib::server
