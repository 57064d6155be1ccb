#include "http/router.h"

#include <cstdio>
#include <cstdlib>
#include <utility>

namespace sapi::http {
namespace {

constexpr size_t kMethodCount = 8;
constexpr size_t kMaxParams = 16;

class FunctionSink : public ResponseSink {
 public:
  explicit FunctionSink(std::function<void(Response)> fn) : fn_(std::move(fn)) {}
  void deliver(std::uint64_t, Response response) override { fn_(std::move(response)); }

 private:
  std::function<void(Response)> fn_;
};

[[noreturn]] void bad_route(std::string_view pattern, const char* why) {
  std::fprintf(stderr, "http router: bad route pattern '%.*s': %s\n",
               static_cast<int>(pattern.size()), pattern.data(), why);
  std::abort();
}

// Splits off the next segment of `rest` (which has no leading '/').
std::string_view next_segment(std::string_view& rest) {
  size_t slash = rest.find('/');
  std::string_view seg = rest.substr(0, slash);
  rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
  return seg;
}

}  // namespace

Responder& Responder::operator=(Responder&& other) noexcept {
  if (this != &other) {
    if (sink_) send(json_error(500, "INTERNAL", "the request was not answered"));
    sink_ = std::move(other.sink_);
    token_ = other.token_;
  }
  return *this;
}

Responder::~Responder() {
  if (sink_) send(json_error(500, "INTERNAL", "the request was not answered"));
}

Responder Responder::from_function(std::function<void(Response)> deliver) {
  return Responder(std::make_shared<FunctionSink>(std::move(deliver)), 0);
}

void Responder::send(Response response) {
  std::shared_ptr<ResponseSink> sink = std::move(sink_);
  sink_.reset();
  if (!sink) return;
  try {
    sink->deliver(token_, std::move(response));
  } catch (...) {
    // A sink that cannot take the answer (e.g. out of memory) has nobody left to tell.
  }
}

struct Router::Node {
  std::vector<std::pair<std::string, std::unique_ptr<Node>>> literals;
  std::unique_ptr<Node> param;
  // Set on nodes where a route ends.
  std::array<Handler, kMethodCount> handlers;
  bool terminal = false;
  std::string pattern;
  std::vector<std::string> param_names;
  std::string allow;

