#include "cmd/routes.h"

#include <utility>

#include "cmd/family_parts.h"
#include "server/url.h"

namespace ifmib::cmd {

namespace {

constexpr const char* kExpositionContentType = "text/plain; version=0.0.4; charset=utf-8";

}  // namespace

Result<collector::Selection> parse_selection(std::string_view query_string) {
  auto parameters = server::parse_query(query_string);
  if (!parameters) return parameters.error();
  collector::Selection selection;
  for (auto& [name, value] : *parameters) {
    if (name == "collect[]") {
      selection.include.push_back(std::move(value));
    } else if (name == "exclude[]") {
      selection.exclude.push_back(std::move(value));
    }
  }
  if (!selection.include.empty() && !selection.exclude.empty()) {
    return Error::invalid("query string", "collect[] and exclude[] cannot be combined");
  }
  return selection;
}

server::HttpResponse serve_scrape(const collector::Scraper& scraper, const server::HttpRequest& request) {
  auto selection = parse_selection(request.query);
  if (!selection) return server::text_response(400, selection.error().text() + "\n");
  if (auto problem = scraper.check(*selection)) return server::text_response(400, *problem + "\n");
  server::HttpResponse response;
  response.content_type = kExpositionContentType;
  // In parts, one per family: for gzip the server compresses again only the families that
  // changed since an earlier response (server/gzip_cache.h).
  response.parts = family_parts(scraper.scrape(*selection));
  response.compressible = true;
  return response;
}

server::Routes exporter_routes(const collector::Scraper& scraper, const LandingPage& page) {
  server::HttpResponse landing;
  landing.content_type = "text/html; charset=utf-8";
  landing.body = landing_page_html(page);
  return server::Routes{
      [&scraper](const server::HttpRequest& request) { return serve_scrape(scraper, request); },
      [landing = std::move(landing)] { return landing; }};
}

}  // namespace ifmib::cmd
