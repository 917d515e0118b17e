#pragma once
// HTTP Basic authentication against the bcrypt hashes of a web config's basic_auth_users
// (exporter-toolkit semantics: a request passes when no users are configured or when it names a
// known user with the right password).

#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace ifmib::server {

/// True when `hash` is a bcrypt hash ($2a$/$2b$/$2y$, cost 04-31, 53 characters of salt and digest).
bool is_bcrypt_hash(std::string_view hash);

/// True when `password` matches the bcrypt `hash` (libcrypt's crypt_r; compared in constant time).
bool bcrypt_matches(const std::string& password, const std::string& hash);

/// Equality that takes the same time for any two strings of the same length.
bool constant_time_equal(std::string_view a, std::string_view b);

/// Decodes an "Authorization: Basic base64(user:password)" header value; false when malformed.
bool parse_basic_authorization(std::string_view header, std::string& user, std::string& password);

/// A bcrypt hash of a fixed text with a fresh random salt and the prefix and cost of `like`
/// (a bcrypt hash): checked for unknown user names, so that the answer takes as long whether the
/// name exists or not.
Result<std::string> decoy_bcrypt_hash(std::string_view like);

/// Remembers successful bcrypt checks, keyed by a SHA-256 of (user, hash, password), so that a
/// scrape every few seconds does not pay bcrypt's deliberate cost each time. Bounded; thread-safe.
class AuthCache {
 public:
  bool contains(const std::string& user, const std::string& hash, const std::string& password) const;
  void insert(const std::string& user, const std::string& hash, const std::string& password);
  std::size_t size() const;

 private:
  static std::string key(const std::string& user, const std::string& hash, const std::string& password);
  static constexpr std::size_t kMaxEntries = 256;
  mutable std::mutex mutex_;
  std::vector<std::string> keys_;
};

/// Checks Authorization headers against a user table that may change on every reload. The cache
/// outlives reloads: its keys include the hash, so a changed password misses it.
/// Thread-safe; bcrypt runs one check at a time (it is CPU-bound by design).
class BasicAuth {
 public:
  /// True when `users` (user -> bcrypt hash) is empty, or `authorization_header` carries a known
  /// user's right password. `decoy_hash` (decoy_bcrypt_hash) is checked for unknown users.
  bool authorize(const std::map<std::string, std::string>& users, const std::string& decoy_hash,
                 const char* authorization_header) const;

 private:
  mutable std::mutex bcrypt_mutex_;
  mutable AuthCache cache_;
};

}  // namespace ifmib::server
