#pragma once

// What happens to one request between the parser and the socket, without sockets: completing
// the parsed request (paths, query, request id), answering what the server answers itself
// (bad target, outside the base path, CORS preflight), routing, and writing the response bytes.
// The server and the fuzz target share it.

#include <string>
#include <string_view>

#include "http/message.h"
#include "http/router.h"
#include "http/server.h"

namespace sapi::http {

class Exchange {
 public:
  // Both must outlive the Exchange.
  Exchange(const ServerOptions& options, const Router& router);

  // Fills raw_path, path, query and request_id of a parsed request, then answers it through
  // `responder`: itself (400 bad target, 404 outside the base path, 204 CORS preflight) or
  // through the router.
  void handle(Request& request, Responder responder) const;

  // Sets request.request_id from a sane X-Request-Id header or a fresh one. Also used for
  // requests that could not be parsed completely.
  static void assign_request_id(Request& request);

  // Appends the response to `out` as HTTP/1.1 bytes with Content-Type, Content-Length, Date,
  // X-Request-Id, CORS headers when they apply, and `Connection: close` when `close` (or
  // `Connection: keep-alive` for an HTTP/1.0 client that asked for it, when `http10`). `head`
  // omits the body. Extra headers with CR or LF in them are dropped. `streamed`: the head of a
  // streamed body, which has no Content-Length and is chunked (unless `http10`).
  void serialize(const Request& request, const Response& response, bool head, bool close,
                 std::string& out, bool http10 = false, bool streamed = false) const;

 private:
  bool origin_allowed(std::string_view origin) const;
  void answer_preflight(const Request& request, Responder& responder) const;

  const ServerOptions& options_;
  const Router& router_;
  std::string base_path_;  // without a trailing '/'; empty for none
  std::string allow_methods_;
  std::string allow_headers_;
  std::string max_age_;
};

// Whether a client-chosen request id may be echoed: [A-Za-z0-9._:-]{1,128}.
bool is_sane_request_id(std::string_view id);

// A fresh random request id in UUID form, from a per-thread generator (no system call).
std::string make_request_id();
void make_request_id(std::string& out);

}  // namespace sapi::http
