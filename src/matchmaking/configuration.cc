#include "matchmaking/configuration.h"

#include <fmt/format.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <set>
#include <system_error>

#include "flexmatch/rule_set_parser.h"

namespace sapi::matchmaking {
namespace {

namespace json = boost::json;

constexpr size_t kMaxGameProperties = 16;
constexpr size_t kMaxGameSessionData = 4096;
constexpr size_t kMaxCustomEventData = 256;

bool valid_name(std::string_view name) {
  if (name.empty() || name.size() > 128) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '.' || c == '_';
    if (!ok) return false;
  }
  return true;
}

// Reads the keys of one configuration object, collecting every problem in `errors`.
class ConfigurationReader {
 public:
  ConfigurationReader(const json::object& o, std::string where, std::vector<std::string>& errors)
      : o_(o), where_(std::move(where)), errors_(errors) {}

  void error(std::string_view key, std::string_view message) {
    errors_.push_back(fmt::format("{}.{}: {}", where_, key, message));
  }

  void string(std::string_view key, std::string& out, size_t max_chars) {
    const json::value* v = o_.if_contains(key);
    if (!v) return;
    if (!v->is_string()) return error(key, "expected a string");
    if (v->as_string().size() > max_chars) {
      return error(key, fmt::format("longer than {} characters", max_chars));
    }
    out = std::string(v->as_string());
  }

  void integer(std::string_view key, int& out, int min, int max) {
    const json::value* v = o_.if_contains(key);
    if (!v) return;
    if (!v->is_int64() && !v->is_uint64()) return error(key, "expected an integer");
    auto n = v->is_int64() ? v->as_int64() : static_cast<int64_t>(v->as_uint64());
    if (n < min || n > max) return error(key, fmt::format("expected {} to {}", min, max));
    out = static_cast<int>(n);
  }

  void boolean(std::string_view key, bool& out) {
    const json::value* v = o_.if_contains(key);
    if (!v) return;
    if (!v->is_bool()) return error(key, "expected true or false");
    out = v->as_bool();
  }

  template <typename E>
  void choice(std::string_view key, E& out,
              std::initializer_list<std::pair<std::string_view, E>> options) {
    const json::value* v = o_.if_contains(key);
    if (!v) return;
    std::string names;
    for (const auto& [name, value] : options) {
      if (v->is_string() && v->as_string() == name) {
        out = value;
        return;
      }
      names += names.empty() ? std::string(name) : " or " + std::string(name);
    }
    error(key, "expected " + names);
  }

  void properties(std::string_view key, std::vector<std::pair<std::string, std::string>>& out) {
    const json::value* v = o_.if_contains(key);
    if (!v) return;
    if (!v->is_array()) return error(key, "expected an array of {\"key\", \"value\"} objects");
    if (v->as_array().size() > kMaxGameProperties) return error(key, "more than 16 properties");
    for (const auto& item : v->as_array()) {
      const json::object* p = item.if_object();
      const json::value* k = p ? p->if_contains("key") : nullptr;
      const json::value* val = p ? p->if_contains("value") : nullptr;
      if (!k || !val || !k->is_string() || !val->is_string()) {
        return error(key, "expected an array of {\"key\", \"value\"} objects");
      }
      out.emplace_back(std::string(k->as_string()), std::string(val->as_string()));
    }
  }

 private:
  const json::object& o_;
  std::string where_;
  std::vector<std::string>& errors_;
};

// Configuration documents and rule sets are small: a path naming a device (/dev/zero) or a
// huge file is a mistake to report, not to read until memory runs out.
constexpr size_t kMaxFileBytes = 16 << 20;

Result<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return invalid_argument("cannot read " + path);
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return invalid_argument("cannot read " + path + ": not a regular file");
  }
  std::string out;
  char chunk[65536];
  while (in.read(chunk, sizeof chunk) || in.gcount() > 0) {
    out.append(chunk, static_cast<size_t>(in.gcount()));
    if (out.size() > kMaxFileBytes) return invalid_argument(path + ": larger than 16 MiB");
  }
  return out;
}

// Parses `body` as a rule set; on failure adds the validator's messages to `errors`.
std::shared_ptr<const flexmatch::RuleSet> compile_rules(std::string_view body,
                                                        const std::string& where,
                                                        std::vector<std::string>& errors) {
  auto outcome = flexmatch::parse_rule_set(body);
  if (!outcome.ok()) {
    for (const auto& d : outcome.errors()) errors.push_back(where + ": " + d.to_string());
    return nullptr;
  }
  return std::make_shared<const flexmatch::RuleSet>(std::move(*outcome.rule_set));
}

