#pragma once

// Verifies AWS Signature Version 4 requests (Authorization header or presigned URL) the way
// API Gateway does for service execute-api, against a credential store and an injected
// clock. Refusals are kPermissionDenied Statuses named in AWS's words (sigv4_error.h); they
// never contain the signature, the secret or the session token.

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/credential.h"
#include "auth/sigv4_canonical.h"
#include "base/clock.h"
#include "base/result.h"

namespace sapi::auth::sigv4 {

struct VerifierOptions {
  std::string region = "eu-west-1";
  std::string service = "execute-api";
  // UNSIGNED-PAYLOAD in x-amz-content-sha256 leaves the body unauthenticated: off by default.
  bool allow_unsigned_payload = false;
  // How far X-Amz-Date may be from now (AWS: 15 minutes).
  std::chrono::seconds max_skew{15 * 60};
  // Also accept a signature over the normalized path ("." and ".." resolved, empty segments
  // dropped), which is what @smithy/signature-v4 signs when the path has such segments.
  bool accept_normalized_path = true;
};

// A request as received: method, raw path (base path included, not decoded), raw query
// (without '?'), headers with lower-cased names in received order, and the body.
struct SignedRequest {
  std::string_view method;
  std::string_view raw_path;
  std::string_view query;
  std::vector<HeaderField> headers;
  std::string_view body;
};

// The intermediate strings of the last check, for tests and for debugging clients. They may
// contain the session token (a signed header): never log them.
struct SigningTrace {
  std::string canonical_request;
  std::string string_to_sign;
  std::string signature;  // the one the secret gives
};

class Verifier {
 public:
  // `credentials` and `clock` must outlive the verifier.
  Verifier(VerifierOptions options, const CredentialLookup& credentials, const Clock& clock);

  // The credential that signed `request` (with its secret and session token cleared), or a
  // refusal. Thread-safe. With `trace`, fills in the canonical request, string to sign and
  // expected signature when the check got that far.
  Result<Credential> verify(const SignedRequest& request, SigningTrace* trace = nullptr) const;

  const VerifierOptions& options() const { return options_; }

 private:
  struct Claimed;
  Result<Claimed> claim_of(const SignedRequest& request) const;
  Status check_time(const Claimed& claimed) const;
  Status check_scope(const Claimed& claimed) const;
  Status check_signed_headers(const SignedRequest& request, const Claimed& claimed) const;
  Status check_credential(const Credential& credential, const Claimed& claimed) const;
  Result<std::string> payload_hash(const SignedRequest& request) const;
  // This thread's last signing key, keyed for HMAC; valid until this thread's next call.
  struct ThreadKey;
  ThreadKey& signing_key(const Credential& credential, const Claimed& claimed) const;

  VerifierOptions options_;
  const CredentialLookup& credentials_;
  const Clock& clock_;

  // Signing keys by access key id, date, region and service; the secret is kept beside the
  // key so that a credential re-created with another secret never hits a stale entry.
  struct CachedKey {
    std::string secret;
    std::string key;
  };
  mutable std::mutex cache_mu_;
  mutable std::map<std::string, CachedKey, std::less<>> key_cache_;
};

}  // namespace sapi::auth::sigv4
