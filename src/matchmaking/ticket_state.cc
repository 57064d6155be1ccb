// The ticket as the store keeps it (docs/storage.md, "Ticket state").
//
// Written in a compact binary form, format 2: every ticket is written twice or more on the
// start path, so the encoding's size and speed count on every start. Format 1, JSON text
// written by earlier releases, is still read: a data directory from those releases must
// recover its tickets.

#include <algorithm>
#include <bit>
#include <boost/json.hpp>
#include <chrono>
#include <cstring>

#include "flexmatch/rule_set.h"
#include "matchmaking/ticket_view.h"

namespace sapi::matchmaking {
namespace {

namespace json = boost::json;

// The first byte of a format-2 state. A format-1 state is a JSON object and starts with '{'.
constexpr char kFormat2 = '\x02';

// Format-2 flag bits.
constexpr uint64_t kHasEndTime = 1;
constexpr uint64_t kHasConnection = 2;
constexpr uint64_t kBackfill = 4;

int64_t to_ms(Clock::TimePoint t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}
// Half the span a time point can hold (about 146 years either side of 1970 in nanoseconds),
// so that adding a retention or a time-out to a stored time cannot overflow either. Anything
// further can only come from a damaged state.
constexpr int64_t kMaxAbsMs =
    std::chrono::duration_cast<std::chrono::milliseconds>(Clock::TimePoint::duration::max())
        .count() /
    2;

bool valid_ms(int64_t ms) { return ms >= -kMaxAbsMs && ms <= kMaxAbsMs; }

Clock::TimePoint from_ms(int64_t ms) {
  return Clock::TimePoint(
      std::chrono::duration_cast<Clock::TimePoint::duration>(std::chrono::milliseconds(ms)));
}

// ---- Format 2: varints (LEB128), zig-zag for signed values, strings as length and bytes,
// numbers as the 8 bytes of the IEEE double, little-endian.

class Writer {
 public:
  explicit Writer(std::string& out) : out_(out) {}
  void byte(uint8_t b) { out_.push_back(static_cast<char>(b)); }
  void uvar(uint64_t v) {
    while (v >= 0x80) {
      byte(static_cast<uint8_t>(v | 0x80));
      v >>= 7;
    }
    byte(static_cast<uint8_t>(v));
  }
  void svar(int64_t v) { uvar((static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63)); }
  void str(std::string_view s) {
    uvar(s.size());
    out_.append(s);
  }
  void number(double d) {
    uint64_t bits = std::bit_cast<uint64_t>(d);
    for (int i = 0; i < 8; ++i) byte(static_cast<uint8_t>(bits >> (8 * i)));
  }

 private:
  std::string& out_;
};

// Reads what Writer wrote. Any read past the end or any count larger than what is left marks
// the reader failed and yields empty values, so corrupt input ends in one error at the end.
class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  bool ok() const { return ok_; }
  bool at_end() const { return pos_ == in_.size(); }

  uint8_t byte() {
    if (pos_ >= in_.size()) return fail(), 0;
    return static_cast<uint8_t>(in_[pos_++]);
  }
  uint64_t uvar() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      uint8_t b = byte();
      if (!ok_) return 0;
      v |= static_cast<uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
    }
    return fail(), 0;
  }
  int64_t svar() {
    uint64_t u = uvar();
    return static_cast<int64_t>(u >> 1) ^ -static_cast<int64_t>(u & 1);
  }
  std::string str() {
    uint64_t n = uvar();
    if (!ok_ || n > in_.size() - pos_) return fail(), std::string();
    std::string s(in_.substr(pos_, n));
    pos_ += n;
    return s;
  }
  double number() {
    if (in_.size() - pos_ < 8) return fail(), 0.0;
    uint64_t bits = 0;
    for (int i = 0; i < 8; ++i) bits |= static_cast<uint64_t>(byte()) << (8 * i);
    return std::bit_cast<double>(bits);
  }
  // A count of items that each take at least one byte: never more than what is left.
  size_t count() {
    uint64_t n = uvar();
    if (!ok_ || n > in_.size() - pos_) return fail(), 0;
    return static_cast<size_t>(n);
  }
  void fail() { ok_ = false; }

 private:
  std::string_view in_;
  size_t pos_ = 0;
  bool ok_ = true;
};

