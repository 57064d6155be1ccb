#include "api/metrics_route.h"

namespace sapi::api {
namespace {

// Compares without an early exit, so timing does not tell how much of a guess was right.
bool same_secret(std::string_view a, std::string_view b) {
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  for (size_t i = 0; i < a.size(); ++i) {
    diff |= static_cast<unsigned char>(a[i] ^ (b.empty() ? 0 : b[i % b.size()]));
  }
  return diff == 0;
}

}  // namespace

void add_metrics_route(http::Router& router, const obs::Registry& registry, std::string token) {
  router.add(
      http::Method::kGet, "/metrics",
      [&registry, token = std::move(token)](http::Request& request, http::Responder responder) {
        if (!token.empty()) {
          std::string_view given = request.header("authorization").value_or("");
          constexpr std::string_view kBearer = "Bearer ";
          if (!given.starts_with(kBearer) || !same_secret(given.substr(kBearer.size()), token)) {
            responder.send(http::json_error(401, "UNAUTHORIZED", "metrics need a token"));
            return;
          }
        }
        http::Response response;
        response.content_type = "text/plain; version=0.0.4; charset=utf-8";
        response.body = registry.render();
        responder.send(std::move(response));
      });
}

}  // namespace sapi::api
