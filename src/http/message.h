#pragma once

// The request a handler sees and the response it gives back. Plain data with a few lookups:
// nothing here knows about sockets, so handlers can be tested by building a Request by hand.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/percent.h"

namespace sapi::http {

enum class Method { kGet, kHead, kPost, kPut, kPatch, kDelete, kOptions, kOther };

// "GET", "POST", ...; "OTHER" for Method::kOther.
std::string_view method_name(Method method);

// Parses an upper-case method token ("GET"); anything unknown is Method::kOther.
Method parse_method(std::string_view name);

// One header field. Names are lower-cased by the server; values are as received (trimmed).
struct Header {
  std::string name;
  std::string value;
};

// One HTTP request. The server reuses Request objects between requests of a connection, so a
// handler that answers later must copy what it needs before answering; the Request itself stays
// valid until its Responder has answered.
struct Request {
  Method method = Method::kOther;
  std::string method_name;      // as received, e.g. "GET" or "PROPFIND"
  std::string target;           // request target as received: "/dev/a%20b?x=1"
  std::string raw_path;         // target without the query, not decoded, base path kept
  std::string path;             // percent-decoded, base path removed: "/a b"
  std::string query;            // raw query string without '?': "x=1"
  std::vector<Header> headers;  // lower-cased names, received order, duplicates kept
  std::string body;
  std::string remote_ip;
  std::string request_id;  // echoed in X-Request-Id
  std::string route;       // the matched pattern, e.g. "/matchmaking/status/{ticketId}"
  std::vector<std::pair<std::string, std::string>> path_params;  // decoded values

  // Filled by handlers for the access log: who called (e.g. the Cognito subject or an IAM
  // access key id) and which player. Never put a token or secret here.
  std::string caller;
  std::string user;

  // Value of the first header named `name` (compared case-insensitively), if any.
  std::optional<std::string_view> header(std::string_view name) const;

  // Percent-decoded ('+' as space) value of the first query parameter named `name`, if any.
  // A parameter without '=' has an empty value.
  std::optional<std::string> query_param(std::string_view name) const;

  // Value of the path parameter `{name}` of the matched route, if any.
  std::optional<std::string_view> path_param(std::string_view name) const;

  // Empties every field but keeps the allocated capacity, for reuse by the next request.
  void clear();
};

// A response. Content-Length, Date-free framing, X-Request-Id and CORS headers are added by the
// server; `headers` holds anything extra (e.g. Retry-After, Cache-Control).
struct Response {
  int status = 200;
  std::vector<Header> headers;
  std::string body;
  std::string content_type;  // empty means "application/json"

  // A JSON response with the given status and an already serialised body.
  static Response json(int status, std::string body);
};

// The project's error response: `{"error": CODE, "message": text}`, properly escaped.
Response json_error(int status, std::string_view code, std::string_view message);

// Adds `Retry-After: 1` to a 503 of the service's own (the store overloaded or unavailable, a
// key source down, too many open connections). Such conditions clear within a write batch or
// two: one second, HTTP's smallest non-zero value, stops a tight retry loop without leaving
// clients idle.
void ask_to_retry_soon(Response& response);

// Percent-decoding of paths and query strings (see base/percent.h).
using sapi::percent_decode;

}  // namespace sapi::http
