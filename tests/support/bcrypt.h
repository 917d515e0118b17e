#pragma once
// Real bcrypt hashes for web-config tests, made with the system's libcrypt.

#include <string>

namespace ifmib::test {

/// A $2b$ hash of `password` at the lowest cost (04), to keep tests fast. REQUIREs success.
std::string bcrypt_hash(const std::string& password);

}  // namespace ifmib::test
