#pragma once

// Game session queues: where a WITH_QUEUE match may be placed, for how long placement is tried
// and which player latencies are acceptable while it is. The format follows GameLift's
// CreateGameSessionQueue (see docs/placement.md).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace sapi::fleet {

// At most `max_latency_ms` for every player who reports a latency to a location, enforced for
// `duration_seconds` (0: until the queue times out).
struct LatencyPolicy {
  int max_latency_ms = 0;
  int duration_seconds = 0;
  bool operator==(const LatencyPolicy&) const = default;
};

struct QueueConfig {
  std::string name;
  int timeout_seconds = 60;
  // Allowed locations (regions) in priority order; empty: any location.
  std::vector<std::string> locations;
  // Sorted by increasing max_latency_ms, the order they are enforced in (as GameLift does);
  // at most one without a duration, and then it is the last. Empty: no latency limit.
  std::vector<LatencyPolicy> latency_policies;
};

inline constexpr std::string_view kDefaultQueueName = "default";

// The embedded `default` queue: any location, 60 s, and the seed game's policies (100 ms for
// 30 s, then 150 ms for 60 s, then 200 ms).
QueueConfig default_queue();

// Parses a queues document:
//
//   {"queues": [{"name": "eu", "timeoutInSeconds": 60, "locations": ["eu-west-1"],
//                "playerLatencyPolicies": [{"maximumIndividualPlayerLatencyMilliseconds": 100,
//                                           "policyDurationSeconds": 30}]}]}
//
// Every problem is reported at once in one kInvalidArgument, each line naming the queue and
// key. Names are unique, 1-128 characters of [a-zA-Z0-9-_.].
Result<std::vector<QueueConfig>> parse_queues(std::string_view document);

// Reads and parses a queues file.
Result<std::vector<QueueConfig>> load_queues_file(const std::string& path);

// `queues` plus the embedded default queue, unless `queues` already defines one by that name.
std::vector<QueueConfig> with_default_queue(std::vector<QueueConfig> queues);

// The latency limit in force `seconds` after the placement started: the policies run one
// after the other for their durations. nullopt: no limit (no policies, or every policy has
// run out).
std::optional<int> active_latency_limit(const QueueConfig& queue, double seconds);

// The loosest limit in force at any moment before the queue times out; nullopt when some
// moment has no limit. A location outside this limit can never take the players.
std::optional<int> loosest_latency_limit(const QueueConfig& queue);

// When (seconds since the placement started) the limit next changes after `seconds`, if it
// changes before the queue times out: a placement waiting for a server should be retried then.
std::optional<double> next_latency_limit_change(const QueueConfig& queue, double seconds);

}  // namespace sapi::fleet
