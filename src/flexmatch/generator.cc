#include "flexmatch/generator.h"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>
#include <random>

namespace sapi::flexmatch {
namespace {

namespace json = boost::json;

Status read_number(const json::object& o, std::string_view key, double& out, double lo, double hi,
                   std::string_view where) {
  const auto* v = o.if_contains(key);
  if (v == nullptr) return {};
  if (!v->is_number() || !std::isfinite(v->to_number<double>()) || v->to_number<double>() < lo ||
      v->to_number<double>() > hi) {
    return invalid_argument(fmt::format("{}{}: expected a number in [{}, {}]", where, key, lo, hi));
  }
  out = v->to_number<double>();
  return {};
}

Status read_weights(const json::value& v, std::string_view key,
                    std::map<std::string, double>& out) {
  if (!v.is_object() || v.get_object().empty()) {
    return invalid_argument(fmt::format("{}: expected an object of name to weight", key));
  }
  out.clear();
  for (const auto& [name, w] : v.get_object()) {
    if (!w.is_number() || !(w.to_number<double>() >= 0) || !std::isfinite(w.to_number<double>())) {
      return invalid_argument(fmt::format("{}.{}: expected a weight >= 0", key, std::string(name)));
    }
    out[std::string(name)] = w.to_number<double>();
  }
  return {};
}

Status read_distribution(const json::object& o, std::string_view key, double& mean,
                         double& stddev) {
  const auto* v = o.if_contains(key);
  if (v == nullptr) return {};
  if (!v->is_object()) return invalid_argument(fmt::format("latency.{}: expected an object", key));
  std::string where = fmt::format("latency.{}.", key);
  SAPI_RETURN_IF_ERROR(read_number(v->get_object(), "mean", mean, 0, 100000, where));
  return read_number(v->get_object(), "stddev", stddev, 0, 100000, where);
}

Status read_spec(const json::object& o, GeneratorSpec& s) {
  double seed = static_cast<double>(s.seed);
  SAPI_RETURN_IF_ERROR(read_number(o, "seed", seed, 0, 9e15, ""));
  s.seed = static_cast<uint64_t>(seed);
  SAPI_RETURN_IF_ERROR(read_number(o, "durationSeconds", s.duration_seconds, 0, 1e7, ""));
  SAPI_RETURN_IF_ERROR(read_number(o, "arrivalsPerSecond", s.arrivals_per_second, 0, 1e7, ""));
  if (const auto* sk = o.if_contains("skill")) {
    if (!sk->is_object()) return invalid_argument("skill: expected an object");
    const auto& so = sk->get_object();
    if (const auto* a = so.if_contains("attribute")) {
      if (!a->is_string()) return invalid_argument("skill.attribute: expected a string");
      s.skill_attribute = std::string(a->get_string());
    }
    SAPI_RETURN_IF_ERROR(read_number(so, "mean", s.skill_mean, -1e12, 1e12, "skill."));
    SAPI_RETURN_IF_ERROR(read_number(so, "stddev", s.skill_stddev, 0, 1e12, "skill."));
    SAPI_RETURN_IF_ERROR(read_number(so, "min", s.skill_min, -1e12, 1e12, "skill."));
    SAPI_RETURN_IF_ERROR(read_number(so, "max", s.skill_max, -1e12, 1e12, "skill."));
    if (s.skill_min > s.skill_max) return invalid_argument("skill: min is above max");
  }
  if (const auto* r = o.if_contains("regions")) {
    SAPI_RETURN_IF_ERROR(read_weights(*r, "regions", s.regions));
  }
  if (const auto* l = o.if_contains("latency")) {
    if (!l->is_object()) return invalid_argument("latency: expected an object");
    SAPI_RETURN_IF_ERROR(read_distribution(l->get_object(), "home", s.home_mean, s.home_stddev));
    SAPI_RETURN_IF_ERROR(read_distribution(l->get_object(), "away", s.away_mean, s.away_stddev));
  }
  if (const auto* p = o.if_contains("partySizes")) {
    std::map<std::string, double> weights;
    SAPI_RETURN_IF_ERROR(read_weights(*p, "partySizes", weights));
    s.party_sizes.clear();
    for (const auto& [size, w] : weights) {
      int n = std::atoi(size.c_str());
      if (n < 1 || n > 10 || std::to_string(n) != size) {
        return invalid_argument(fmt::format("partySizes.{}: expected a size from 1 to 10", size));
      }
      s.party_sizes[n] = w;
    }
  }
  if (const auto* a = o.if_contains("attributes")) {
    if (!a->is_object()) return invalid_argument("attributes: expected an object");
    for (const auto& [name, values] : a->get_object()) {
      if (!values.is_array() || values.get_array().empty()) {
        return invalid_argument(
            fmt::format("attributes.{}: expected a non-empty array of values", std::string(name)));
      }
      auto& list = s.attribute_values[std::string(name)];
      list.assign(values.get_array().begin(), values.get_array().end());
    }
  }
  return {};
}

template <typename Map>
auto pick_weighted(const Map& weights, std::mt19937_64& rng) {
  double total = 0;
  for (const auto& [k, w] : weights) total += w;
  double x = std::uniform_real_distribution<double>(0, total)(rng);
  for (const auto& [k, w] : weights) {
    if (x < w) return k;
    x -= w;
  }
  return weights.rbegin()->first;
}

class StreamWriter {
 public:
  StreamWriter(const GeneratorSpec& spec, const std::vector<GeneratedAttribute>& attributes)
      : spec_(spec), attributes_(attributes), rng_(spec.seed) {}

