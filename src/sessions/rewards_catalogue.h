#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "base/result.h"

namespace sapi::sessions {

// The reward ids a game can grant. When the service is configured with one, a summary
// naming any other id is refused (INVALID_REWARD_ID) instead of stored.
class RewardsCatalogue {
 public:
  explicit RewardsCatalogue(std::vector<std::string> ids);

  // Reads a catalogue file: either a JSON array of ids, or one id per line (blank lines and
  // lines starting with '#' ignored). Every id must be well-formed; errors name the file
  // and the offending line or entry.
  static Result<RewardsCatalogue> load(const std::string& path);
  static Result<RewardsCatalogue> parse(std::string_view text, std::string_view origin);

  bool contains(std::string_view id) const;

  // The first id of `ids` not in the catalogue, if any.
  std::optional<std::string> first_unknown(const std::vector<std::string>& ids) const;

  size_t size() const { return ids_.size(); }

 private:
  std::unordered_set<std::string> ids_;
};

}  // namespace sapi::sessions
