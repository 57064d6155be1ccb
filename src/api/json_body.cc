#include "api/json_body.h"

#include <fmt/format.h>

#include <boost/json/parse.hpp>
#include <boost/json/parse_options.hpp>

namespace sapi::api {

Result<boost::json::object> parse_json_object(std::string_view body, const JsonLimits& limits,
                                              boost::json::storage_ptr storage) {
  if (body.size() > limits.max_bytes) {
    return invalid_argument(fmt::format("request body is larger than {} bytes", limits.max_bytes));
  }
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return invalid_argument("request body is empty: expected a JSON object");
  }
  boost::json::parse_options options;
  options.max_depth = limits.max_depth;
  boost::system::error_code ec;
  // Same storage as the parse, so that assigning the result moves instead of copying.
  boost::json::value value(storage);
  try {
    value = boost::json::parse(boost::json::string_view(body.data(), body.size()), ec,
                               std::move(storage), options);
  } catch (const std::exception& e) {  // allocation failure
    return invalid_argument(fmt::format("request body could not be parsed: {}", e.what()));
  }
  if (ec == boost::json::error::too_deep) {
    return invalid_argument(
        fmt::format("request body nests deeper than {} levels", limits.max_depth));
  }
  if (ec) {
    return invalid_argument(fmt::format("request body is not valid JSON: {}", ec.message()));
  }
  if (!value.is_object()) {
    return invalid_argument("request body must be a JSON object");
  }
  return std::move(value.as_object());
}

}  // namespace sapi::api
