#include "cmd/landing_page.h"

#include <string_view>

namespace ifmib::cmd {

namespace {

// `text` with &, <, > and " escaped for HTML text and attribute values.
std::string html_escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace

std::string landing_page_html(const LandingPage& page) {
  const std::string metrics = html_escape(page.telemetry_path);
  std::string names;
  for (const auto& n : page.collectors) names += (names.empty() ? "" : ", ") + n;
  return "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>ifmib_exporter</title></head>\n"
         "<body>\n<h1>ifmib_exporter</h1>\n"
         "<p>Prometheus exporter for the interface MIB, send queues and multicast memberships.</p>\n"
         "<ul>\n<li><a href=\"" + metrics + "\">Metrics</a></li>\n"
         "<li><a href=\"/-/healthy\">Health</a></li>\n</ul>\n"
         "<p>Collectors: " + html_escape(names) + "</p>\n"
         "<p>Version " + html_escape(page.version) + " (" + html_escape(page.revision) + ")</p>\n"
         "</body>\n</html>\n";
}

}  // namespace ifmib::cmd
