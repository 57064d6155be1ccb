#pragma once

// The pieces of a SigV4 signature, rebuilt exactly as AWS builds them for API Gateway
// (service execute-api): canonical URI, canonical query, canonical headers, canonical request,
// string to sign, signing key and signature. Pure functions over bytes.

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace sapi::auth::sigv4 {

// One header field as received: name lower-cased, value as sent.
struct HeaderField {
  std::string_view name;
  std::string_view value;
};

// Percent-decodes `in` into `out` ('+' stays '+'). False on a malformed escape.
bool uri_decode(std::string_view in, std::string& out);

// Appends `in` to `out` with every byte but the RFC 3986 unreserved ones (and '/' when
// `keep_slash`) written as %XX with upper-case hex.
void uri_encode(std::string_view in, bool keep_slash, std::string& out);

// The canonical URI of a path exactly as received on the wire (base path included, still
// percent-encoded): every segment encoded once more, so "/a%20b" becomes "/a%2520b" as the
// AWS signers produce for every service but S3. With `normalize`, "." and ".." segments are
// resolved and empty segments dropped first (what @smithy/signature-v4 does before
// encoding); without, the path is taken as it is (what API Gateway does).
std::string canonical_uri(std::string_view raw_path, bool normalize);

// The canonical query string of a raw query: parameters decoded and re-encoded per RFC 3986,
// sorted by name then value. With `drop_signature`, X-Amz-Signature is left out (presigned
// URLs). Fails (InvalidSignatureException) on a malformed escape or too many parameters.
Result<std::string> canonical_query(std::string_view raw_query, bool drop_signature);

// "name:value\n" for every name of `signed_names` (sorted, lower-case): each value trimmed
// with inner whitespace runs folded to one space, repeated headers joined with ','. Fails
// (InvalidSignatureException) when a signed header is absent.
Result<std::string> canonical_headers(const std::vector<HeaderField>& headers,
                                      std::span<const std::string_view> signed_names);

// canonical_headers() appended to `out` (on failure `out` holds part of it).
Status append_canonical_headers(const std::vector<HeaderField>& headers,
                                std::span<const std::string_view> signed_names, std::string& out);

// canonical_uri() appended to `out`.
void append_canonical_uri(std::string_view raw_path, bool normalize, std::string& out);

// "host;x-amz-date".
std::string join_signed_headers(std::span<const std::string_view> signed_names);

// METHOD \n URI \n QUERY \n HEADERS \n SIGNED-HEADERS \n PAYLOAD-HASH.
std::string canonical_request(std::string_view method, std::string_view uri, std::string_view query,
                              std::string_view headers, std::string_view signed_headers,
                              std::string_view payload_hash);

// AWS4-HMAC-SHA256 \n AMZ-DATE \n SCOPE \n hex(SHA-256(canonical request)).
std::string string_to_sign(std::string_view amz_date, std::string_view scope,
                           std::string_view canonical_request);

// HMAC chain "AWS4"+secret -> date -> region -> service -> "aws4_request"; 32 raw bytes.
std::string derive_signing_key(std::string_view secret, std::string_view date,
                               std::string_view region, std::string_view service);

// string_to_sign() written into `out` (cleared first), for callers that reuse a buffer.
void write_string_to_sign(std::string_view amz_date, std::string_view scope,
                          std::string_view canonical_request, std::string& out);

// hex(HMAC-SHA256(signing key, string to sign)).
std::string compute_signature(std::string_view signing_key, std::string_view string_to_sign);

}  // namespace sapi::auth::sigv4