void write_attribute(Writer& w, const flexmatch::AttributeValue& v) {
  w.byte(static_cast<uint8_t>(v.type()));
  switch (v.type()) {
    case flexmatch::AttributeType::kNumber:
      w.number(v.as_number());
      break;
    case flexmatch::AttributeType::kString:
      w.str(v.as_string());
      break;
    case flexmatch::AttributeType::kStringList:
      w.uvar(v.as_string_list().size());
      for (const auto& s : v.as_string_list()) w.str(s);
      break;
    case flexmatch::AttributeType::kStringNumberMap:
      w.uvar(v.as_string_number_map().size());
      for (const auto& [k, n] : v.as_string_number_map()) {
        w.str(k);
        w.number(n);
      }
      break;
  }
}

// A stored value of any type; its type is checked against the declaration by the caller.
flexmatch::AttributeValue read_attribute(Reader& r, flexmatch::AttributeType type) {
  switch (type) {
    case flexmatch::AttributeType::kNumber:
      return flexmatch::AttributeValue::number(r.number());
    case flexmatch::AttributeType::kString:
      return flexmatch::AttributeValue::string(r.str());
    case flexmatch::AttributeType::kStringList: {
      flexmatch::StringList list(r.count());
      for (auto& s : list) s = r.str();
      return flexmatch::AttributeValue::string_list(std::move(list));
    }
    case flexmatch::AttributeType::kStringNumberMap: {
      flexmatch::StringNumberMap map(r.count());
      for (auto& [k, n] : map) {
        k = r.str();
        n = r.number();
      }
      return flexmatch::AttributeValue::string_number_map(std::move(map));
    }
  }
  r.fail();
  return {};
}

// Attributes are stored by name, so that a rule set that changed between writing and reading
// (a reload, a restart with a new file) still finds them; missing ones take the declaration's
// default.
void write_player(Writer& w, const PlayerView& p, const flexmatch::RuleSet* rules) {
  w.str(p.player_id);
  w.str(p.team);
  w.str(p.player_session_id);
  w.byte(p.accepted ? (*p.accepted ? 2 : 1) : 0);
  size_t n = 0;
  for (size_t i = 0; rules && i < p.decoded.attributes.size() && i < rules->attributes.size();
       ++i) {
    if (p.decoded.attributes[i].present()) ++n;
  }
  w.uvar(n);
  for (size_t i = 0; rules && i < p.decoded.attributes.size() && i < rules->attributes.size();
       ++i) {
    if (!p.decoded.attributes[i].present()) continue;
    w.str(rules->attributes[i].name);
    write_attribute(w, p.decoded.attributes[i]);
  }
  w.uvar(p.decoded.latencies.size());
  for (const auto& l : p.decoded.latencies) {
    w.str(l.region);
    w.svar(l.ms);
  }
}

Result<PlayerView> read_player(Reader& r, const flexmatch::RuleSet* rules) {
  PlayerView p;
  p.player_id = r.str();
  p.team = r.str();
  p.player_session_id = r.str();
  uint8_t accepted = r.byte();
  if (accepted > 2) r.fail();
  if (accepted != 0) p.accepted = accepted == 2;
  p.decoded.id = p.player_id;
  if (rules) p.decoded.attributes.resize(rules->attributes.size());
  std::vector<bool> seen(p.decoded.attributes.size());
  size_t n = r.count();
  for (size_t i = 0; i < n && r.ok(); ++i) {
    std::string name = r.str();
    uint8_t tag = r.byte();
    if (tag > static_cast<uint8_t>(flexmatch::AttributeType::kStringNumberMap)) {
      r.fail();
      break;
    }
    auto type = static_cast<flexmatch::AttributeType>(tag);
    flexmatch::AttributeValue value = read_attribute(r, type);
    for (size_t a = 0; rules && a < rules->attributes.size(); ++a) {
      const auto& decl = rules->attributes[a];
      if (decl.name != name) continue;
      if (decl.type != type) {
        return invalid_argument("attribute " + name + ": stored as " +
                                std::string(flexmatch::attribute_type_name(type)) + ", declared " +
                                std::string(flexmatch::attribute_type_name(decl.type)));
      }
      p.decoded.attributes[a] = std::move(value);
      seen[a] = true;
      break;
    }
  }
  for (size_t a = 0; a < seen.size(); ++a) {
    if (!seen[a]) p.decoded.attributes[a] = rules->attributes[a].default_value;
  }
  size_t latencies = r.count();
  for (size_t i = 0; i < latencies && r.ok(); ++i) {
    std::string region = r.str();
    int64_t ms = r.svar();
    p.decoded.latencies.push_back({std::move(region), static_cast<int>(ms)});
  }
  std::stable_sort(p.decoded.latencies.begin(), p.decoded.latencies.end(),
                   [](const auto& a, const auto& b) { return a.region < b.region; });
  return p;
}

