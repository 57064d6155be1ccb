#include "flexmatch/ticket.h"

#include <algorithm>

namespace sapi::flexmatch {

std::optional<int> Player::latency_to(std::string_view region) const {
  auto it =
      std::lower_bound(latencies.begin(), latencies.end(), region,
                       [](const RegionLatency& l, std::string_view r) { return l.region < r; });
  if (it == latencies.end() || it->region != region) return std::nullopt;
  return it->ms;
}

}  // namespace sapi::flexmatch
