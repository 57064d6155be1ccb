#include "api/openapi.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <fstream>
#include <sstream>

namespace sapi::api {
namespace {

namespace json = boost::json;

http::Response get(const http::Router& router, std::vector<http::Header> headers = {}) {
  http::Request request;
  request.method = http::Method::kGet;
  request.headers = std::move(headers);
  http::Response out;
  router.dispatch(request, "/openapi.json",
                  http::Responder::from_function([&](http::Response r) { out = std::move(r); }));
  return out;
}

std::string header(const http::Response& r, std::string_view name) {
  for (const auto& h : r.headers) {
    if (h.name == name) return h.value;
  }
  return "";
}

TEST(OpenApiTest, TheEmbeddedDocumentIsDocsOpenapiYaml) {
  // Tests run from the source tree: the binary must serve the document as it is there.
  std::ifstream file("docs/openapi.yaml", std::ios::binary);
  ASSERT_TRUE(file) << "run from the repository root";
  std::stringstream text;
  text << file.rdbuf();
  std::string on_disk = text.str();
  std::string_view embedded = openapi_yaml();
  // Names the first line that differs instead of printing both documents.
  size_t at =
      std::mismatch(embedded.begin(), embedded.end(), on_disk.begin(), on_disk.end()).first -
      embedded.begin();
  size_t line = std::count(embedded.begin(), embedded.begin() + at, '\n') + 1;
  EXPECT_TRUE(embedded == on_disk)
      << "docs/openapi.yaml differs from the embedded copy from line " << line << ": rebuild";
}

TEST(OpenApiTest, TheDocumentIsOpenApi31WithTheServicesRoutes) {
  auto document = openapi_document();
  ASSERT_TRUE(document.ok()) << document.status().message();
  json::value doc = json::parse(document->json);
  EXPECT_EQ(doc.at("openapi").as_string(), "3.1.0");
  const json::object& paths = doc.at("paths").as_object();
  for (const char* path :
       {"/health/live", "/openapi.json", "/matchmaking/start", "/matchmaking/status/{ticketId}",
        "/session-summary", "/players/{playerId}/rewards"}) {
    EXPECT_TRUE(paths.contains(path)) << path;
  }
  // Status codes are keys, so they stay strings; numbers in schemas are numbers.
  const json::object& start = paths.at("/matchmaking/start").at("post").as_object();
  EXPECT_TRUE(start.at("responses").as_object().contains("200"));
  const json::object& schemas = doc.at("components").at("schemas").as_object();
  EXPECT_EQ(schemas.at("StartMatchmakingRequest").at("properties").at("players").at("maxItems"),
            json::value(10));
  EXPECT_EQ(schemas.at("Error").at("required"), json::parse(R"(["error","message"])"));
}

TEST(OpenApiTest, ServersPointAtTheServiceItself) {
  // Viewers resolve a relative server URL against where they loaded the document from.
  json::value plain = json::parse(openapi_document()->json);
  EXPECT_EQ(plain.at("servers").at(0).at("url"), "/");
  EXPECT_EQ(plain.at("servers").as_array().size(), 1u);
  auto staged = openapi_document("/dev");
  ASSERT_TRUE(staged.ok());
  json::value dev = json::parse(staged->json);
  EXPECT_EQ(dev.at("servers").at(0).at("url"), "/dev");
  EXPECT_NE(staged->etag, openapi_document()->etag);
  // Nothing else differs.
  dev.as_object().erase("servers");
  plain.as_object().erase("servers");
  EXPECT_EQ(dev, plain);
}

TEST(OpenApiTest, GetAnswersTheDocumentWithAnETag) {
  http::Router router;
  ASSERT_TRUE(add_openapi_route(router).ok());
  http::Response r = get(router);
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(r.content_type.empty() || r.content_type == "application/json");
  EXPECT_EQ(r.body, openapi_document()->json);
  std::string etag = header(r, "etag");
  EXPECT_EQ(etag.size(), 18u);
  EXPECT_EQ(etag.front(), '"');
  EXPECT_EQ(etag.back(), '"');
  EXPECT_EQ(header(r, "cache-control"), "public, max-age=300");
  EXPECT_EQ(get(router).body, r.body);
  EXPECT_EQ(header(get(router), "etag"), etag) << "the ETag is stable";
}

TEST(OpenApiTest, IfNoneMatchWithTheETagIsNotModified) {
  http::Router router;
  ASSERT_TRUE(add_openapi_route(router).ok());
  std::string etag = header(get(router), "etag");
  for (const std::string& given : {etag, "W/" + etag, "\"other\", " + etag, std::string("*")}) {
    http::Response r = get(router, {{"if-none-match", given}});
    EXPECT_EQ(r.status, 304) << given;
    EXPECT_TRUE(r.body.empty());
    EXPECT_EQ(header(r, "etag"), etag);
  }
  for (const std::string& given : {std::string("\"other\""), std::string(""), etag.substr(1)}) {
    EXPECT_EQ(get(router, {{"if-none-match", given}}).status, 200) << given;
  }
}

TEST(OpenApiTest, EtagMatchingFollowsRfc9110) {
  EXPECT_TRUE(etag_matches("\"a\"", "\"a\""));
  EXPECT_TRUE(etag_matches(" \"b\" ,\t\"a\" ", "\"a\""));
  EXPECT_TRUE(etag_matches("W/\"a\"", "\"a\""));
  EXPECT_FALSE(etag_matches("\"ab\"", "\"a\""));
  EXPECT_FALSE(etag_matches("a", "\"a\""));
  EXPECT_FALSE(etag_matches(",,", "\"a\""));
}

}  // namespace
}  // namespace sapi::api