  std::vector<TicketArrival> run() {
    std::vector<TicketArrival> out;
    if (spec_.arrivals_per_second <= 0) return out;
    std::exponential_distribution<double> gap(spec_.arrivals_per_second);
    for (double t = gap(rng_); t < spec_.duration_seconds; t += gap(rng_)) {
      out.push_back(ticket(t, out.size()));
    }
    return out;
  }

 private:
  TicketArrival ticket(double at, size_t index) {
    TicketArrival t;
    t.at = std::round(at * 1000) / 1000;
    t.ticket_id = fmt::format("ticket-{:06}", index + 1);
    int size = pick_weighted(spec_.party_sizes, rng_);
    std::string home = pick_weighted(spec_.regions, rng_);
    for (int i = 0; i < size; ++i) t.players.push_back(player(home));
    return t;
  }

  PlayerArrival player(const std::string& home) {
    PlayerArrival p;
    p.player_id = fmt::format("player-{:07}", ++players_);
    for (const auto& [region, weight] : spec_.regions) {
      bool is_home = region == home;
      std::normal_distribution<double> d(is_home ? spec_.home_mean : spec_.away_mean,
                                         is_home ? spec_.home_stddev : spec_.away_stddev);
      p.latency_ms.emplace_back(region, static_cast<int>(std::lround(std::max(1.0, d(rng_)))));
    }
    for (const auto& a : attributes_) {
      if (auto it = spec_.attribute_values.find(a.name); it != spec_.attribute_values.end()) {
        const auto& values = it->second;
        p.attributes[a.name] = values[rng_() % values.size()];
      } else if (a.name == spec_.skill_attribute && a.kind == GeneratedKind::kNumber) {
        p.attributes[a.name] = skill();
      } else if (!a.has_default) {
        p.attributes[a.name] = filler(a.kind);
      }
    }
    return p;
  }

  double skill() {
    std::normal_distribution<double> d(spec_.skill_mean, spec_.skill_stddev);
    return std::round(std::clamp(d(rng_), spec_.skill_min, spec_.skill_max) * 10) / 10;
  }

  json::value filler(GeneratedKind kind) {
    switch (kind) {
      case GeneratedKind::kNumber:
        return skill();
      case GeneratedKind::kString:
        return "default";
      case GeneratedKind::kStringList:
        return json::array{"default"};
      case GeneratedKind::kStringNumberMap:
        return json::object{{"default", 1}};
    }
    return nullptr;
  }

  const GeneratorSpec& spec_;
  const std::vector<GeneratedAttribute>& attributes_;
  std::mt19937_64 rng_;
  size_t players_ = 0;
};

}  // namespace

Result<GeneratorSpec> parse_generator_spec(std::string_view json_text) {
  boost::system::error_code ec;
  json::value v = json::parse(json_text, ec);
  if (ec) return invalid_argument("generator spec is not JSON: " + ec.message());
  if (!v.is_object()) return invalid_argument("generator spec: expected an object");
  GeneratorSpec spec;
  SAPI_RETURN_IF_ERROR(read_spec(v.get_object(), spec));
  return spec;
}

std::vector<TicketArrival> generate_tickets(const GeneratorSpec& spec,
                                            const std::vector<GeneratedAttribute>& attributes) {
  return StreamWriter(spec, attributes).run();
}

}  // namespace sapi::flexmatch
