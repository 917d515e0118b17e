#include "server/basic_auth.h"

// crypt_r and struct crypt_data: libxcrypt (glibc systems) declares them in <crypt.h>, FreeBSD's
// libcrypt in <unistd.h>. A header probe, not an OS test: either library provides bcrypt.
#if __has_include(<crypt.h>)
#include <crypt.h>
#endif
#include <unistd.h>  // FreeBSD: crypt_r
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <memory>

namespace ifmib::server {

namespace {

// A bcrypt setting ("$2b$10$" + 22 salt characters) with a fresh random salt, for the decoy hash.
// Built here because the salt generators differ: libxcrypt has crypt_gensalt_rn, FreeBSD's
// libcrypt has none. Both libraries' crypt_r accept $2a$, $2b$ and $2y$ with cost 04-31
// (FreeBSD: secure/lib/libcrypt/crypt-blowfish.c, crypt_blowfish), so the prefix and cost are the
// real user's own. The salt is 16 random bytes in bcrypt's base64 alphabet: 21 characters carry
// 126 bits and the 22nd the last 2, as crypt_blowfish encodes them.
Result<std::string> bcrypt_setting(std::string_view prefix_and_cost) {
  static constexpr char kAlphabet[] = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::array<unsigned char, 16> salt{};
  if (RAND_bytes(salt.data(), static_cast<int>(salt.size())) != 1) {
    return Error::invalid("basic_auth_users", "no random bytes for a bcrypt salt");
  }
  std::string out(prefix_and_cost);
  std::uint32_t bits = 0;
  int count = 0;
  for (const unsigned char byte : salt) {
    bits = (bits << 8) | byte;
    count += 8;
    while (count >= 6) {
      count -= 6;
      out += kAlphabet[(bits >> count) & 0x3f];
    }
  }
  if (count > 0) out += kAlphabet[(bits << (6 - count)) & 0x3f];
  return out;
}

}  // namespace

bool is_bcrypt_hash(std::string_view hash) {
  // $2b$10$ + 22 characters of salt + 31 of digest, in bcrypt's base64 alphabet.
  if (hash.size() != 60 || hash.substr(0, 2) != "$2" || hash[3] != '$' || hash[6] != '$') return false;
  if (hash[2] != 'a' && hash[2] != 'b' && hash[2] != 'y') return false;
  if (hash[4] < '0' || hash[4] > '9' || hash[5] < '0' || hash[5] > '9') return false;
  const int cost = (hash[4] - '0') * 10 + (hash[5] - '0');
  if (cost < 4 || cost > 31) return false;
  return std::all_of(hash.begin() + 7, hash.end(), [](char c) {
    return c == '.' || c == '/' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
  });
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

bool bcrypt_matches(const std::string& password, const std::string& hash) {
  // A NUL would end the C string early and let "pass\0anything" match "pass".
  if (!is_bcrypt_hash(hash) || password.find('\0') != std::string::npos) return false;
  auto data = std::make_unique<crypt_data>();  // about 32 KiB: not for the stack
  const char* out = crypt_r(password.c_str(), hash.c_str(), data.get());
  if (!out || out[0] == '*') return false;  // libcrypt's failure tokens start with '*'
  return constant_time_equal(out, hash);
}

Result<std::string> decoy_bcrypt_hash(std::string_view like) {
  auto setting = bcrypt_setting(like.substr(0, 7));  // "$2b$10$"
  if (!setting) return setting.error();
  auto data = std::make_unique<crypt_data>();
  const char* decoy = crypt_r("ifmib_exporter decoy", setting->c_str(), data.get());
  if (!decoy || decoy[0] == '*') return Error::invalid("basic_auth_users", "libcrypt has no bcrypt support");
  return std::string(decoy);
}

bool parse_basic_authorization(std::string_view header, std::string& user, std::string& password) {
  constexpr std::string_view kScheme = "basic ";
  if (header.size() < kScheme.size()) return false;
  for (std::size_t i = 0; i < kScheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(header[i])) != kScheme[i]) return false;
  }
  std::string_view encoded = header.substr(kScheme.size());
  while (!encoded.empty() && encoded.front() == ' ') encoded.remove_prefix(1);
  while (!encoded.empty() && encoded.back() == ' ') encoded.remove_suffix(1);
  if (encoded.empty() || encoded.size() % 4 != 0) return false;
  std::string decoded;
  unsigned bits = 0;
  int nbits = 0;
  std::size_t padding = 0;
  for (char c : encoded) {
    int v = -1;
    if (c >= 'A' && c <= 'Z') v = c - 'A';
    else if (c >= 'a' && c <= 'z') v = c - 'a' + 26;
    else if (c >= '0' && c <= '9') v = c - '0' + 52;
    else if (c == '+') v = 62;
    else if (c == '/') v = 63;
    else if (c == '=') {
      ++padding;
      continue;
    }
    if (v < 0 || padding > 0) return false;  // bad character, or data after padding
    bits = (bits << 6) | static_cast<unsigned>(v);
    nbits += 6;
    if (nbits >= 8) {
      nbits -= 8;
      decoded += static_cast<char>((bits >> nbits) & 0xff);
    }
  }
  if (padding > 2) return false;
  const auto colon = decoded.find(':');
  if (colon == std::string::npos) return false;
  user = decoded.substr(0, colon);
  password = decoded.substr(colon + 1);
  return true;
}

std::string AuthCache::key(const std::string& user, const std::string& hash, const std::string& password) {
  // Length-prefixed fields, so that ("ab", "c") and ("a", "bc") differ.
  std::string material;
  for (const std::string* field : {&user, &hash, &password}) {
    material += std::to_string(field->size()) + ":" + *field;
  }
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned len = 0;
  EVP_Digest(material.data(), material.size(), digest.data(), &len, EVP_sha256(), nullptr);
  OPENSSL_cleanse(material.data(), material.size());
  return std::string(reinterpret_cast<const char*>(digest.data()), len);
}

bool AuthCache::contains(const std::string& user, const std::string& hash, const std::string& password) const {
  const std::string k = key(user, hash, password);
  std::lock_guard lock(mutex_);
  bool found = false;
  for (const auto& entry : keys_) found = constant_time_equal(entry, k) || found;
  return found;
}

void AuthCache::insert(const std::string& user, const std::string& hash, const std::string& password) {
  std::string k = key(user, hash, password);
  std::lock_guard lock(mutex_);
  if (std::find(keys_.begin(), keys_.end(), k) != keys_.end()) return;
  if (keys_.size() >= kMaxEntries) keys_.erase(keys_.begin());  // oldest first
  keys_.push_back(std::move(k));
}

std::size_t AuthCache::size() const {
  std::lock_guard lock(mutex_);
  return keys_.size();
}

bool BasicAuth::authorize(const std::map<std::string, std::string>& users, const std::string& decoy_hash,
                          const char* authorization_header) const {
  if (users.empty()) return true;
  std::string user, password;
  if (!authorization_header || !parse_basic_authorization(authorization_header, user, password)) return false;
  const auto found = users.find(user);
  const bool known = found != users.end();
  const std::string& hash = known ? found->second : decoy_hash;
  if (known && cache_.contains(user, hash, password)) return true;
  bool ok = false;
  {
    std::lock_guard lock(bcrypt_mutex_);
    ok = bcrypt_matches(password, hash);
  }
  if (ok && known) {
    cache_.insert(user, hash, password);
    return true;
  }
  return false;
}

}  // namespace ifmib::server
