#include "http/message.h"

#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>

namespace sapi::http {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

}  // namespace

std::string_view method_name(Method method) {
  switch (method) {
    case Method::kGet:
      return "GET";
    case Method::kHead:
      return "HEAD";
    case Method::kPost:
      return "POST";
    case Method::kPut:
      return "PUT";
    case Method::kPatch:
      return "PATCH";
    case Method::kDelete:
      return "DELETE";
    case Method::kOptions:
      return "OPTIONS";
    case Method::kOther:
      break;
  }
  return "OTHER";
}

Method parse_method(std::string_view name) {
  if (name == "GET") return Method::kGet;
  if (name == "POST") return Method::kPost;
  if (name == "HEAD") return Method::kHead;
  if (name == "PUT") return Method::kPut;
  if (name == "PATCH") return Method::kPatch;
  if (name == "DELETE") return Method::kDelete;
  if (name == "OPTIONS") return Method::kOptions;
  return Method::kOther;
}

std::optional<std::string_view> Request::header(std::string_view name) const {
  for (const Header& h : headers) {
    if (iequals(h.name, name)) return std::string_view(h.value);
  }
  return std::nullopt;
}

std::optional<std::string> Request::query_param(std::string_view name) const {
  std::string_view rest = query;
  std::string key;
  while (!rest.empty()) {
    size_t amp = rest.find('&');
    std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    size_t eq = pair.find('=');
    std::string_view raw_key = pair.substr(0, eq);
    if (!percent_decode(raw_key, key, true) || key != name) continue;
    std::string value;
    if (eq != std::string_view::npos && !percent_decode(pair.substr(eq + 1), value, true)) {
      continue;
    }
    return value;
  }
  return std::nullopt;
}

std::optional<std::string_view> Request::path_param(std::string_view name) const {
  for (const auto& [key, value] : path_params) {
    if (key == name) return std::string_view(value);
  }
  return std::nullopt;
}

void Request::clear() {
  method = Method::kOther;
  method_name.clear();
  target.clear();
  raw_path.clear();
  path.clear();
  query.clear();
  headers.clear();
  body.clear();
  remote_ip.clear();
  request_id.clear();
  route.clear();
  path_params.clear();
  caller.clear();
  user.clear();
}

Response Response::json(int status, std::string body) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

Response json_error(int status, std::string_view code, std::string_view message) {
  std::string body;
  body.reserve(32 + code.size() + message.size());
  body += "{\"error\":";
  body += boost::json::serialize(boost::json::string_view(code.data(), code.size()));
  body += ",\"message\":";
  body += boost::json::serialize(boost::json::string_view(message.data(), message.size()));
  body += '}';
  return Response::json(status, std::move(body));
}

void ask_to_retry_soon(Response& response) { response.headers.push_back({"retry-after", "1"}); }

}  // namespace sapi::http
