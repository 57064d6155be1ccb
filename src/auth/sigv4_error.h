#pragma once

// The reasons a SigV4 request is refused, named as AWS names them so that clients written
// against API Gateway recognise them. Every refusal is a Status with Code::kPermissionDenied
// whose message starts with the reason: "SignatureDoesNotMatch: The request signature ...".

#include <string>
#include <string_view>

#include "base/status.h"

namespace sapi::auth::sigv4 {

enum class Reason {
  kMissingAuthenticationToken,  // no Authorization header and no presigned query
  kIncompleteSignature,         // malformed Authorization header or presigned query
  kInvalidSignature,            // well-formed but breaks a rule (scope, unsigned header, ...)
  kSignatureDoesNotMatch,       // the signature is not the one the secret gives
  kRequestExpired,              // X-Amz-Date too far from now, or a presigned URL expired
  kUnrecognizedClient,          // unknown access key id or wrong session token
  kExpiredToken,                // the credential itself has expired
  kAccessDenied,                // valid signature, but the credential may not call this route
};

// "SignatureDoesNotMatch", "InvalidSignatureException", ...
std::string_view reason_name(Reason reason);

// A kPermissionDenied Status whose message is "<reason name>: <text>".
Status refusal(Reason reason, std::string_view text);

}  // namespace sapi::auth::sigv4
