#include "tests/support/fixtures.h"

#include <doctest/doctest.h>

#include <fstream>
#include <iterator>

namespace ifmib::test {

namespace {
std::string fixture_path(const std::string& relative_path) {
  return std::string(IFMIB_FIXTURE_DIR) + "/" + relative_path;
}
}  // namespace

std::vector<std::uint8_t> read_fixture_bytes(const std::string& relative_path) {
  std::ifstream in(fixture_path(relative_path), std::ios::binary);
  REQUIRE_MESSAGE(in.good(), "cannot open fixture " << fixture_path(relative_path));
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string read_fixture_text(const std::string& relative_path) {
  std::ifstream in(fixture_path(relative_path), std::ios::binary);
  REQUIRE_MESSAGE(in.good(), "cannot open fixture " << fixture_path(relative_path));
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace ifmib::test
