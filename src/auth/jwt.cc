#include "auth/jwt.h"

#include <fmt/format.h>
#include <openssl/evp.h>

#include <algorithm>
#include <cctype>
#include <cmath>

#include "auth/base64url.h"
#include "auth/jwt_json.h"

namespace sapi::auth {
namespace {

namespace json = boost::json;

constexpr size_t kMaxKidBytes = 256;

Status malformed(std::string_view why) {
  return unauthenticated(fmt::format("malformed token: {}", why));
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// A NumericDate (RFC 7519 section 2): a JSON number, finite.
Result<std::optional<double>> numeric_date(const json::object& payload, std::string_view name) {
  const json::value* v = payload.if_contains(name);
  if (v == nullptr) return std::optional<double>();
  if (v->is_int64()) return std::optional<double>(static_cast<double>(v->as_int64()));
  if (v->is_uint64()) return std::optional<double>(static_cast<double>(v->as_uint64()));
  if (v->is_double() && std::isfinite(v->as_double())) return std::optional<double>(v->as_double());
  return malformed(fmt::format("{} is not a number", name));
}

std::optional<std::string_view> string_claim(const json::object& payload, std::string_view name) {
  const json::value* v = payload.if_contains(name);
  if (v == nullptr || !v->is_string()) return std::nullopt;
  return std::string_view(v->as_string());
}

bool listed(const std::vector<std::string>& list, std::string_view value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

Status check_client(const json::object& payload, const ClaimPolicy& policy, bool id_token) {
  if (policy.client_ids.empty()) return {};
  if (!id_token) {
    auto client_id = string_claim(payload, "client_id");
    if (client_id && listed(policy.client_ids, *client_id)) return {};
    return unauthenticated("wrong client_id");
  }
  // Cognito ID tokens carry exactly one audience, the app client id, as a string.
  auto aud = string_claim(payload, "aud");
  if (aud && listed(policy.client_ids, *aud)) return {};
  return unauthenticated("wrong audience");
}

Status check_times(const json::object& payload, const ClaimPolicy& policy, double now,
                   int64_t* expires_at) {
  auto exp = numeric_date(payload, "exp");
  if (!exp.ok()) return exp.status();
  if (!exp->has_value()) return unauthenticated("token has no exp");
  auto nbf = numeric_date(payload, "nbf");
  if (!nbf.ok()) return nbf.status();
  auto iat = numeric_date(payload, "iat");
  if (!iat.ok()) return iat.status();
  double skew = static_cast<double>(policy.clock_skew.count());
  if (now > **exp + skew) return unauthenticated("token expired");
  if (nbf->has_value() && now + skew < **nbf) return unauthenticated("token not yet valid");
  if (iat->has_value() && now + skew < **iat) return unauthenticated("token issued in the future");
  // Clamp before converting: a huge exp is legal JSON but not a representable int64.
  *expires_at = static_cast<int64_t>(std::min(std::floor(**exp), 9.0e15));
  return {};
}

Result<std::vector<std::string>> groups_of(const json::object& payload) {
  std::vector<std::string> groups;
  const json::value* v = payload.if_contains("cognito:groups");
  if (v == nullptr) return groups;
  if (!v->is_array()) return malformed("cognito:groups is not an array");
  for (const json::value& g : v->as_array()) {
    if (!g.is_string()) return malformed("cognito:groups holds a non-string");
    groups.emplace_back(g.as_string());
  }
  return groups;
}

}  // namespace

Result<ParsedJwt> parse_jwt(std::string_view token) {
  if (token.empty()) return malformed("empty");
  if (token.size() > kMaxTokenBytes) return malformed("too long");
  size_t first = token.find('.');
  if (first == std::string_view::npos) return malformed("not three segments");
  size_t second = token.find('.', first + 1);
  if (second == std::string_view::npos) return malformed("not three segments");
  if (token.find('.', second + 1) != std::string_view::npos) return malformed("too many segments");
  std::string_view h = token.substr(0, first);
  std::string_view p = token.substr(first + 1, second - first - 1);
  std::string_view s = token.substr(second + 1);
  if (h.empty() || p.empty() || s.empty()) return malformed("empty segment");

  ParsedJwt out;
  auto header = base64url_decode(h);
  if (!header.ok()) return malformed("header is not base64url");
  auto payload = base64url_decode(p);
  if (!payload.ok()) return malformed("payload is not base64url");
  auto signature = base64url_decode(s);
  if (!signature.ok()) return malformed("signature is not base64url");
  auto header_json = parse_json_object_strict(header.value());
  if (!header_json.ok()) return malformed("header: " + header_json.status().message());
  auto payload_json = parse_json_object_strict(payload.value());
  if (!payload_json.ok()) return malformed("payload: " + payload_json.status().message());
  out.header = std::move(header_json.value());
  out.payload = std::move(payload_json.value());
  out.signature = std::move(signature.value());
  out.signing_input = token.substr(0, second);
  return out;
}

Result<std::string> check_header(const json::object& header) {
  const json::value* alg = header.if_contains("alg");
  if (alg == nullptr || !alg->is_string()) return malformed("header has no alg");
  if (alg->as_string() != "RS256") return unauthenticated("unsupported algorithm (RS256 only)");
  if (const json::value* typ = header.if_contains("typ")) {
    if (!typ->is_string()) return malformed("typ is not a string");
    std::string_view t = typ->as_string();
    if (!iequals(t, "JWT") && !iequals(t, "at+jwt") && !iequals(t, "application/at+jwt")) {
      return unauthenticated("unsupported token type");
    }
  }
  // RFC 7515 section 4.1.11: extensions we do not understand must make the token invalid.
  if (header.contains("crit")) return unauthenticated("unsupported critical header");
  const json::value* kid = header.if_contains("kid");
  if (kid == nullptr) return unauthenticated("token has no kid");
  if (!kid->is_string() || kid->as_string().empty() || kid->as_string().size() > kMaxKidBytes) {
    return malformed("bad kid");
  }
  return std::string(kid->as_string());
}

Status check_signature(const ParsedJwt& jwt, const Jwk& jwk) {
  if (jwk.key() == nullptr)
    return unauthenticated("signing key unusable: " + jwk.unusable_reason());
  if (jwk.alg() && *jwk.alg() != "RS256") return unauthenticated("signing key is not for RS256");
  if (jwt.signature.size() != static_cast<size_t>(EVP_PKEY_get_size(jwk.key()))) {
    return unauthenticated("bad signature");
  }
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  if (ctx == nullptr) return internal_error("out of memory");
  int rc = EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, jwk.key());
  if (rc == 1) {
    rc = EVP_DigestVerify(
        ctx, reinterpret_cast<const unsigned char*>(jwt.signature.data()), jwt.signature.size(),
        reinterpret_cast<const unsigned char*>(jwt.signing_input.data()), jwt.signing_input.size());
  }
  EVP_MD_CTX_free(ctx);
  // Anything but exactly 1 (0 = mismatch, negative = error) is a failure.
  if (rc != 1) return unauthenticated("bad signature");
  return {};
}

Result<VerifiedToken> check_claims(const json::object& payload, const ClaimPolicy& policy,
                                   double now) {
  auto iss = string_claim(payload, "iss");
  if (!iss || *iss != policy.issuer) return unauthenticated("wrong issuer");
  auto use = string_claim(payload, "token_use");
  bool id_token = use && *use == "id";
  bool access_token = use && *use == "access";
  if (!(id_token && policy.accept_id_tokens) && !(access_token && policy.accept_access_tokens)) {
    return unauthenticated("wrong token_use");
  }
  VerifiedToken out;
  SAPI_RETURN_IF_ERROR(check_times(payload, policy, now, &out.expires_at));
  SAPI_RETURN_IF_ERROR(check_client(payload, policy, id_token));
  auto groups = groups_of(payload);
  if (!groups.ok()) return groups.status();
  out.groups = std::move(groups.value());
  if (!policy.required_groups.empty() &&
      std::none_of(out.groups.begin(), out.groups.end(),
                   [&](const std::string& g) { return listed(policy.required_groups, g); })) {
    return permission_denied("token lacks a required group");
  }
  auto player = string_claim(payload, policy.player_id_claim);
  if (!player || player->empty()) {
    return unauthenticated(fmt::format("token has no {} claim", policy.player_id_claim));
  }
  out.player_id = std::string(*player);
  out.subject = std::string(string_claim(payload, "sub").value_or(""));
  out.token_use = std::string(*use);
  return out;
}

}  // namespace sapi::auth