void read_rule_set(const json::object& o, Configuration& c, const std::string& where,
                   const std::string& base_dir, std::vector<std::string>& errors) {
  const json::value* file = o.if_contains("ruleSetFile");
  const json::value* body = o.if_contains("ruleSetBody");
  if ((file != nullptr) == (body != nullptr)) {
    errors.push_back(where + ": expected exactly one of ruleSetFile and ruleSetBody");
    return;
  }
  std::string text;
  if (file) {
    if (!file->is_string()) return errors.push_back(where + ".ruleSetFile: expected a string");
    c.rule_set_file = std::string(file->as_string());
    std::filesystem::path p(c.rule_set_file);
    if (p.is_relative()) p = std::filesystem::path(base_dir) / p;
    auto read = read_file(p.string());
    if (!read.ok()) return errors.push_back(where + ".ruleSetFile: " + read.status().message());
    text = std::move(*read);
  } else if (body->is_string()) {
    text = std::string(body->as_string());
  } else if (body->is_object()) {
    text = json::serialize(*body);
  } else {
    return errors.push_back(where + ".ruleSetBody: expected a rule set (object or string)");
  }
  c.rules = compile_rules(text, where + " rule set", errors);
  if (c.rules) c.rule_set_name = c.rules->name.empty() ? c.rule_set_file : c.rules->name;
}

// `gameSessionQueue: "NAME"` or `gameSessionQueueArns: ["arn:...:gamesessionqueue/NAME"]`;
// GameLift allows several ARNs, placement here uses the first.
void read_queue(const json::object& o, Configuration& c, ConfigurationReader& r) {
  const json::value* name = o.if_contains("gameSessionQueue");
  const json::value* arns = o.if_contains("gameSessionQueueArns");
  if (name && arns)
    return r.error("gameSessionQueue", "give gameSessionQueue or gameSessionQueueArns, not both");
  if (name) {
    r.string("gameSessionQueue", c.queue, 128);
    if (!valid_name(c.queue))
      r.error("gameSessionQueue", "expected 1-128 characters of [a-zA-Z0-9-._]");
    return;
  }
  if (!arns) return;
  const json::array* list = arns->if_array();
  if (!list || list->empty() || !list->front().is_string()) {
    return r.error("gameSessionQueueArns", "expected a non-empty array of queue ARNs");
  }
  std::string_view arn = list->front().as_string();
  constexpr std::string_view kMarker = ":gamesessionqueue/";
  size_t at = arn.rfind(kMarker);
  std::string queue =
      at == std::string_view::npos ? "" : std::string(arn.substr(at + kMarker.size()));
  if (arn.rfind("arn:", 0) != 0 || !valid_name(queue)) {
    return r.error("gameSessionQueueArns",
                   "expected arn:aws:gamelift:<region>:<account>:gamesessionqueue/<name>");
  }
  c.queue = std::move(queue);
}

Configuration read_configuration(const json::object& o, const std::string& where,
                                 const std::string& base_dir, std::vector<std::string>& errors) {
  Configuration c;
  ConfigurationReader r(o, where, errors);
  r.string("name", c.name, 128);
  if (!valid_name(c.name)) r.error("name", "expected 1-128 characters of [a-zA-Z0-9-._]");
  r.integer("requestTimeoutSeconds", c.request_timeout_seconds, 1, 43200);
  r.boolean("acceptanceRequired", c.acceptance_required);
  r.integer("acceptanceTimeoutSeconds", c.acceptance_timeout_seconds, 1, 600);
  r.choice("backfillMode", c.backfill_mode,
           {{"AUTOMATIC", BackfillMode::kAutomatic}, {"MANUAL", BackfillMode::kManual}});
  r.choice("flexMatchMode", c.flex_match_mode,
           {{"STANDALONE", FlexMatchMode::kStandalone}, {"WITH_QUEUE", FlexMatchMode::kWithQueue}});
  read_queue(o, c, r);
  r.integer("additionalPlayerCount", c.additional_player_count, 0, 199);
  r.properties("gameProperties", c.game_properties);
  r.string("gameSessionData", c.game_session_data, kMaxGameSessionData);
  r.string("customEventData", c.custom_event_data, kMaxCustomEventData);
  r.string("notificationTarget", c.notification_target, 2048);
  if (!c.notification_target.empty() && c.notification_target.rfind("http://", 0) != 0 &&
      c.notification_target.rfind("https://", 0) != 0) {
    r.error("notificationTarget", "expected an http:// or https:// URL");
  }
  static const std::set<std::string_view> kKnown = {"name",
                                                    "description",
                                                    "ruleSetFile",
                                                    "ruleSetBody",
                                                    "requestTimeoutSeconds",
                                                    "acceptanceRequired",
                                                    "acceptanceTimeoutSeconds",
                                                    "backfillMode",
                                                    "flexMatchMode",
                                                    "additionalPlayerCount",
                                                    "gameProperties",
                                                    "gameSessionData",
                                                    "customEventData",
                                                    "notificationTarget",
                                                    "gameSessionQueue",
                                                    "gameSessionQueueArns"};
  for (const auto& kv : o) {
    if (!kKnown.count(kv.key())) r.error(kv.key(), "unknown key");
  }
  read_rule_set(o, c, where, base_dir, errors);
  return c;
}

