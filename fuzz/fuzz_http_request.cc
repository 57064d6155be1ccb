// Arbitrary bytes through the server's request path without sockets: incremental parsing (in
// pieces whose size comes from the input), completing the request, CORS, routing and writing
// the response bytes, for as many pipelined requests as the input holds.
//
// Build: CC=clang-14 CXX=clang++-14 cmake -S . -B build-fuzz -G Ninja -DSAPI_FUZZ=ON \
//          -DSAPI_TESTS=OFF -DSAPI_BENCH=OFF && cmake --build build-fuzz --target fuzz_http_request
// Short run (CI): scripts/fuzz.sh build-fuzz 30
// Long run: mkdir -p /tmp/fuzz-http && build-fuzz/fuzz/fuzz_http_request -max_total_time=3600 \
//   -jobs=2 -rss_limit_mb=2048 /tmp/fuzz-http fuzz/corpus/fuzz_http_request

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "http/exchange.h"
#include "http/request_reader.h"
#include "http/router.h"
#include "http/server.h"

namespace {

using namespace sapi::http;

struct Setup {
  ServerOptions options;
  Router router;
  Setup() {
    options.base_path = "/dev";
    options.max_header_bytes = 1024;
    options.max_body_bytes = 2048;
    options.cors.enabled = true;
    options.cors.allowed_origins = {"https://game.example"};
    auto echo = [](Request& req, Responder r) {
      std::string body = req.route;
      for (const auto& [k, v] : req.path_params) body += k + "=" + v + ";";
      body += req.query_param("q").value_or("");
      r.send(Response::json(200, body));
    };
    router.add(Method::kPost, "/matchmaking/start", echo);
    router.add(Method::kGet, "/matchmaking/status/{ticketId}", echo);
    router.add(Method::kGet, "/a/{x}/b/{y}", echo);
    router.add(Method::kGet, "/a/literal/b/{y}", echo);
    router.add(Method::kDelete, "/a/{x}", [](Request&, Responder) {});
    router.add(Method::kPut, "/throw", [](Request&, Responder) { throw 1; });
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Setup* setup = new Setup();
  static Exchange* exchange = new Exchange(setup->options, setup->router);
  if (size == 0) return 0;
  std::size_t piece = data[0] % 64 + 1;
  std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);

  RequestReader reader(setup->options.max_header_bytes, setup->options.max_body_bytes);
  Request request;
  reader.start(request);
  std::string buffered;
  std::string out;
  std::size_t offset = 0;
  while (offset < input.size() || !buffered.empty()) {
    if (offset < input.size()) {
      std::size_t n = std::min(piece, input.size() - offset);
      buffered.append(input.substr(offset, n));
      offset += n;
    }
    auto outcome = reader.feed(buffered);
    if (outcome.consumed > buffered.size()) __builtin_trap();
    buffered.erase(0, outcome.consumed);
    if (outcome.state == RequestReader::State::kError) {
      Exchange::assign_request_id(request);
      exchange->serialize(
          request, json_error(reader.error_status(), reader.error_code(), reader.error_message()),
          false, true, out);
      break;
    }
    if (outcome.state == RequestReader::State::kNeedMore) {
      if (offset >= input.size()) break;
      continue;
    }
    bool answered = false;
    exchange->handle(request, Responder::from_function([&](Response r) {
                       answered = true;
                       exchange->serialize(request, r, request.method == Method::kHead,
                                           !reader.keep_alive(), out);
                     }));
    if (!answered) __builtin_trap();  // every request gets exactly one answer
    if (out.size() > (1u << 20)) out.clear();
    reader.start(request);
  }
  return 0;
}
