#include "fleet/queue.h"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>
#include <fstream>
#include <set>
#include <sstream>

namespace sapi::fleet {
namespace {

namespace json = boost::json;

constexpr int kMaxTimeoutSeconds = 43200;
constexpr int kMaxLatencyMs = 100000;
constexpr size_t kMaxLocations = 100;
constexpr size_t kMaxPolicies = 10;

bool valid_chars(std::string_view s, size_t max, std::string_view extra) {
  if (s.empty() || s.size() > max) return false;
  return std::all_of(s.begin(), s.end(), [&](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           extra.find(c) != std::string_view::npos;
  });
}

std::optional<int64_t> as_int(const json::value& v) {
  if (v.is_int64()) return v.as_int64();
  if (v.is_uint64() && v.as_uint64() <= static_cast<uint64_t>(INT64_MAX)) {
    return static_cast<int64_t>(v.as_uint64());
  }
  return std::nullopt;
}

// Reads one queue object, collecting every problem in `errors`.
class QueueReader {
 public:
  QueueReader(const json::object& o, std::string where, std::vector<std::string>& errors)
      : o_(o), where_(std::move(where)), errors_(errors) {}

  QueueConfig read() {
    QueueConfig q;
    q.timeout_seconds = 0;
    // The name first, so that every later message names the queue.
    if (const json::value* v = o_.if_contains("name")) name(*v, q.name);
    for (const auto& kv : o_) {
      std::string_view key = kv.key();
      if (key == "name") {
        continue;
      } else if (key == "timeoutInSeconds") {
        integer(kv.value(), key, 1, kMaxTimeoutSeconds, q.timeout_seconds);
      } else if (key == "locations") {
        locations(kv.value(), q.locations);
      } else if (key == "playerLatencyPolicies") {
        policies(kv.value(), q.latency_policies);
      } else {
        error(key, "unknown key");
      }
    }
    if (!o_.contains("name")) error("name", "required");
    if (!o_.contains("timeoutInSeconds")) error("timeoutInSeconds", "required");
    return q;
  }

 private:
  void error(std::string_view key, std::string_view message) {
    errors_.push_back(fmt::format("{}.{}: {}", where_, key, message));
  }

  void name(const json::value& v, std::string& out) {
    if (!v.is_string() || !valid_chars(v.as_string(), 128, "-_.")) {
      return error("name", "expected 1 to 128 characters of a-z, A-Z, 0-9, '-', '_', '.'");
    }
    out = std::string(v.as_string());
    where_ += fmt::format(" ({})", out);
  }

  bool integer(const json::value& v, std::string_view key, int min, int max, int& out) {
    auto n = as_int(v);
    if (!n || *n < min || *n > max) {
      error(key, fmt::format("expected an integer from {} to {}", min, max));
      return false;
    }
    out = static_cast<int>(*n);
    return true;
  }

  void locations(const json::value& v, std::vector<std::string>& out) {
    if (!v.is_array() || v.as_array().size() > kMaxLocations) {
      return error("locations", "expected an array of at most 100 location names");
    }
    std::set<std::string, std::less<>> seen;
    for (const auto& item : v.as_array()) {
      if (!item.is_string() || !valid_chars(item.as_string(), 64, "-_")) {
        error("locations", "expected location names like \"eu-west-1\"");
        continue;
      }
      std::string location(item.as_string());
      if (!seen.insert(location).second) error("locations", "duplicate " + location);
      out.push_back(std::move(location));
    }
  }

  void policies(const json::value& v, std::vector<LatencyPolicy>& out) {
    constexpr std::string_view kKey = "playerLatencyPolicies";
    if (!v.is_array() || v.as_array().size() > kMaxPolicies) {
      return error(kKey, "expected an array of at most 10 policies");
    }
    for (size_t i = 0; i < v.as_array().size(); ++i) {
      std::string key = fmt::format("{}[{}]", kKey, i);
      const json::object* p = v.as_array()[i].if_object();
      if (!p) {
        error(key, "expected an object");
        continue;
      }
      LatencyPolicy policy;
      bool ok = true;
      for (const auto& kv : *p) {
        if (kv.key() == "maximumIndividualPlayerLatencyMilliseconds") {
          ok &= integer(kv.value(), key + ".maximumIndividualPlayerLatencyMilliseconds", 1,
                        kMaxLatencyMs, policy.max_latency_ms);
        } else if (kv.key() == "policyDurationSeconds") {
          ok &= integer(kv.value(), key + ".policyDurationSeconds", 1, kMaxTimeoutSeconds,
                        policy.duration_seconds);
        } else {
          error(fmt::format("{}.{}", key, std::string_view(kv.key())), "unknown key");
        }
      }
      if (!p->contains("maximumIndividualPlayerLatencyMilliseconds")) {
        error(key + ".maximumIndividualPlayerLatencyMilliseconds", "required");
        ok = false;
      }
      if (ok) out.push_back(policy);
    }
    order_policies(out);
  }

