// A shim that lets Debian 12's civetweb 1.15 speak TLS with OpenSSL 3.
//
// civetweb loads OpenSSL at run time: dlopen("libssl.so"), then dlsym() for each function it uses.
// Built for the OpenSSL 1.1 API, it asks for SSL_get_peer_certificate, which OpenSSL 3 only
// provides as a macro for SSL_get1_peer_certificate; the lookup fails and so does every TLS port.
//
// This library has the SONAME "libssl.so" and depends on the real libssl.so.3. Once the exporter
// has loaded it (web_config.cpp, before civetweb starts), glibc's dlopen("libssl.so") matches it by
// SONAME and returns it, and dlsym() on it finds the one missing function here and every other
// one in libssl.so.3 and libcrypto.so.3, its dependencies. Build (the lead adds this to CMake):
//   g++ -shared -fPIC -Wl,-soname,libssl.so -Wl,--no-as-needed -o libifmib_civetweb_tls.so
//       civetweb_openssl3.cpp -lssl -lcrypto

#include <openssl/ssl.h>

#undef SSL_get_peer_certificate

extern "C" {
// Same contract as in OpenSSL 1.1: a new reference the caller frees with X509_free.
__attribute__((visibility("default"))) X509* SSL_get_peer_certificate(const SSL* ssl);
X509* SSL_get_peer_certificate(const SSL* ssl) { return SSL_get1_peer_certificate(ssl); }
}
