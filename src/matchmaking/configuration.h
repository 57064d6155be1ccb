#pragma once

// Matchmaking configurations as FlexMatch defines them, read from a JSON file or taken from
// the embedded defaults, each with its rule set parsed and validated.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"
#include "flexmatch/rule_set.h"

namespace sapi::matchmaking {

enum class FlexMatchMode : uint8_t {
  kStandalone,  // matches end COMPLETED, reported by event
  kWithQueue,   // matches go to PLACING and wait for a game session placement
};
enum class BackfillMode : uint8_t { kAutomatic, kManual };

struct Configuration {
  std::string name;
  std::string rule_set_name;          // the rule set's own `name`, or its file name
  std::string rule_set_file;          // as written in the configuration file; empty when embedded
  int request_timeout_seconds = 120;  // 1..43200
  bool acceptance_required = false;
  int acceptance_timeout_seconds = 30;  // 1..600
  BackfillMode backfill_mode = BackfillMode::kManual;
  FlexMatchMode flex_match_mode = FlexMatchMode::kStandalone;
  // The game session queue WITH_QUEUE placements go through: `gameSessionQueue`, or the name
  // at the end of the first of `gameSessionQueueArns`; "default" when neither is given.
  std::string queue = "default";
  int additional_player_count = 0;
  std::vector<std::pair<std::string, std::string>> game_properties;  // at most 16
  std::string game_session_data;                                     // at most 4096 characters
  std::string custom_event_data;                                     // at most 256 characters
  // Where events are also delivered (an HTTP(S) URL); empty for none.
  std::string notification_target;

  // The parsed rule set, shared by every reader.
  std::shared_ptr<const flexmatch::RuleSet> rules;

  // `arn:aws:gamelift:<region>::matchmakingconfiguration/<name>`, as events carry it.
  std::string arn(std::string_view region) const;
};

std::string_view flex_match_mode_name(FlexMatchMode mode);  // "STANDALONE", "WITH_QUEUE"
std::string_view backfill_mode_name(BackfillMode mode);     // "AUTOMATIC", "MANUAL"

// Parses a configurations document:
//
//   {"configurations": [{"name": "...", "ruleSetFile": "rules.json",
//                        "requestTimeoutSeconds": 120, ...}]}
//
// Rule-set files are read relative to `base_dir`; a configuration may carry its rule set
// inline as `ruleSetBody` instead. Every problem is reported at once, each naming the
// configuration and key; a rule set that does not validate reports the validator's
// messages. Configuration names are unique, 1-128 characters of [a-zA-Z0-9-.].
Result<std::vector<Configuration>> parse_configurations(std::string_view document,
                                                        const std::string& base_dir);

// Reads and parses a configurations file (rule-set files relative to its folder).
Result<std::vector<Configuration>> load_configurations_file(const std::string& path);

// The embedded default: `default_name`, two teams of 2 to 4 balanced on skill, placed
// WITH_QUEUE on the queue `default`; `<default_name>-standalone`, the same rules completing
// STANDALONE (no game servers needed); and `seed-game`, the rule set the seed's game was
// configured with (one team of 10 to 15, a latency rule), as an example. All work for requests
// without latency data except `seed-game`, whose latency rule needs it.
std::vector<Configuration> embedded_configurations(const std::string& default_name);

// The embedded rule-set bodies, by file name under config/matchmaking/.
std::string_view embedded_rule_set(std::string_view file_name);

}  // namespace sapi::matchmaking
