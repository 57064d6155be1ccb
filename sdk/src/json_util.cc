#include "json_util.h"

namespace session_api::json_util {

json::value attribute_json(const AttributeValue& a) {
  switch (a.kind) {
    case AttributeValue::Kind::kNumber:
      return a.number;
    case AttributeValue::Kind::kString:
      return json::string(a.string);
    case AttributeValue::Kind::kStringList: {
      json::array list;
      for (const auto& s : a.string_list) list.emplace_back(s);
      return list;
    }
    case AttributeValue::Kind::kStringNumberMap: {
      json::object map;
      for (const auto& [k, v] : a.string_number_map) map[k] = v;
      return map;
    }
  }
  return nullptr;
}

json::object attributes_json(const Attributes& attributes) {
  json::object o;
  for (const auto& [name, value] : attributes) o[name] = attribute_json(value);
  return o;
}

json::object latencies_json(const Latencies& latencies) {
  json::object o;
  for (const auto& [region, ms] : latencies) o[region] = ms;
  return o;
}

namespace {

Error answer_error(const HttpResponse& response, std::string code, std::string message) {
  Error error{response.status, std::move(code), std::move(message)};
  error.retry_after_seconds = response.retry_after_seconds;
  return error;
}

}  // namespace

Result<json::object> parse_answer(const HttpResponse& response) {
  if (response.status == 0) return response.error;
  boost::system::error_code ec;
  json::value body = json::parse(response.body, ec);
  bool success = response.status >= 200 && response.status < 300;
  if (ec || !body.is_object()) {
    std::string snippet = response.body.substr(0, 200);
    if (success) {
      return Error{response.status, kBadResponse, "the answer is not a JSON object: " + snippet};
    }
    return answer_error(response, "HTTP_" + std::to_string(response.status), snippet);
  }
  if (!success) {
    const json::object& o = body.get_object();
    std::string code = str(o, "error");
    if (code.empty()) code = "HTTP_" + std::to_string(response.status);
    return answer_error(response, code, str(o, "message"));
  }
  return Result<json::object>(std::move(body.get_object()), response.status);
}

}  // namespace session_api::json_util