  // GameLift enforces the policies from the strictest to the loosest; the one without a
  // duration holds until the time-out, so nothing can follow it.
  void order_policies(std::vector<LatencyPolicy>& policies) {
    std::stable_sort(policies.begin(), policies.end(), [](const auto& a, const auto& b) {
      return a.max_latency_ms < b.max_latency_ms;
    });
    auto open = std::count_if(policies.begin(), policies.end(),
                              [](const auto& p) { return p.duration_seconds == 0; });
    if (open > 1) {
      error("playerLatencyPolicies", "at most one policy may omit policyDurationSeconds");
    } else if (open == 1 && policies.back().duration_seconds != 0) {
      error("playerLatencyPolicies",
            "the policy without policyDurationSeconds must have the highest limit");
    }
  }

  const json::object& o_;
  std::string where_;
  std::vector<std::string>& errors_;
};

std::string join(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += (out.empty() ? "" : "\n") + l;
  return out;
}

double timeout_of(const QueueConfig& q) { return static_cast<double>(q.timeout_seconds); }

}  // namespace

QueueConfig default_queue() {
  QueueConfig q;
  q.name = std::string(kDefaultQueueName);
  q.timeout_seconds = 60;
  q.latency_policies = {{100, 30}, {150, 60}, {200, 0}};
  return q;
}

Result<std::vector<QueueConfig>> parse_queues(std::string_view document) {
  boost::system::error_code ec;
  json::value doc = json::parse(document, ec);
  if (ec) return invalid_argument("queues: not valid JSON: " + ec.message());
  const json::object* root = doc.if_object();
  const json::value* list = root ? root->if_contains("queues") : nullptr;
  if (!list || !list->is_array()) return invalid_argument("queues: expected {\"queues\": [...]}");
  std::vector<std::string> errors;
  for (const auto& kv : *root) {
    if (kv.key() != "queues")
      errors.push_back(fmt::format("{}: unknown key", std::string_view(kv.key())));
  }
  std::vector<QueueConfig> out;
  std::set<std::string> names;
  for (size_t i = 0; i < list->as_array().size(); ++i) {
    std::string where = fmt::format("queues[{}]", i);
    const json::object* o = list->as_array()[i].if_object();
    if (!o) {
      errors.push_back(where + ": expected an object");
      continue;
    }
    QueueConfig q = QueueReader(*o, where, errors).read();
    if (!q.name.empty() && !names.insert(q.name).second) {
      errors.push_back(fmt::format("{} ({}).name: duplicate", where, q.name));
    }
    out.push_back(std::move(q));
  }
  if (!errors.empty()) return invalid_argument(join(errors));
  return out;
}

Result<std::vector<QueueConfig>> load_queues_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return invalid_argument("cannot read queues file " + path);
  std::ostringstream s;
  s << in.rdbuf();
  auto parsed = parse_queues(s.str());
  if (!parsed.ok()) return invalid_argument(path + ": " + parsed.status().message());
  return parsed;
}

std::vector<QueueConfig> with_default_queue(std::vector<QueueConfig> queues) {
  bool has_default = std::any_of(queues.begin(), queues.end(),
                                 [](const auto& q) { return q.name == kDefaultQueueName; });
  if (!has_default) queues.push_back(default_queue());
  return queues;
}

std::optional<int> active_latency_limit(const QueueConfig& queue, double seconds) {
  double end = 0;
  for (const auto& p : queue.latency_policies) {
    if (p.duration_seconds == 0) return p.max_latency_ms;
    end += p.duration_seconds;
    if (seconds < end) return p.max_latency_ms;
  }
  return std::nullopt;
}

std::optional<int> loosest_latency_limit(const QueueConfig& queue) {
  std::optional<int> loosest;
  double start = 0;
  for (const auto& p : queue.latency_policies) {
    if (start >= timeout_of(queue)) return loosest;
    loosest = p.max_latency_ms;  // sorted: each policy is looser than the one before
    if (p.duration_seconds == 0) return loosest;
    start += p.duration_seconds;
  }
  // Every policy ran out: the rest of the time has no limit, if any time is left.
  return start < timeout_of(queue) ? std::nullopt : loosest;
}

std::optional<double> next_latency_limit_change(const QueueConfig& queue, double seconds) {
  double end = 0;
  for (const auto& p : queue.latency_policies) {
    if (p.duration_seconds == 0) return std::nullopt;
    end += p.duration_seconds;
    if (seconds < end) {
      return end < timeout_of(queue) ? std::optional<double>(end) : std::nullopt;
    }
  }
  return std::nullopt;
}

}  // namespace sapi::fleet