// A backfill ticket's players are bound to their team, which the matchmaker reads by index.
void restore_teams(TicketView& t, const flexmatch::RuleSet* rules) {
  if (!t.backfill || !rules) return;
  for (auto& p : t.players) {
    for (size_t i = 0; i < rules->teams.size(); ++i) {
      if (rules->teams[i].name == p.team) p.decoded.team = static_cast<int>(i);
    }
  }
}

Result<TicketView> read_format2(std::string_view state, const flexmatch::RuleSet* rules) {
  Reader r(state.substr(1));
  TicketView t;
  uint64_t flags = r.uvar();
  if (flags & ~(kHasEndTime | kHasConnection | kBackfill)) r.fail();
  t.configuration = r.str();
  t.owner_player_id = r.str();
  uint8_t status = r.byte();
  if (status > static_cast<uint8_t>(TicketStatus::kTimedOut)) r.fail();
  t.status = static_cast<TicketStatus>(status);
  t.status_reason = r.str();
  t.status_message = r.str();
  int64_t start_ms = r.svar();
  if (!valid_ms(start_ms)) r.fail();
  t.start_time = from_ms(r.ok() ? start_ms : 0);
  if (flags & kHasEndTime) {
    int64_t end_ms = r.svar();
    if (!valid_ms(end_ms)) r.fail();
    t.end_time = from_ms(r.ok() ? end_ms : 0);
  }
  t.match_id = r.str();
  size_t players = r.count();
  for (size_t i = 0; i < players && r.ok(); ++i) {
    auto player = read_player(r, rules);
    if (!player.ok()) return player.status();
    t.players.push_back(std::move(*player));
  }
  if (flags & kHasConnection) {
    ConnectionInfo c;
    c.game_session_arn = r.str();
    c.ip_address = r.str();
    c.dns_name = r.str();
    c.port = static_cast<int>(r.svar());
    c.player_sessions.resize(r.count());
    for (auto& s : c.player_sessions) {
      s.player_id = r.str();
      s.player_session_id = r.str();
    }
    t.connection = std::move(c);
  }
  if (flags & kBackfill) {
    t.backfill = true;
    t.game_session_arn = r.str();
  }
  if (!r.ok() || !r.at_end()) return invalid_argument("ticket state is truncated or corrupt");
  restore_teams(t, rules);
  return t;
}

// ---- Format 1: JSON text, as written by earlier releases (read only).

