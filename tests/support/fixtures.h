#pragma once
// Reads captured fixtures from tests/unit/fixtures (see the README there for how each was made).

#include <cstdint>
#include <string>
#include <vector>

namespace ifmib::test {

/// Whole file as bytes; fails the running test (doctest REQUIRE) when it cannot be read.
std::vector<std::uint8_t> read_fixture_bytes(const std::string& relative_path);
/// Whole file as text.
std::string read_fixture_text(const std::string& relative_path);

}  // namespace ifmib::test
