#include "matchmaking/event_format.h"

namespace sapi::matchmaking {

std::shared_ptr<const EventSource> event_source(const Configuration& config,
                                                std::string_view region, std::string_view account) {
  return std::make_shared<const EventSource>(EventSource{config.name, config.arn(region),
                                                         std::string(account), std::string(region),
                                                         config.custom_event_data});
}

MatchmakingEvent make_event(std::shared_ptr<const EventSource> source, std::string_view type,
                            const std::vector<const TicketView*>& tickets, EventDetail detail,
                            Clock::TimePoint now) {
  MatchmakingEvent e;
  e.type = event_type(type);
  e.source = std::move(source);
  e.time = now;
  e.tickets.reserve(tickets.size());
  for (const TicketView* t : tickets) {
    EventTicket& et = e.tickets.emplace_back();
    et.ticket_id = t->ticket_id;
    et.start_time = t->start_time;
    et.players.reserve(t->players.size());
    for (const PlayerView& p : t->players) {
      et.players.push_back({p.player_id, p.team, p.player_session_id, p.accepted});
    }
  }
  e.detail = std::move(detail);
  return e;
}

EventDetail potential_match_detail(const Configuration& config, std::string_view match_id,
                                   const std::vector<flexmatch::RuleCount>& metrics) {
  EventDetail d;
  d.match_id = std::string(match_id);
  d.potential_match = true;
  d.acceptance_required = config.acceptance_required;
  d.acceptance_timeout_seconds = config.acceptance_timeout_seconds;
  d.rule_metrics = metrics;
  return d;
}

EventDetail succeeded_detail(std::string_view match_id, const std::vector<const TicketView*>&,
                             const ConnectionInfo* connection) {
  EventDetail d;
  d.match_id = std::string(match_id);
  d.game_session_info = true;
  if (connection) {
    d.game_session = EventGameSession{connection->game_session_arn, connection->ip_address,
                                      connection->dns_name, connection->port};
  }
  return d;
}

}  // namespace sapi::matchmaking
