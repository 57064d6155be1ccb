#include "http/exchange.h"

#include <boost/beast/http/status.hpp>
#include <charconv>
#include <ctime>
#include <random>
#include <thread>

namespace sapi::http {
namespace {

void append_number(std::string& out, std::uint64_t n) {
  char buf[24];
  auto res = std::to_chars(buf, buf + sizeof buf, n);
  out.append(buf, res.ptr);
}

bool has_crlf(std::string_view s) { return s.find_first_of("\r\n") != std::string_view::npos; }

// The Date header changes once a second; each I/O thread keeps its own formatted copy.
std::string_view http_date() {
  thread_local std::time_t cached_second = -1;
  thread_local char cached[40];
  thread_local size_t cached_len = 0;
  std::time_t now = std::time(nullptr);
  if (now != cached_second) {
    std::tm tm{};
    gmtime_r(&now, &tm);
    cached_len = std::strftime(cached, sizeof cached, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    cached_second = now;
  }
  return {cached, cached_len};
}

std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += ", ";
    out += item;
  }
  return out;
}

}  // namespace

bool is_sane_request_id(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == ':' || c == '-';
    if (!ok) return false;
  }
  return true;
}

void make_request_id(std::string& id) {
  // Seeded once per thread from the system's entropy; then pure arithmetic.
  thread_local std::uint64_t state = [] {
    std::random_device rd;
    return (static_cast<std::uint64_t>(rd()) << 32) ^ rd() ^
           std::hash<std::thread::id>{}(std::this_thread::get_id());
  }();
  std::uint64_t hi = splitmix64(state);
  std::uint64_t lo = splitmix64(state);
  hi = (hi & 0xffffffffffff0fffULL) | 0x0000000000004000ULL;  // version 4
  lo = (lo & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;  // RFC 4122 variant
  static constexpr char kHex[] = "0123456789abcdef";
  id.assign(36, '-');
  size_t pos = 0;
  for (int i = 0; i < 32; ++i) {
    if (pos == 8 || pos == 13 || pos == 18 || pos == 23) ++pos;
    std::uint64_t word = i < 16 ? hi : lo;
    int shift = 60 - 4 * (i % 16);
    id[pos++] = kHex[(word >> shift) & 0xf];
  }
}

std::string make_request_id() {
  std::string id;
  make_request_id(id);
  return id;
}

void Exchange::assign_request_id(Request& request) {
  auto given = request.header("x-request-id");
  if (given && is_sane_request_id(*given)) {
    request.request_id.assign(given->data(), given->size());
  } else {
    make_request_id(request.request_id);  // reuses the buffer of the previous request
  }
}

Exchange::Exchange(const ServerOptions& options, const Router& router)
    : options_(options), router_(router) {
  allow_methods_ = join(options.cors.allowed_methods);
  allow_headers_ = join(options.cors.allowed_headers);
  max_age_ = std::to_string(options.cors.max_age.count());
  base_path_ = options.base_path;
  while (!base_path_.empty() && base_path_.back() == '/') base_path_.pop_back();
  if (!base_path_.empty() && base_path_.front() != '/') base_path_.insert(0, "/");
}

bool Exchange::origin_allowed(std::string_view origin) const {
  for (const auto& allowed : options_.cors.allowed_origins) {
    if (allowed == "*" || allowed == origin) return true;
  }
  return false;
}

void Exchange::answer_preflight(const Request& request, Responder& responder) const {
  (void)request;
  Response r;
  r.status = 204;
  r.headers.push_back({"Access-Control-Allow-Methods", allow_methods_});
  r.headers.push_back({"Access-Control-Allow-Headers", allow_headers_});
  r.headers.push_back({"Access-Control-Max-Age", max_age_});
  responder.send(std::move(r));
}

void Exchange::handle(Request& request, Responder responder) const {
  assign_request_id(request);
  std::string_view target = request.target;
  if (target.empty() || target.front() != '/') {
    responder.send(json_error(400, "INVALID_REQUEST", "the request target must be a path"));
    return;
  }
  size_t question = target.find('?');
  std::string_view raw = target.substr(0, question);
  request.raw_path.assign(raw.data(), raw.size());
  if (question != std::string_view::npos) {
    std::string_view q = target.substr(question + 1);
    request.query.assign(q.data(), q.size());
  }
  std::string_view route_path = request.raw_path;
  if (!base_path_.empty()) {
    bool inside = route_path.starts_with(base_path_) &&
                  (route_path.size() == base_path_.size() || route_path[base_path_.size()] == '/');
    if (!inside) {
      responder.send(json_error(404, "NOT_FOUND", "no such resource"));
      return;
    }
    route_path.remove_prefix(base_path_.size());
    if (route_path.empty()) route_path = "/";
  }
  if (!percent_decode(route_path, request.path)) {
    responder.send(json_error(400, "INVALID_REQUEST", "malformed percent-encoding in the path"));
    return;
  }
  if (options_.cors.enabled && request.method == Method::kOptions) {
    auto origin = request.header("origin");
    if (origin && request.header("access-control-request-method") && origin_allowed(*origin)) {
      answer_preflight(request, responder);
      return;
    }
  }
  router_.dispatch(request, route_path, std::move(responder));
}

void Exchange::serialize(const Request& request, const Response& response, bool head, bool close,
                         std::string& out, bool http10, bool streamed) const {
  int status = response.status;
  if (status < 100 || status > 999) status = 500;
  out += "HTTP/1.1 ";
  append_number(out, static_cast<std::uint64_t>(status));
  out += ' ';
  auto reason =
      boost::beast::http::obsolete_reason(static_cast<boost::beast::http::status>(status));
  out.append(reason.data(), reason.size());
  out += "\r\n";
  bool bodiless = status == 204 || status == 304 || status < 200;
  if (!bodiless) {
    out += "Content-Type: ";
    if (response.content_type.empty() || has_crlf(response.content_type)) {
      out += "application/json";
    } else {
      out += response.content_type;
    }
    if (!streamed) {
      out += "\r\nContent-Length: ";
      append_number(out, response.body.size());
    } else if (!http10) {
      out += "\r\nTransfer-Encoding: chunked";
    }
    out += "\r\n";
  }
  out += "Date: ";
  out += http_date();
  out += "\r\nX-Request-Id: ";
  out += request.request_id;
  out += "\r\n";
  if (close) {
    out += "Connection: close\r\n";
  } else if (http10) {
    out += "Connection: keep-alive\r\n";
  }
  if (options_.cors.enabled) {
    auto origin = request.header("origin");
    if (origin && !has_crlf(*origin) && origin_allowed(*origin)) {
      out += "Access-Control-Allow-Origin: ";
      out += *origin;
      out += "\r\nVary: Origin\r\nAccess-Control-Expose-Headers: X-Request-Id\r\n";
    }
  }
  for (const Header& h : response.headers) {
    if (h.name.empty() || has_crlf(h.name) || has_crlf(h.value)) continue;
    out += h.name;
    out += ": ";
    out += h.value;
    out += "\r\n";
  }
  out += "\r\n";
  if (!head && !bodiless && !streamed) out += response.body;
}

}  // namespace sapi::http
