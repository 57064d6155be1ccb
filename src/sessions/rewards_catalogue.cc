#include "sessions/rewards_catalogue.h"

#include <fmt/format.h>

#include <boost/json.hpp>
#include <fstream>
#include <sstream>

#include "sessions/summary.h"

namespace sapi::sessions {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

Result<RewardsCatalogue> parse_json(std::string_view text, std::string_view origin) {
  boost::system::error_code ec;
  auto value = boost::json::parse(text, ec);
  if (ec || !value.is_array()) {
    return invalid_argument(fmt::format("{}: not a JSON array of reward ids", origin));
  }
  std::vector<std::string> ids;
  const auto& array = value.as_array();
  for (size_t i = 0; i < array.size(); ++i) {
    const auto* id = array[i].if_string();
    if (id == nullptr || !is_valid_reward_id(*id)) {
      return invalid_argument(fmt::format("{}: entry {} is not a valid reward id", origin, i));
    }
    ids.emplace_back(id->data(), id->size());
  }
  return RewardsCatalogue(std::move(ids));
}

}  // namespace

RewardsCatalogue::RewardsCatalogue(std::vector<std::string> ids)
    : ids_(std::make_move_iterator(ids.begin()), std::make_move_iterator(ids.end())) {}

Result<RewardsCatalogue> RewardsCatalogue::parse(std::string_view text, std::string_view origin) {
  if (trim(text).starts_with('[')) return parse_json(text, origin);
  std::vector<std::string> ids;
  size_t line_number = 0;
  while (!text.empty()) {
    size_t end = text.find('\n');
    std::string_view line = trim(text.substr(0, end));
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    ++line_number;
    if (line.empty() || line.starts_with('#')) continue;
    if (!is_valid_reward_id(line)) {
      return invalid_argument(fmt::format(
          "{}:{}: not a valid reward id (1 to 128 of A-Z a-z 0-9 _ . : -)", origin, line_number));
    }
    ids.emplace_back(line);
  }
  return RewardsCatalogue(std::move(ids));
}

Result<RewardsCatalogue> RewardsCatalogue::load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return invalid_argument(fmt::format("cannot read rewards catalogue {}", path));
  std::ostringstream text;
  text << in.rdbuf();
  return parse(text.str(), path);
}

bool RewardsCatalogue::contains(std::string_view id) const {
  return ids_.count(std::string(id)) != 0;
}

std::optional<std::string> RewardsCatalogue::first_unknown(
    const std::vector<std::string>& ids) const {
  for (const auto& id : ids) {
    if (!contains(id)) return id;
  }
  return std::nullopt;
}

}  // namespace sapi::sessions
