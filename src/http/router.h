#pragma once

// Routing of requests to handlers, and the Responder a handler answers through.

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "http/message.h"

namespace sapi::http {

// The body of a streamed response (e.g. server-sent events), written piece by piece after the
// response head. Thread-safe: keep the shared_ptr and write from any thread.
class ResponseStream {
 public:
  virtual ~ResponseStream() = default;

  // Queues `data` as the next piece of the body. Returns false, queuing nothing, once the
  // stream has ended: closed by the handler, by the client, by server shutdown, or dropped
  // because the client stopped reading and more than the stream's cap of bytes is unsent.
  virtual bool write(std::string_view data) = 0;

  // Ends the body; the connection closes once what is queued has been written. Idempotent.
  virtual void close() = 0;

  // False once the stream has ended for any reason (close() included).
  virtual bool is_open() const = 0;

  // Runs `fn` once when the stream has ended for any reason: on the server's I/O thread, or
  // at once on the caller's thread if it already has. `fn` must be quick and must not block.
  virtual void on_close(std::function<void()> fn) = 0;
};

// Where a Responder delivers its answer. The server implements it for each connection; the
// token tells the sink which request the answer belongs to. deliver() must be thread-safe.
class ResponseSink {
 public:
  virtual ~ResponseSink() = default;
  virtual void deliver(std::uint64_t token, Response response) = 0;

  // Answers with `head` (its body ignored) and returns the stream of the body that follows.
  // The default, for sinks that cannot stream, delivers `head` as a whole response and
  // returns a stream that has already ended.
  virtual std::shared_ptr<ResponseStream> open_stream(std::uint64_t token, Response head,
                                                      std::size_t max_unsent_bytes);
};

// The one-time right to answer a request. Move-only; may be moved to another thread and
// answered from there (e.g. after a database commit or at the end of a long poll). The first
// send() delivers the response; the Responder is empty afterwards and further sends are ignored.
// A Responder destroyed without answering answers 500 {"error":"INTERNAL",...}, so a request is
// never left hanging.
class Responder {
 public:
  Responder() = default;
  Responder(std::shared_ptr<ResponseSink> sink, std::uint64_t token)
      : sink_(std::move(sink)), token_(token) {}
  Responder(Responder&& other) noexcept = default;
  Responder& operator=(Responder&& other) noexcept;
  Responder(const Responder&) = delete;
  Responder& operator=(const Responder&) = delete;
  ~Responder();

  // A Responder that hands its response to `deliver` (for tests and adapters).
  static Responder from_function(std::function<void(Response)> deliver);

  // Answers the request. Safe from any thread.
  void send(Response response);

  // Answers with a streamed response: `head` now (status, headers, content type; its body is
  // ignored), then whatever the returned stream is given, until the handler or the client
  // closes it. A client that reads too slowly, leaving more than `max_unsent_bytes` unsent,
  // has its stream dropped (the connection closed) rather than buffered without bound.
  // Server shutdown ends streams. Safe from any thread; the Responder is empty afterwards.
  static constexpr std::size_t kDefaultMaxUnsentBytes = 1 << 20;
  std::shared_ptr<ResponseStream> stream(Response head,
                                         std::size_t max_unsent_bytes = kDefaultMaxUnsentBytes);

  // True until the request has been answered.
  bool pending() const { return sink_ != nullptr; }

 private:
  std::shared_ptr<ResponseSink> sink_;
  std::uint64_t token_ = 0;
};

using Handler = std::function<void(Request&, Responder)>;

// Maps (method, path) to handlers. Patterns are absolute paths whose segments are literals or
// `{name}` parameters: "/matchmaking/status/{ticketId}". A literal segment wins over a
// parameter at the same place. Lookup walks a segment tree: no regex, no allocation for paths
// without escapes. Build the router completely before the server starts; it is read-only after.
class Router {
 public:
  Router();
  ~Router();
  Router(Router&&) noexcept;
  Router& operator=(Router&&) noexcept;

  // Registers `handler` for `method` on `pattern`. A malformed pattern (not starting with '/',
  // an empty or unterminated `{}`) or a duplicate (method, pattern) is a programming error and
  // aborts. A HEAD request on a path with only a GET handler runs the GET handler and the
  // server drops the body.
  void add(Method method, std::string_view pattern, Handler handler);

  // The outcome of matching a request path.
  struct Match {
    const Handler* handler = nullptr;  // set when found
    int status = 200;                  // 200 found, 404 unknown path, 405 wrong method
    std::string allow;                 // for 405: "GET, HEAD, POST"
  };

  // Matches `request.method` and `path` (the raw path with the base path removed, still
  // percent-encoded). On success fills request.route and request.path_params. A path with a
  // malformed escape is 404.
  Match match(Request& request, std::string_view path) const;

  // Matches and runs the handler. Unknown path: 404 NOT_FOUND; wrong method: 405
  // METHOD_NOT_ALLOWED with `Allow`; a handler that throws answers 500 INTERNAL.
  void dispatch(Request& request, std::string_view path, Responder responder) const;

 private:
  struct Node;
  struct Walk;
  static const Node* find(const Node* node, std::string_view rest, bool more, Walk& walk,
                          bool& malformed);

  std::unique_ptr<Node> root_;
};

}  // namespace sapi::http
