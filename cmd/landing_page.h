#pragma once
// The HTML page at "/": links to the metrics and health endpoints, the enabled collectors, the version.

#include <string>
#include <vector>

namespace ifmib::cmd {

struct LandingPage {
  std::string telemetry_path;
  std::vector<std::string> collectors;  // enabled, in flag order
  std::string version;
  std::string revision;
};

/// The page's HTML; every value is escaped.
std::string landing_page_html(const LandingPage& page);

}  // namespace ifmib::cmd
