#include "api/openapi.h"

#include <fmt/format.h>

#include <boost/json.hpp>
#include <cstdint>
#include <memory>

#include "api/openapi_embedded.h"
#include "api/yaml_json.h"

namespace sapi::api {
namespace {

constexpr std::string_view kCacheControl = "public, max-age=300";

// FNV-1a: the ETag only has to change when the document does.
std::uint64_t fnv1a(std::string_view text) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::string_view openapi_yaml() { return embedded_openapi_yaml(); }

Result<OpenApiDocument> openapi_document(std::string_view base_path) {
  auto text = yaml_to_json(openapi_yaml());
  if (!text.ok()) return internal_error("docs/openapi.yaml: " + text.status().message());
  boost::json::value doc = boost::json::parse(*text);
  if (!doc.is_object()) return internal_error("docs/openapi.yaml: not a mapping");
  std::string url = base_path.empty() ? "/" : std::string(base_path);
  doc.as_object()["servers"] = boost::json::array{
      boost::json::object{{"url", url}, {"description", "The service this document came from."}}};
  std::string json = boost::json::serialize(doc);
  std::string etag = fmt::format("\"{:016x}\"", fnv1a(json));
  return OpenApiDocument{std::move(json), std::move(etag)};
}

bool etag_matches(std::string_view if_none_match, std::string_view etag) {
  while (!if_none_match.empty()) {
    size_t comma = if_none_match.find(',');
    std::string_view item = trim(if_none_match.substr(0, comma));
    if (item.starts_with("W/")) item.remove_prefix(2);
    if (item == "*" || item == etag) return true;
    if (comma == std::string_view::npos) break;
    if_none_match.remove_prefix(comma + 1);
  }
  return false;
}

Status add_openapi_route(http::Router& router, std::string_view base_path) {
  auto document = openapi_document(base_path);
  if (!document.ok()) return document.status();
  auto shared = std::make_shared<const OpenApiDocument>(std::move(*document));
  router.add(http::Method::kGet, "/openapi.json",
             [shared](http::Request& request, http::Responder responder) {
               http::Response r;
               auto given = request.header("if-none-match");
               if (given && etag_matches(*given, shared->etag)) {
                 r.status = 304;
               } else {
                 r = http::Response::json(200, shared->json);
               }
               r.headers.push_back({"etag", shared->etag});
               r.headers.push_back({"cache-control", std::string(kCacheControl)});
               responder.send(std::move(r));
             });
  return Status::ok_status();
}

}  // namespace sapi::api