  Node* literal(std::string_view seg) const {
    for (const auto& [name, child] : literals) {
      if (name == seg) return child.get();
    }
    return nullptr;
  }
};

Router::Router() : root_(std::make_unique<Node>()) {}
Router::~Router() = default;
Router::Router(Router&&) noexcept = default;
Router& Router::operator=(Router&&) noexcept = default;

void Router::add(Method method, std::string_view pattern, Handler handler) {
  if (pattern.empty() || pattern[0] != '/') bad_route(pattern, "must start with '/'");
  if (method == Method::kOther) bad_route(pattern, "method must be a known one");
  if (!handler) bad_route(pattern, "empty handler");
  Node* node = root_.get();
  std::vector<std::string> names;
  std::string_view rest = pattern.substr(1);
  bool any = !rest.empty();
  while (any) {
    any = rest.find('/') != std::string_view::npos;
    std::string_view seg = next_segment(rest);
    if (!seg.empty() && seg.front() == '{') {
      if (seg.size() < 3 || seg.back() != '}') bad_route(pattern, "malformed {parameter}");
      names.emplace_back(seg.substr(1, seg.size() - 2));
      if (names.size() > kMaxParams) bad_route(pattern, "too many parameters");
      if (!node->param) node->param = std::make_unique<Node>();
      node = node->param.get();
    } else {
      if (seg.find_first_of("{}") != std::string_view::npos) bad_route(pattern, "stray brace");
      Node* next = node->literal(seg);
      if (!next) {
        node->literals.emplace_back(std::string(seg), std::make_unique<Node>());
        next = node->literals.back().second.get();
      }
      node = next;
    }
  }
  if (node->terminal && node->param_names != names) {
    bad_route(pattern, "same shape as another route with other parameter names");
  }
  Handler& slot = node->handlers[static_cast<size_t>(method)];
  if (slot) bad_route(pattern, "registered twice for the same method");
  slot = std::move(handler);
  node->terminal = true;
  node->pattern = std::string(pattern);
  node->param_names = std::move(names);
  node->allow.clear();
  for (size_t m = 0; m < kMethodCount; ++m) {
    bool has =
        static_cast<bool>(node->handlers[m]) || (m == static_cast<size_t>(Method::kHead) &&
                                                 node->handlers[static_cast<size_t>(Method::kGet)]);
    if (!has) continue;
    if (!node->allow.empty()) node->allow += ", ";
    node->allow += method_name(static_cast<Method>(m));
  }
}

struct Router::Walk {
  std::array<std::string_view, kMaxParams> captures;
  size_t depth = 0;
  std::string scratch;
};

// Depth-first: a literal child is tried before the parameter child at each level.
const Router::Node* Router::find(const Router::Node* node, std::string_view rest, bool more,
                                 Walk& walk, bool& malformed) {
  if (!more) return node->terminal ? node : nullptr;
  bool again = rest.find('/') != std::string_view::npos;
  std::string_view seg = next_segment(rest);
  std::string_view literal = seg;
  if (seg.find('%') != std::string_view::npos) {
    if (!percent_decode(seg, walk.scratch)) {
      malformed = true;
      return nullptr;
    }
    literal = walk.scratch;
  }
  if (const Router::Node* child = node->literal(literal)) {
    if (const Router::Node* hit = find(child, rest, again, walk, malformed)) return hit;
  }
  if (node->param && !seg.empty() && walk.depth < kMaxParams) {
    walk.captures[walk.depth++] = seg;
    if (const Router::Node* hit = find(node->param.get(), rest, again, walk, malformed)) {
      return hit;
    }
    --walk.depth;
  }
  return nullptr;
}

Router::Match Router::match(Request& request, std::string_view path) const {
  Match result;
  result.status = 404;
  if (path.empty() || path[0] != '/') return result;
  Walk walk;
  bool malformed = false;
  std::string_view rest = path.substr(1);
  const Node* node = find(root_.get(), rest, !rest.empty(), walk, malformed);
  if (!node || malformed) return result;
  size_t m = static_cast<size_t>(request.method);
  const Handler* handler = nullptr;
  if (request.method != Method::kOther) {
    handler = node->handlers[m] ? &node->handlers[m] : nullptr;
    if (!handler && request.method == Method::kHead &&
        node->handlers[static_cast<size_t>(Method::kGet)]) {
      handler = &node->handlers[static_cast<size_t>(Method::kGet)];
    }
  }
  if (!handler) {
    result.status = 405;
    result.allow = node->allow;
    return result;
  }
  request.route = node->pattern;
  request.path_params.resize(walk.depth);
  for (size_t i = 0; i < walk.depth; ++i) {
    request.path_params[i].first = node->param_names[i];
    if (!percent_decode(walk.captures[i], request.path_params[i].second)) {
      request.path_params.clear();
      request.route.clear();
      return result;  // 404
    }
  }
  result.status = 200;
  result.handler = handler;
  return result;
}

void Router::dispatch(Request& request, std::string_view path, Responder responder) const {
  Match m = match(request, path);
  if (m.status == 404) {
    responder.send(json_error(404, "NOT_FOUND", "no such resource"));
    return;
  }
  if (m.status == 405) {
    Response r = json_error(405, "METHOD_NOT_ALLOWED", "method not allowed on this resource");
    r.headers.push_back({"Allow", std::move(m.allow)});
    responder.send(std::move(r));
    return;
  }
  try {
    (*m.handler)(request, std::move(responder));
  } catch (...) {
    // The handler's Responder, destroyed while unwinding, has already answered 500 INTERNAL
    // unless the handler answered before throwing.
  }
}

}  // namespace sapi::http