std::string get_string(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

Result<PlayerView> player_from_json(const json::object& o, const flexmatch::RuleSet* rules) {
  PlayerView p;
  p.player_id = get_string(o, "playerId");
  p.team = get_string(o, "team");
  p.player_session_id = get_string(o, "playerSessionId");
  if (const auto* a = o.if_contains("accepted"); a && a->is_bool()) p.accepted = a->as_bool();
  p.decoded.id = p.player_id;
  const json::object* attrs = nullptr;
  if (const auto* a = o.if_contains("attributes")) attrs = a->if_object();
  for (size_t i = 0; rules && i < rules->attributes.size(); ++i) {
    const auto& decl = rules->attributes[i];
    const json::value* v = attrs ? attrs->if_contains(decl.name) : nullptr;
    if (!v) {
      p.decoded.attributes.push_back(decl.default_value);
      continue;
    }
    auto value = flexmatch::attribute_from_gamelift(*v, decl.type);
    if (!value.ok()) return value.status();
    p.decoded.attributes.push_back(std::move(*value));
  }
  if (const auto* l = o.if_contains("latencyInMs"); l && l->is_object()) {
    for (const auto& kv : l->as_object()) {
      if (kv.value().is_int64()) {
        p.decoded.latencies.push_back(
            {std::string(kv.key()), static_cast<int>(kv.value().as_int64())});
      }
    }
    std::stable_sort(p.decoded.latencies.begin(), p.decoded.latencies.end(),
                     [](const auto& a, const auto& b) { return a.region < b.region; });
  }
  return p;
}

ConnectionInfo connection_from_json(const json::object& o) {
  ConnectionInfo c;
  c.game_session_arn = get_string(o, "gameSessionArn");
  c.ip_address = get_string(o, "ipAddress");
  c.dns_name = get_string(o, "dnsName");
  if (const auto* p = o.if_contains("port"); p && p->is_int64()) {
    c.port = static_cast<int>(p->as_int64());
  }
  if (const auto* ss = o.if_contains("playerSessions"); ss && ss->is_array()) {
    for (const auto& s : ss->as_array()) {
      if (!s.is_object()) continue;
      c.player_sessions.push_back(
          {get_string(s.as_object(), "playerId"), get_string(s.as_object(), "playerSessionId")});
    }
  }
  return c;
}

Result<TicketView> read_format1(std::string_view state, const flexmatch::RuleSet* rules) {
  boost::system::error_code ec;
  json::value v = json::parse(state, ec);
  if (ec || !v.is_object()) return invalid_argument("ticket state is not a JSON object");
  const auto& o = v.as_object();
  TicketView t;
  t.configuration = get_string(o, "configuration");
  t.owner_player_id = get_string(o, "owner");
  auto status = parse_status(get_string(o, "status"));
  if (!status) return invalid_argument("ticket state has no valid status");
  t.status = *status;
  t.status_reason = get_string(o, "statusReason");
  t.status_message = get_string(o, "statusMessage");
  if (const auto* s = o.if_contains("startTime"); s && s->is_int64()) {
    if (!valid_ms(s->as_int64())) return invalid_argument("ticket state: startTime out of range");
    t.start_time = from_ms(s->as_int64());
  }
  if (const auto* e = o.if_contains("endTime"); e && e->is_int64()) {
    if (!valid_ms(e->as_int64())) return invalid_argument("ticket state: endTime out of range");
    t.end_time = from_ms(e->as_int64());
  }
  t.match_id = get_string(o, "matchId");
  if (const auto* ps = o.if_contains("players"); ps && ps->is_array()) {
    for (const auto& p : ps->as_array()) {
      if (!p.is_object()) return invalid_argument("ticket state: player is not an object");
      auto player = player_from_json(p.as_object(), rules);
      if (!player.ok()) return player.status();
      t.players.push_back(std::move(*player));
    }
  }
  if (const auto* c = o.if_contains("connection"); c && c->is_object()) {
    t.connection = connection_from_json(c->as_object());
  }
  if (const auto* b = o.if_contains("backfill"); b && b->is_bool()) t.backfill = b->as_bool();
  t.game_session_arn = get_string(o, "gameSessionArn");
  restore_teams(t, rules);
  return t;
}

}  // namespace

std::string serialize_state(const TicketView& t, const flexmatch::RuleSet* rules) {
  std::string out;
  out.reserve(128);
  Writer w(out);
  w.byte(static_cast<uint8_t>(kFormat2));
  w.uvar((t.end_time ? kHasEndTime : 0) | (t.connection ? kHasConnection : 0) |
         (t.backfill ? kBackfill : 0));
  w.str(t.configuration);
  w.str(t.owner_player_id);
  w.byte(static_cast<uint8_t>(t.status));
  w.str(t.status_reason);
  w.str(t.status_message);
  w.svar(to_ms(t.start_time));
  if (t.end_time) w.svar(to_ms(*t.end_time));
  w.str(t.match_id);
  w.uvar(t.players.size());
  for (const auto& p : t.players) write_player(w, p, rules);
  if (t.connection) {
    const ConnectionInfo& c = *t.connection;
    w.str(c.game_session_arn);
    w.str(c.ip_address);
    w.str(c.dns_name);
    w.svar(c.port);
    w.uvar(c.player_sessions.size());
    for (const auto& s : c.player_sessions) {
      w.str(s.player_id);
      w.str(s.player_session_id);
    }
  }
  if (t.backfill) w.str(t.game_session_arn);
  return out;
}

Result<TicketView> deserialize_state(std::string_view state, const flexmatch::RuleSet* rules) {
  if (!state.empty() && state[0] == kFormat2) return read_format2(state, rules);
  if (!state.empty() && state[0] == '{') return read_format1(state, rules);
  return invalid_argument("ticket state has an unknown format");
}

}  // namespace sapi::matchmaking
