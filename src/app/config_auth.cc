#include "app/config_auth.h"

#include <fmt/format.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "api/identity.h"
#include "api/player_auth.h"
#include "app/config_binder.h"
#include "app/routes.h"
#include "auth/jwks_source.h"
#include "auth/jwt_verifier.h"
#include "auth/local_issuer.h"

namespace sapi::app {
namespace {

namespace fs = std::filesystem;

// Where the service records the local issuer it runs, for `session-api token`.
constexpr const char* kLocalIssuerFile = "local-issuer.json";

std::string check_url(const std::string& value) {
  if (value.empty()) return "";
  bool ok = (value.starts_with("https://") || value.starts_with("http://")) &&
            value.find_first_of(" \t\r\n") == std::string::npos && value.size() > 8;
  return ok ? "" : "expected an http(s) URL";
}

std::string check_claim_name(const std::string& value) {
  return value.empty() || value.size() > 128 ? "expected a claim name" : "";
}

std::string default_jwks_url(const std::string& issuer) {
  std::string base = issuer;
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base + "/.well-known/jwks.json";
}

std::optional<std::string> recorded_local_issuer(const Config& config) {
  std::ifstream in(fs::path(config.data_dir) / kLocalIssuerFile);
  if (!in) return std::nullopt;
  std::stringstream ss;
  ss << in.rdbuf();
  boost::json::error_code ec;
  auto doc = boost::json::parse(ss.str(), ec);
  if (ec || !doc.is_object()) return std::nullopt;
  const auto* iss = doc.as_object().if_contains("issuer");
  if (iss == nullptr || !iss->is_string()) return std::nullopt;
  return std::string(iss->as_string());
}

void record_local_issuer(const Config& config, const auth::LocalIssuer& issuer) {
  fs::path path = fs::path(config.data_dir) / kLocalIssuerFile;
  fs::path tmp = path;
  tmp += ".tmp";
  boost::json::object doc{{"issuer", issuer.issuer()}, {"clientId", issuer.client_id()}};
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << boost::json::serialize(doc) << "\n";
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
}

auth::ClaimPolicy claim_policy(const AuthConfig& a, std::string issuer) {
  auth::ClaimPolicy p;
  p.issuer = std::move(issuer);
  p.accept_id_tokens = a.token_use != "access";
  p.accept_access_tokens = a.token_use != "id";
  p.client_ids = a.client_ids;
  p.clock_skew = std::chrono::seconds(a.clock_skew_seconds);
  p.required_groups = a.required_groups;
  p.player_id_claim = a.player_id_claim;
  return p;
}

Result<std::unique_ptr<auth::KeyProvider>> external_keys(const Config& config, const Clock& clock,
                                                         obs::Logger& log) {
  const AuthConfig& a = config.section<AuthConfig>();
  if (!a.jwks_url.empty() && !a.jwks_file.empty()) {
    return invalid_argument("auth.jwks_url and auth.jwks_file are mutually exclusive");
  }
  auth::RefreshPolicy refresh;
  refresh.fetch_timeout = std::chrono::milliseconds(a.jwks_timeout_ms);
  bool from_file = !a.jwks_file.empty();
  std::string location = from_file            ? a.jwks_file
                         : a.jwks_url.empty() ? default_jwks_url(a.issuer)
                                              : a.jwks_url;
  auto keys = std::make_unique<auth::RefreshingKeyProvider>(location, auth::make_jwks_fetcher(),
                                                            clock, refresh);
  Status fetched = keys->fetch_now(from_file ? 1 : 3, std::chrono::milliseconds(500));
  if (!fetched.ok() && from_file) {
    return invalid_argument(fmt::format("auth.jwks_file: {}", fetched.message()));
  }
  if (!fetched.ok()) {
    log.error(
        "player token keys could not be fetched at start-up; tokens will fail until the "
        "issuer answers",
        {{"jwks_url", location}, {"reason", fetched.message()}});
  }
  return std::unique_ptr<auth::KeyProvider>(std::move(keys));
}

auth::JwtVerifier::Options verifier_options(const AuthConfig& a, std::string issuer) {
  auth::JwtVerifier::Options o;
  o.policy = claim_policy(a, std::move(issuer));
  o.cache_max_age = std::chrono::seconds(a.token_cache_seconds);
  return o;
}

}  // namespace

void bind_auth_config(ConfigBinder& b, Config& c) {
  auto& a = c.section<AuthConfig>();
  b.string("issuer", a.issuer, check_url);
  b.string("jwks_url", a.jwks_url, check_url);
  b.string("jwks_file", a.jwks_file);
  b.string("token_use", a.token_use, one_of({"id", "access", "both"}));
  b.string_list("client_ids", a.client_ids, non_empty());
  b.integer("clock_skew_seconds", a.clock_skew_seconds, 0, 600);
  b.string_list("required_groups", a.required_groups, non_empty());
  b.string("player_id_claim", a.player_id_claim, check_claim_name);
  b.boolean("trust_body_player_id", a.trust_body_player_id);
  b.integer("token_cache_seconds", a.token_cache_seconds, 0, 3600);
  b.integer("jwks_timeout_ms", a.jwks_timeout_ms, 100, 60'000);
  b.string("local_issuer", a.local_issuer, check_url);
  b.string("local_client_id", a.local_client_id, non_empty());
  b.integer("local_token_ttl_seconds", a.local_token_ttl_seconds, 60, 30 * 86400);
  b.string("sigv4_service", a.sigv4_service, non_empty());
  b.string("sigv4_region", a.sigv4_region);
  b.boolean("allow_unsigned_payload", a.allow_unsigned_payload);
  b.string("credentials_file", a.credentials_file);
}

std::string sigv4_region(const Config& config) {
  const auto& a = config.section<AuthConfig>();
  return a.sigv4_region.empty() ? config.aws_region : a.sigv4_region;
}

std::string credentials_file(const Config& config) {
  const auto& a = config.section<AuthConfig>();
  if (!a.credentials_file.empty()) return a.credentials_file;
  return (fs::path(config.data_dir) / "credentials.json").string();
}

std::string local_issuer_url(const Config& config) {
  const auto& a = config.section<AuthConfig>();
  if (!a.local_issuer.empty()) return a.local_issuer;
  if (auto recorded = recorded_local_issuer(config)) return *recorded;
  return fmt::format("http://{}/local", config.server.listen);
}

Result<std::unique_ptr<auth::LocalIssuer>> open_local_issuer(const Config& config) {
  const auto& a = config.section<AuthConfig>();
  return auth::LocalIssuer::load_or_create(config.data_dir, local_issuer_url(config),
                                           a.local_client_id);
}

Result<api::PlayerAuth*> mount_player_auth(Services& services, http::Router& router) {
  const Config& config = services.config;
  const AuthConfig& a = config.section<AuthConfig>();
  std::unique_ptr<auth::JwtVerifier> verifier;
  if (a.issuer.empty()) {
    // Without a recorded issuer the derived one is recorded, so later runs and the token
    // command agree even if the listen address changes.
    auto issuer = open_local_issuer(config);
    if (!issuer.ok()) return issuer.status();
    auth::LocalIssuer& local = services.keep(std::move(issuer.value()));
    record_local_issuer(config, local);
    auto options = verifier_options(a, local.issuer());
    options.policy.client_ids = {local.client_id()};
    verifier = std::make_unique<auth::JwtVerifier>(
        options, std::make_unique<auth::StaticKeyProvider>(local.key_set()), services.clock);
    api::add_local_issuer_routes(router, local);
    services.log.warn(
        "player auth: LOCAL ISSUER mode; this service signs its own player tokens (session-api "
        "token --player NAME). Configure auth.issuer for Cognito in production.",
        {{"issuer", local.issuer()}, {"kid", local.kid()}});
  } else {
    auto keys = external_keys(config, services.clock, services.log);
    if (!keys.ok()) return keys.status();
    verifier = std::make_unique<auth::JwtVerifier>(verifier_options(a, a.issuer),
                                                   std::move(keys.value()), services.clock);
    services.log.info("player auth: EXTERNAL ISSUER mode; the local issuer is off",
                      {{"issuer", a.issuer}, {"token_use", a.token_use}});
  }
  if (a.trust_body_player_id) {
    services.log.warn(
        "auth.trust_body_player_id is on: requests may act for any playerId they name, as the "
        "original service allowed");
  }
  auto& auth =
      services.keep(std::make_unique<api::PlayerAuth>(std::move(verifier), a.trust_body_player_id));
  api::add_identity_routes(router, auth);
  return &auth;
}

}  // namespace sapi::app
