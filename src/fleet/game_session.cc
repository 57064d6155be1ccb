#include "fleet/game_session.h"

#include <arpa/inet.h>

#include <algorithm>

namespace sapi::fleet {
namespace {

bool id_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == '-';
}

bool valid_ip(const std::string& ip) {
  unsigned char buf[16];
  return inet_pton(AF_INET, ip.c_str(), buf) == 1 || inet_pton(AF_INET6, ip.c_str(), buf) == 1;
}

// Region names as AWS writes them: lower-case words and digits joined by '-', e.g.
// eu-west-1, us-gov-east-1, or a custom location such as custom-home-1.
bool valid_location(const std::string& location) {
  if (location.empty() || location.size() > 64) return false;
  if (location.front() == '-' || location.back() == '-') return false;
  if (location.find('-') == std::string::npos) return false;
  return std::all_of(location.begin(), location.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

}  // namespace

std::string_view status_name(GameSessionStatus status) {
  switch (status) {
    case GameSessionStatus::kActivating:
      return "ACTIVATING";
    case GameSessionStatus::kActive:
      return "ACTIVE";
    case GameSessionStatus::kTerminated:
      return "TERMINATED";
  }
  return "TERMINATED";
}

std::string_view status_name(PlayerSessionStatus status) {
  switch (status) {
    case PlayerSessionStatus::kReserved:
      return "RESERVED";
    case PlayerSessionStatus::kActive:
      return "ACTIVE";
    case PlayerSessionStatus::kCompleted:
      return "COMPLETED";
    case PlayerSessionStatus::kTimedOut:
      return "TIMEDOUT";
  }
  return "COMPLETED";
}

std::string_view health_name(Health health) {
  return health == Health::kHealthy ? "HEALTHY" : "UNHEALTHY";
}

int GameSession::seats_in_use() const {
  return static_cast<int>(
      std::count_if(player_sessions.begin(), player_sessions.end(), [](const PlayerSession& p) {
        return p.status == PlayerSessionStatus::kReserved ||
               p.status == PlayerSessionStatus::kActive;
      }));
}

bool valid_game_server_id(const std::string& id) {
  return !id.empty() && id.size() <= 128 && std::all_of(id.begin(), id.end(), id_char);
}

Status validate_spec(const GameServerSpec& spec) {
  if (!spec.game_server_id.empty() && !valid_game_server_id(spec.game_server_id)) {
    return invalid_argument("gameServerId must match [A-Za-z0-9_.-]{1,128}");
  }
  if (!valid_ip(spec.ip_address)) {
    return invalid_argument("ipAddress must be an IPv4 or IPv6 address");
  }
  if (spec.dns_name.size() > 253) return invalid_argument("dnsName is longer than 253 characters");
  if (spec.port < 1 || spec.port > 65535) return invalid_argument("port must be 1..65535");
  if (!valid_location(spec.location)) {
    return invalid_argument("location must be a region name such as eu-west-1");
  }
  if (spec.max_players < 1 || spec.max_players > 200) {
    return invalid_argument("maxPlayers must be 1..200");
  }
  if (spec.labels.size() > 32) return invalid_argument("at most 32 labels");
  for (const auto& [k, v] : spec.labels) {
    if (k.empty() || k.size() > 128 || v.size() > 256) {
      return invalid_argument("label keys must be 1..128 characters, values at most 256");
    }
  }
  return {};
}

std::string game_session_id_of(std::string_view arn_or_id) {
  size_t slash = arn_or_id.rfind('/');
  return std::string(slash == std::string_view::npos ? arn_or_id : arn_or_id.substr(slash + 1));
}

}  // namespace sapi::fleet
