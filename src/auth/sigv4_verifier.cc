#include "auth/sigv4_verifier.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>

#include "auth/crypto.h"
#include "auth/sigv4_error.h"
#include "auth/sigv4_parse.h"
#include "auth/sigv4_signer.h"

namespace sapi::auth::sigv4 {

namespace {

constexpr size_t kMaxCachedKeys = 4096;
constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";
constexpr std::string_view kInvalidToken = "The security token included in the request is invalid.";

// The only value of header `name`; nullopt when absent, an error when repeated.
Result<std::optional<std::string_view>> single_header(const SignedRequest& request,
                                                      std::string_view name) {
  std::optional<std::string_view> found;
  for (const HeaderField& h : request.headers) {
    if (h.name != name) continue;
    if (found) return refusal(Reason::kIncompleteSignature, fmt::format("{} is repeated", name));
    found = h.value;
  }
  return found;
}

// Whether `hex` is the lowercase hex of `digest`, in time that depends only on the lengths.
bool hex_equal(const Sha256Digest& digest, std::string_view hex) {
  char expected[2 * sizeof(Sha256Digest)];
  static constexpr char kDigits[] = "0123456789abcdef";
  for (size_t i = 0; i < digest.size(); ++i) {
    expected[2 * i] = kDigits[digest[i] >> 4];
    expected[2 * i + 1] = kDigits[digest[i] & 0xF];
  }
  return constant_time_equal(std::string_view(expected, sizeof(expected)), hex);
}

bool is_lower_hex64(std::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace

// Views into the request (or into the claim's decoded query), like the claim itself.
struct Verifier::Claimed {
  SignatureClaim claim;
  std::string_view amz_date;
  int64_t request_time = 0;
  std::optional<std::string_view> security_token;
};

Verifier::Verifier(VerifierOptions options, const CredentialLookup& credentials, const Clock& clock)
    : options_(std::move(options)), credentials_(credentials), clock_(clock) {}

Result<Verifier::Claimed> Verifier::claim_of(const SignedRequest& request) const {
  std::optional<std::string_view> authorization;
  for (const HeaderField& h : request.headers) {
    if (h.name != "authorization") continue;
    if (authorization) {
      return refusal(Reason::kIncompleteSignature, "Authorization header is repeated");
    }
    authorization = h.value;
  }
  bool presigned = looks_presigned(request.query);
  if (authorization && presigned) {
    return refusal(Reason::kIncompleteSignature,
                   "a request is signed either in the Authorization header or in the query, "
                   "not both");
  }
  Claimed out;
  if (presigned) {
    auto claim = parse_presigned_query(request.query);
    if (!claim.ok()) return claim.status();
    out.claim = std::move(claim).value();
    out.amz_date = out.claim.amz_date;
    out.security_token = out.claim.security_token;
  } else {
    if (!authorization) {
      return refusal(Reason::kMissingAuthenticationToken, "Missing Authentication Token");
    }
    auto claim = parse_authorization(*authorization);
    if (!claim.ok()) return claim.status();
    out.claim = std::move(claim).value();
    auto date = single_header(request, "x-amz-date");
    if (!date.ok()) return date.status();
    if (!date->has_value()) {
      return refusal(Reason::kIncompleteSignature,
                     "Authorization header requires existence of a 'X-Amz-Date' header.");
    }
    out.amz_date = **date;
    auto token = single_header(request, "x-amz-security-token");
    if (!token.ok()) return token.status();
    out.security_token = *token;
  }
  auto when = parse_amz_date(out.amz_date);
  if (!when) {
    return refusal(Reason::kIncompleteSignature, "X-Amz-Date must be YYYYMMDD'T'HHMMSS'Z'");
  }
  out.request_time = *when;
  return out;
}

Status Verifier::check_time(const Claimed& claimed) const {
  int64_t now = epoch_seconds(clock_.now());
  int64_t skew = options_.max_skew.count();
  if (claimed.request_time > now + skew) {
    return refusal(Reason::kRequestExpired,
                   fmt::format("Signature not yet current: {} is still later than {} ({} + {} "
                               "min.)",
                               claimed.amz_date, format_amz_date(now + skew), format_amz_date(now),
                               skew / 60));
  }
  if (claimed.claim.presigned) {
    if (now > claimed.request_time + claimed.claim.expires_seconds) {
      return refusal(
          Reason::kRequestExpired,
          fmt::format("Request has expired: signed at {} for {} s, now is {}", claimed.amz_date,
                      claimed.claim.expires_seconds, format_amz_date(now)));
    }
  } else if (claimed.request_time < now - skew) {
    return refusal(
        Reason::kRequestExpired,
        fmt::format("Signature expired: {} is now earlier than {} ({} - {} min.)", claimed.amz_date,
                    format_amz_date(now - skew), format_amz_date(now), skew / 60));
  }
  return {};
}

Status Verifier::check_scope(const Claimed& claimed) const {
  const CredentialScope& scope = claimed.claim.credential;
  if (scope.date != claimed.amz_date.substr(0, 8)) {
    return refusal(Reason::kInvalidSignature,
                   fmt::format("Date in Credential scope does not match YYYYMMDD from ISO-8601 "
                               "version of date from HTTP: '{}' != '{}'",
                               scope.date, claimed.amz_date.substr(0, 8)));
  }
  if (scope.region != options_.region) {
    return refusal(Reason::kInvalidSignature,
                   fmt::format("Credential should be scoped to a valid region, not '{}'. "
                               "Expected '{}'",
                               scope.region, options_.region));
  }
  if (scope.service != options_.service) {
    return refusal(Reason::kInvalidSignature,
                   "Credential should be scoped to correct service: '" + options_.service + "'");
  }
  if (scope.terminator != "aws4_request") {
    return refusal(Reason::kInvalidSignature,
                   fmt::format("Credential should be scoped with a valid terminator: "
                               "'aws4_request', not '{}'",
                               scope.terminator));
  }
  return {};
}

Status Verifier::check_signed_headers(const SignedRequest& request, const Claimed& claimed) const {
  auto names = claimed.claim.signed_headers.view();
  auto is_signed = [&](std::string_view name) {
    return std::binary_search(names.begin(), names.end(), name);
  };
  if (!is_signed("host")) {
    return refusal(Reason::kIncompleteSignature,
                   "'Host' must be a 'SignedHeader' in the AWS Authorization.");
  }
  if (!claimed.claim.presigned && !is_signed("x-amz-date")) {
    return refusal(Reason::kIncompleteSignature,
                   "'X-Amz-Date' must be a 'SignedHeader' in the AWS Authorization.");
  }
  for (const HeaderField& h : request.headers) {
    if (h.name.starts_with("x-amz-") && !is_signed(h.name)) {
      return refusal(Reason::kInvalidSignature,
                     fmt::format("header '{}' is present but not signed", h.name));
    }
  }
  return {};
}

Status Verifier::check_credential(const Credential& credential, const Claimed& claimed) const {
  if (credential.expires_at && epoch_seconds(clock_.now()) >= *credential.expires_at) {
    return refusal(Reason::kExpiredToken, "The security token included in the request is expired");
  }
  if (credential.session_token.has_value() != claimed.security_token.has_value()) {
    return refusal(Reason::kUnrecognizedClient, kInvalidToken);
  }
  if (credential.session_token &&
      !constant_time_equal(*credential.session_token, *claimed.security_token)) {
    return refusal(Reason::kUnrecognizedClient, kInvalidToken);
  }
  return {};
}

Result<std::string> Verifier::payload_hash(const SignedRequest& request) const {
  auto declared = single_header(request, "x-amz-content-sha256");
  if (!declared.ok()) return declared.status();
  if (!declared->has_value()) return sha256_hex(request.body);
  std::string_view value = **declared;
  if (value == kUnsignedPayload) {
    if (!options_.allow_unsigned_payload) {
      return refusal(Reason::kInvalidSignature,
                     "UNSIGNED-PAYLOAD is not accepted: sign the body's SHA-256");
    }
    return std::string(kUnsignedPayload);
  }
  std::string actual = sha256_hex(request.body);
  if (!is_lower_hex64(value) || !constant_time_equal(value, actual)) {
    return refusal(Reason::kInvalidSignature,
                   "The provided 'x-amz-content-sha256' header does not match what was "
                   "computed.");
  }
  return actual;
}

// The key is a function of the secret and the scope alone, so each thread keeps the last one
// it used: a game server's requests of one day all hit it without a lock or a lookup, and
// its HMAC's inner and outer states are computed once rather than per request.
struct Verifier::ThreadKey {
  std::string secret, date, region, service, key;
  std::optional<HmacSha256Key> hmac;
};

Verifier::ThreadKey& Verifier::signing_key(const Credential& credential,
                                           const Claimed& claimed) const {
  const CredentialScope& scope = claimed.claim.credential;
  thread_local ThreadKey last;
  if (last.hmac && last.date == scope.date && last.region == scope.region &&
      last.service == scope.service && last.secret == credential.secret_access_key) {
    return last;
  }
  std::string cache_key = fmt::format("{}\n{}\n{}\n{}", credential.access_key_id, scope.date,
                                      scope.region, scope.service);
  std::string key;
  {
    std::lock_guard lock(cache_mu_);
    auto it = key_cache_.find(cache_key);
    if (it != key_cache_.end() && it->second.secret == credential.secret_access_key) {
      key = it->second.key;
    }
  }
  if (key.empty()) {
    key = derive_signing_key(credential.secret_access_key, scope.date, scope.region, scope.service);
    std::lock_guard lock(cache_mu_);
    // Dates roll over and credentials come and go: start afresh rather than track ages.
    if (key_cache_.size() >= kMaxCachedKeys) key_cache_.clear();
    key_cache_[cache_key] = CachedKey{credential.secret_access_key, key};
  }
  // Without its MAC the entry never matches, should a copy below throw half-way.
  last.hmac.reset();
  last.secret = credential.secret_access_key;
  last.date = scope.date;
  last.region = scope.region;
  last.service = scope.service;
  last.key = std::move(key);
  last.hmac.emplace(last.key);  // a derived key is 32 bytes, never empty
  return last;
}

Result<Credential> Verifier::verify(const SignedRequest& request, SigningTrace* trace) const {
  auto claimed = claim_of(request);
  if (!claimed.ok()) return claimed.status();
  SAPI_RETURN_IF_ERROR(check_time(*claimed));
  SAPI_RETURN_IF_ERROR(check_scope(*claimed));
  SAPI_RETURN_IF_ERROR(check_signed_headers(request, *claimed));
  std::optional<Credential> credential = credentials_.find(claimed->claim.credential.access_key_id);
  if (!credential) return refusal(Reason::kUnrecognizedClient, kInvalidToken);
  SAPI_RETURN_IF_ERROR(check_credential(*credential, *claimed));

  const SignatureClaim& claim = claimed->claim;
  auto hash = payload_hash(request);
  if (!hash.ok()) return hash.status();
  // The canonical request is "METHOD\nURI\n" + this tail; both it and the string to sign
  // are built in buffers each thread reuses, so a request costs no allocation here.
  thread_local std::string tail, creq, sts;
  tail.clear();
  tail.push_back('\n');
  if (!request.query.empty()) {
    auto query = canonical_query(request.query, claim.presigned);
    if (!query.ok()) return query.status();
    tail.append(*query);
  }
  tail.push_back('\n');
  auto signed_names = claim.signed_headers.view();
  SAPI_RETURN_IF_ERROR(append_canonical_headers(request.headers, signed_names, tail));
  tail.push_back('\n');
  for (size_t i = 0; i < signed_names.size(); ++i) {
    if (i > 0) tail.push_back(';');
    tail.append(signed_names[i]);
  }
  tail.push_back('\n');
  tail.append(*hash);
  std::string scope = claim.credential.scope();
  ThreadKey& key = signing_key(*credential, *claimed);

  bool matched = false;
  size_t plain_uri_size = 0;
  for (bool normalize : {false, true}) {
    creq.assign(request.method).push_back('\n');
    size_t uri_at = creq.size();
    append_canonical_uri(request.raw_path, normalize, creq);
    std::string_view uri(creq.data() + uri_at, creq.size() - uri_at);
    if (!normalize) {
      plain_uri_size = uri.size();
    } else if (!options_.accept_normalized_path ||
               (uri.size() == plain_uri_size && uri == canonical_uri(request.raw_path, false))) {
      break;
    }
    creq.append(tail);
    write_string_to_sign(claimed->amz_date, scope, creq, sts);
    Sha256Digest mac = key.hmac->mac(sts);
    matched = hex_equal(mac, claim.signature);
    if (trace && (!normalize || matched)) {
      *trace = SigningTrace{creq, sts, compute_signature(key.key, sts)};
    }
    if (matched) break;
  }
  if (!matched) {
    return refusal(Reason::kSignatureDoesNotMatch,
                   "The request signature we calculated does not match the signature you "
                   "provided. Check your AWS Secret Access Key and signing method.");
  }
  credential->secret_access_key.clear();
  credential->session_token.reset();
  return std::move(*credential);
}

}  // namespace sapi::auth::sigv4
