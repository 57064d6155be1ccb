#include "api/error.h"

#include <cassert>

namespace sapi::api {

int http_status(Code code) {
  switch (code) {
    case Code::kOk:
      return 200;
    case Code::kInvalidArgument:
      return 400;
    case Code::kUnauthenticated:
      return 401;
    case Code::kPermissionDenied:
      return 403;
    case Code::kNotFound:
      return 404;
    case Code::kAlreadyExists:
      return 409;
    case Code::kFailedPrecondition:
      return 409;
    case Code::kResourceExhausted:
      return 429;
    case Code::kDeadlineExceeded:
      return 504;
    case Code::kUnavailable:
      return 503;
    case Code::kInternal:
      return 500;
  }
  return 500;
}

std::string_view api_error_code(Code code) {
  switch (code) {
    case Code::kOk:
      return "OK";
    case Code::kInvalidArgument:
      return "INVALID_REQUEST";
    case Code::kUnauthenticated:
      return "UNAUTHORIZED";
    case Code::kPermissionDenied:
      return "FORBIDDEN";
    case Code::kNotFound:
      return "NOT_FOUND";
    case Code::kAlreadyExists:
      return "CONFLICT";
    case Code::kFailedPrecondition:
      return "CONFLICT";
    case Code::kResourceExhausted:
      return "TOO_MANY_REQUESTS";
    case Code::kDeadlineExceeded:
      return "TIMEOUT";
    case Code::kUnavailable:
      return "SERVICE_UNAVAILABLE";
    case Code::kInternal:
      return "INTERNAL";
  }
  return "INTERNAL";
}

http::Response error_response(const Status& status) {
  return error_response(status, api_error_code(status.code()));
}

http::Response error_response(const Status& status, std::string_view api_code) {
  assert(!status.ok() && "an error response needs an error");
  http::Response response =
      http::json_error(http_status(status.code()), api_code, status.message());
  if (response.status == 503) http::ask_to_retry_soon(response);
  return response;
}

}  // namespace sapi::api