std::string join(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += (out.empty() ? "" : "\n") + l;
  return out;
}

}  // namespace

std::string Configuration::arn(std::string_view region) const {
  return fmt::format("arn:aws:gamelift:{}::matchmakingconfiguration/{}", region, name);
}

std::string_view flex_match_mode_name(FlexMatchMode mode) {
  return mode == FlexMatchMode::kStandalone ? "STANDALONE" : "WITH_QUEUE";
}

std::string_view backfill_mode_name(BackfillMode mode) {
  return mode == BackfillMode::kAutomatic ? "AUTOMATIC" : "MANUAL";
}

Result<std::vector<Configuration>> parse_configurations(std::string_view document,
                                                        const std::string& base_dir) {
  boost::system::error_code ec;
  json::value doc = json::parse(document, ec);
  if (ec) return invalid_argument("configurations: not valid JSON: " + ec.message());
  const json::object* root = doc.if_object();
  const json::value* list = root ? root->if_contains("configurations") : nullptr;
  if (!list || !list->is_array() || list->as_array().empty()) {
    return invalid_argument("configurations: expected {\"configurations\": [ ... ]}, not empty");
  }
  std::vector<std::string> errors;
  std::vector<Configuration> out;
  std::set<std::string> names;
  for (size_t i = 0; i < list->as_array().size(); ++i) {
    std::string where = fmt::format("configurations[{}]", i);
    const json::object* o = list->as_array()[i].if_object();
    if (!o) {
      errors.push_back(where + ": expected an object");
      continue;
    }
    Configuration c = read_configuration(*o, where, base_dir, errors);
    if (!names.insert(c.name).second) errors.push_back(where + ".name: duplicate " + c.name);
    out.push_back(std::move(c));
  }
  if (!errors.empty()) return invalid_argument(join(errors));
  return out;
}

Result<std::vector<Configuration>> load_configurations_file(const std::string& path) {
  auto text = read_file(path);
  if (!text.ok()) return text.status();
  auto base = std::filesystem::path(path).parent_path().string();
  auto parsed = parse_configurations(*text, base.empty() ? "." : base);
  if (!parsed.ok()) return invalid_argument(path + ":\n" + parsed.status().message());
  return parsed;
}

std::vector<Configuration> embedded_configurations(const std::string& default_name) {
  std::vector<std::string> errors;
  Configuration two;
  two.name = default_name;
  two.rule_set_name = "two-teams";
  two.request_timeout_seconds = 120;
  two.rules = compile_rules(embedded_rule_set("two-teams.json"), "two-teams", errors);

  two.flex_match_mode = FlexMatchMode::kWithQueue;
  two.queue = "default";
  Configuration standalone = two;
  standalone.name = default_name + "-standalone";
  standalone.flex_match_mode = FlexMatchMode::kStandalone;

  Configuration seed;
  seed.name = "seed-game";
  seed.rule_set_name = "seed-game";
  seed.request_timeout_seconds = 120;
  seed.backfill_mode = BackfillMode::kAutomatic;
  seed.rules = compile_rules(embedded_rule_set("seed-game.json"), "seed-game", errors);
  // The embedded rule sets are part of the binary: a failure here is a build defect.
  if (!errors.empty()) {
    fmt::print(stderr, "embedded rule sets do not validate:\n{}\n", join(errors));
    std::abort();
  }
  std::vector<Configuration> out;
  out.push_back(std::move(two));
  out.push_back(std::move(standalone));
  if (default_name != seed.name) out.push_back(std::move(seed));
  return out;
}

}  // namespace sapi::matchmaking
