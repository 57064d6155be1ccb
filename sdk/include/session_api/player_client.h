#pragma once

// The player's side of the service: matchmaking tickets (start, status with long polls,
// cancel, accept) and the server-sent event stream, authenticated with the player's ID token
// (Cognito's, or the service's local issuer's).
//
// Thread-safety: a PlayerClient may be used from several threads at once; each call runs on
// the calling thread and blocks it (at most the call's time-out), so a game calls it from a
// worker thread, never from the game thread. Calls in flight on different threads use
// separate connections; finished connections are kept for reuse (keep-alive).

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "session_api/result.h"

namespace session_api {

class Transport;

// A FlexMatch player attribute: a number, a string, a list of strings or a map of string to
// number.
struct AttributeValue {
  enum class Kind { kNumber, kString, kStringList, kStringNumberMap };
  Kind kind = Kind::kNumber;
  double number = 0;
  std::string string;
  std::vector<std::string> string_list;
  std::map<std::string, double> string_number_map;

  static AttributeValue of(double n);
  static AttributeValue of(std::string s);
  static AttributeValue of(std::vector<std::string> list);
  static AttributeValue of(std::map<std::string, double> map);
};

using Attributes = std::map<std::string, AttributeValue>;
using Latencies = std::map<std::string, int>;  // region -> milliseconds

// One member of a party.
struct PartyMember {
  std::string player_id;
  Attributes attributes;
  Latencies latency_in_ms;
};

struct StartRequest {
  std::string player_id;  // must be the token's subject
  Attributes attributes;
  Latencies latency_in_ms;
  std::string configuration_name;  // empty: the service's default configuration
  std::string ticket_id;           // empty: the service generates one; set it to retry safely
  std::vector<PartyMember> party;  // empty: a solo ticket; else every member, the caller too
};

struct StartResult {
  std::string ticket_id;
  std::string status;  // "QUEUED"
  std::string start_time;
  std::optional<int> estimated_wait_seconds;
};

struct MatchedPlayerSession {
  std::string player_id;
  std::string player_session_id;
};

struct ConnectionInfo {
  std::string game_session_arn;
  std::string ip_address;
  std::string dns_name;
  int port = 0;
  std::vector<MatchedPlayerSession> matched_player_sessions;
};

struct TicketPlayer {
  std::string player_id;
  std::string team;
  std::optional<bool> accepted;
};

struct Ticket {
  std::string ticket_id;
  // QUEUED SEARCHING REQUIRES_ACCEPTANCE PLACING COMPLETED FAILED CANCELLED TIMED_OUT
  std::string status;
  std::string status_reason;
  std::string status_message;
  std::string start_time;
  std::string end_time;
  std::optional<int> estimated_wait_seconds;
  std::string configuration_name;
  std::string match_id;
  std::vector<TicketPlayer> players;
  std::optional<ConnectionInfo> connection;  // when COMPLETED

  // COMPLETED, FAILED, CANCELLED or TIMED_OUT: the ticket will not change any more.
  bool is_final() const;
  // The player session reserved for `player_id`, empty when there is none.
  std::string player_session_id(const std::string& player_id) const;
};

struct CancelResult {
  std::string ticket_id;
  std::string status;
  std::string note;  // "Ticket already ended" when it had
};

// A reward the player holds (GET /players/{playerId}/rewards): the first grant, and the
// latest one.
struct Reward {
  std::string reward_id;
  std::string granted_at;
  std::string session_id;
  std::string last_granted_at;
  std::string last_session_id;
};

// One stored session summary of the player (GET /players/{playerId}/sessions).
struct SessionRecord {
  std::string session_id;
  std::string end_time;
  std::vector<std::string> rewards;
  int64_t ttl = 0;
  std::string created_at;
};

struct SessionPage {
  std::vector<SessionRecord> sessions;  // newest first
  std::string next_cursor;              // empty on the last page
};

// One server-sent event of GET /matchmaking/events.
struct Event {
  std::string type;  // FlexMatch's detail type, e.g. "MatchmakingSucceeded"
  std::string id;
  std::string data;  // the event's JSON, as sent
};

class PlayerClient {
 public:
  PlayerClient(ClientOptions options, std::string id_token);
  ~PlayerClient();
  PlayerClient(const PlayerClient&) = delete;
  PlayerClient& operator=(const PlayerClient&) = delete;

  // Replaces the token (e.g. after a refresh); calls already sent keep the old one.
  void set_token(std::string id_token);

  // POST /matchmaking/start.
  Result<StartResult> start(const StartRequest& request);

  // GET /matchmaking/status/{ticketId}. With wait_seconds > 0 (at most 20) the service answers
  // as soon as the ticket changes, or after that many seconds; with known_status (the status
  // the caller last saw) it answers at once when the ticket is no longer in it.
  Result<Ticket> status(const std::string& ticket_id, int wait_seconds = 0,
                        const std::string& known_status = "");

  // Long-polls until the ticket is final or `timeout_seconds` have passed, calling
  // `on_change` (if set) with every new status. Answers the last ticket seen.
  Result<Ticket> wait_until_final(const std::string& ticket_id, int timeout_seconds,
                                  const std::function<void(const Ticket&)>& on_change = {});

  // DELETE /matchmaking/cancel/{ticketId}; idempotent.
  Result<CancelResult> cancel(const std::string& ticket_id);

  // POST /matchmaking/accept/{ticketId}: accept (true) or reject (false) a proposed match.
  Result<Ticket> accept(const std::string& ticket_id, bool accept);

  // GET /players/{playerId}/rewards: the caller's rewards (another player's is 403).
  Result<std::vector<Reward>> rewards(const std::string& player_id);

  // GET /players/{playerId}/sessions: a page of the caller's session summaries, newest first;
  // `limit` 1..100, `cursor` the previous page's next_cursor.
  Result<SessionPage> sessions(const std::string& player_id, int limit = 20,
                               const std::string& cursor = "");

  // GET /matchmaking/events: calls `on_event` for every event until it returns false, `stop`
  // becomes true (checked about once a second), the service ends the stream or
  // `max_seconds` pass (0: no limit). Blocks the calling thread meanwhile. Ends with Done when
  // stopped by the caller or the limit, or with the error that ended the stream.
  // `last_event_id` (the id of the last event seen) resumes a stream: the service first sends
  // the events missed since.
  Result<Done> events(const std::function<bool(const Event&)>& on_event,
                      const std::atomic<bool>* stop = nullptr, int max_seconds = 0,
                      const std::string& last_event_id = "");

 private:
  std::string authorization() const;

  std::unique_ptr<Transport> transport_;
  struct TokenBox;
  std::unique_ptr<TokenBox> token_;
};

}  // namespace session_api
