#pragma once
// What the exporter serves: the telemetry path, where collect[] / exclude[] select collectors and
// the scrape becomes exposition text, and the landing page. Where the HTTP server (server/) meets
// the scrape (collector/).

#include <string_view>

#include "base/result.h"
#include "collector/scrape.h"
#include "cmd/landing_page.h"
#include "server/http_server.h"

namespace ifmib::cmd {

/// Splits a query string into collect[] / exclude[] selections. Other parameters are ignored, as
/// node_exporter ignores them. Bad percent-encoding and both kinds at once are errors (400).
Result<collector::Selection> parse_selection(std::string_view query_string);

/// The response to one request of the telemetry path: 200 with the scrape's text (gzip allowed),
/// or 400 naming a bad query or an unknown or disabled collector. Thread-safe, as the Scraper is.
server::HttpResponse serve_scrape(const collector::Scraper& scraper, const server::HttpRequest& request);

/// The server's routes for `scraper` (which must outlive the server) and the landing page.
server::Routes exporter_routes(const collector::Scraper& scraper, const LandingPage& page);

}  // namespace ifmib::cmd
