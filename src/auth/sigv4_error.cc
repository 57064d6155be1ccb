#include "auth/sigv4_error.h"

namespace sapi::auth::sigv4 {

std::string_view reason_name(Reason reason) {
  switch (reason) {
    case Reason::kMissingAuthenticationToken:
      return "MissingAuthenticationToken";
    case Reason::kIncompleteSignature:
      return "IncompleteSignature";
    case Reason::kInvalidSignature:
      return "InvalidSignatureException";
    case Reason::kSignatureDoesNotMatch:
      return "SignatureDoesNotMatch";
    case Reason::kRequestExpired:
      return "RequestExpired";
    case Reason::kUnrecognizedClient:
      return "UnrecognizedClientException";
    case Reason::kExpiredToken:
      return "ExpiredToken";
    case Reason::kAccessDenied:
      return "AccessDeniedException";
  }
  return "InvalidSignatureException";
}

Status refusal(Reason reason, std::string_view text) {
  std::string message(reason_name(reason));
  message += ": ";
  message += text;
  return permission_denied(std::move(message));
}

}  // namespace sapi::auth::sigv4
