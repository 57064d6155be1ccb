#pragma once

// Strict, bounded parsing of the two places a SigV4 signature travels: the Authorization
// header and the presigned query string. Nothing here knows secrets or clocks; the results
// are checked against the credential store and the time by the verifier (sigv4_verifier.h).

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace sapi::auth::sigv4 {

inline constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";

// Limits that keep hostile input cheap to refuse.
inline constexpr size_t kMaxAuthorizationBytes = 4096;
inline constexpr size_t kMaxSignedHeaders = 32;
inline constexpr size_t kMaxQueryParams = 64;
inline constexpr int64_t kMaxPresignedExpiresSeconds = 7 * 24 * 3600;

// What a claim's fields view: the Authorization header they were parsed from (which must
// outlive the claim), or for a presigned URL the claim's own percent-decoded copy of the
// query's values. Parsing a header into views costs no allocation.

// "AKID/20150830/us-east-1/service/aws4_request", split.
struct CredentialScope {
  std::string_view access_key_id;
  std::string_view date;  // YYYYMMDD
  std::string_view region;
  std::string_view service;
  std::string_view terminator;  // must be "aws4_request"; checked by the verifier for AWS's wording

  // "20150830/us-east-1/service/aws4_request".
  std::string scope() const;
};

// The SignedHeaders list: lower-case, strictly ascending, at most kMaxSignedHeaders.
class SignedHeaderNames {
 public:
  // False (and nothing added) when the list is full.
  bool push_back(std::string_view name) {
    if (size_ == names_.size()) return false;
    names_[size_++] = name;
    return true;
  }
  std::span<const std::string_view> view() const { return {names_.data(), size_}; }

 private:
  std::array<std::string_view, kMaxSignedHeaders> names_;
  size_t size_ = 0;
};

// What a signed request claims, from either place.
struct SignatureClaim {
  CredentialScope credential;
  SignedHeaderNames signed_headers;
  std::string_view signature;  // 64 lower-case hex digits
  bool presigned = false;
  // Presigned only (the header form takes them from headers):
  std::string_view amz_date;                       // X-Amz-Date
  int64_t expires_seconds = 0;                     // X-Amz-Expires
  std::optional<std::string_view> security_token;  // X-Amz-Security-Token
  // The decoded query values the views above point into (presigned only). Behind a pointer
  // so that they stay where they are when the claim moves.
  std::unique_ptr<std::vector<std::string>> decoded;
};

// Parses `AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...`. Each of the
// three parts exactly once, in any order, nothing else. Errors are IncompleteSignature
// refusals (see sigv4_error.h).
Result<SignatureClaim> parse_authorization(std::string_view header);

// True when the raw query carries any X-Amz-Algorithm/-Credential/-Signature parameter,
// i.e. when the request means to be presigned.
bool looks_presigned(std::string_view raw_query);

// Parses the X-Amz-* parameters of a presigned URL's raw query (still percent-encoded).
// Each required parameter exactly once; X-Amz-Expires between 1 and 7 days.
Result<SignatureClaim> parse_presigned_query(std::string_view raw_query);

// Parses "YYYYMMDDTHHMMSSZ" into seconds since the epoch; nullopt when malformed.
std::optional<int64_t> parse_amz_date(std::string_view text);

// Splits a raw query on '&' into (name, value) pairs, still encoded; empty pieces are
// skipped and a piece without '=' has an empty value. Nullopt past kMaxQueryParams.
std::optional<std::vector<std::pair<std::string_view, std::string_view>>> split_query(
    std::string_view raw_query);

}  // namespace sapi::auth::sigv4
