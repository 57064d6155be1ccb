// Feeds arbitrary bytes to the queues-file parser (a configuration file is untrusted input).
// A valid result must also survive the latency policies at any age and the choice of a
// server among a few candidates, so that odd policies and locations reach the selection.

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "fleet/queue.h"
#include "fleet/selection.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace sapi;
  std::string_view body(reinterpret_cast<const char*>(data), size);
  auto parsed = fleet::parse_queues(body);
  if (!parsed.ok()) return 0;
  std::vector<matchmaking::PlacementPlayer> players(3);
  players[0].latencies = {{"eu-west-1", 40}, {"us-east-1", 120}};
  players[1].latencies = {{"us-east-1", 90}};
  std::vector<fleet::Candidate> candidates = {{"a", "eu-west-1", 10, 2, true},
                                              {"b", "us-east-1", 4, 0, true},
                                              {"c", "ap-south-1", 2, 0, false}};
  for (const auto& queue : fleet::with_default_queue(std::move(*parsed))) {
    for (double age : {0.0, 1.0, 29.9, 30.0, 90.0, 1e6}) {
      (void)fleet::active_latency_limit(queue, age);
      (void)fleet::next_latency_limit_change(queue, age);
      (void)fleet::choose_server(queue, candidates, players, age);
    }
    (void)fleet::loosest_latency_limit(queue);
    for (const auto& location : queue.locations) {
      candidates.push_back({"d", location, 3, 0, true});
      (void)fleet::choose_server(queue, candidates, players, 0);
      candidates.pop_back();
    }
  }
  return 0;
}
