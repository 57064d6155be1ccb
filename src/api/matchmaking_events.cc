#include "api/matchmaking_events.h"

#include <pthread.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "base/keyed_hash.h"

namespace sapi::api {
namespace {

using SteadyClock = std::chrono::steady_clock;

// Events waiting for the stream thread; beyond this the oldest are dropped (a thread that
// far behind means streams are hopeless anyway, and the matchmaking thread must not wait).
constexpr size_t kMaxQueued = 65536;
// How often expired tokens (and players no longer listening) are looked for, at most.
constexpr std::chrono::milliseconds kExpiryCheck{1000};
// How long after its last stream closed a player's events are still kept for a resume.
constexpr std::chrono::minutes kResumeWindow{5};

// A recent event as the ring keeps it: the published event itself, shared with the bus and the
// other subscribers. Its SSE text is only built when a stream is sent it.
struct Frame {
  uint64_t seq = 0;
  matchmaking::EventPtr event;
};

struct Entry {
  uint64_t id = 0;
  std::string player_id;
  int64_t expires_at = 0;  // epoch seconds
  std::shared_ptr<http::ResponseStream> stream;
};

// A random tag for this process's event ids, so that an id from an earlier run is never
// mistaken for one of this run.
std::string make_run_tag() {
  std::random_device rd;
  uint64_t v = (static_cast<uint64_t>(rd()) << 32) | rd();
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return std::string(buf, 8);
}

}  // namespace

struct MatchmakingEventStreams::State : std::enable_shared_from_this<State> {
  State(const Clock& clock, MatchmakingEventsOptions options)
      : clock(clock), options(options), run_tag(make_run_tag()) {}

  void enqueue(const matchmaking::EventPtr& event);
  // Whether `player` holds a stream or held one within kResumeWindow: only such a player can
  // resume with an id, so only its events are kept. Any thread.
  bool listening(std::string_view player) const;
  void listen_until(const std::string& player, SteadyClock::time_point until);  // with mu held
  void forget_listeners(SteadyClock::time_point now);                           // with mu held
  void run();
  void publish(matchmaking::EventPtr event);  // with mu held
  // The whole SSE event, blank line included.
  std::string text(const Frame& frame) const;
  void heartbeat();                                                   // with mu held
  std::vector<std::shared_ptr<http::ResponseStream>> take_expired();  // with mu held
  void stop();

  // Where a new stream starts: after the event `last_event_id` names when the ring still
  // holds everything after it, else at the oldest event kept (`gap` set), or from now.
  uint64_t resume_point(std::optional<std::string_view> last_event_id, bool& gap) const;
  void handle(http::Request& request, http::Responder responder, const Identity& identity);
  void remove(const std::string& player_id, uint64_t id);

  const Clock& clock;
  const MatchmakingEventsOptions options;
  const std::string run_tag;

  mutable std::mutex mu;
  std::condition_variable cv;
  std::deque<matchmaking::EventPtr> queued;
  std::deque<Frame> ring;
  uint64_t next_seq = 1;
  uint64_t next_stream_id = 1;
  KeyedMap<std::vector<Entry>> streams;  // by player
  KeyedMap<size_t> reserved;             // slots being opened
  // Players whose events are kept, until when: the far future while a stream is open.
  KeyedMap<SteadyClock::time_point> listeners;
  std::atomic<size_t> listener_count{0};  // listeners.size(), read without mu
  size_t open = 0;
  bool stopping = false;
  std::thread thread;
};

bool MatchmakingEventStreams::State::listening(std::string_view player) const {
  if (listener_count.load(std::memory_order_relaxed) == 0) return false;
  std::lock_guard lock(mu);
  return listeners.find(player) != listeners.end();
}

void MatchmakingEventStreams::State::listen_until(const std::string& player,
                                                  SteadyClock::time_point until) {
  listeners.insert_or_assign(player, until);
  listener_count.store(listeners.size(), std::memory_order_relaxed);
}

void MatchmakingEventStreams::State::forget_listeners(SteadyClock::time_point now) {
  std::erase_if(listeners, [now](const auto& entry) { return entry.second <= now; });
  listener_count.store(listeners.size(), std::memory_order_relaxed);
}

void MatchmakingEventStreams::State::enqueue(const matchmaking::EventPtr& event) {
  std::lock_guard lock(mu);
  if (stopping) return;
  // With no stream open and nothing ahead of it, the event only goes into the replay ring:
  // doing that here is cheap and spares waking the stream thread for every event.
  if (streams.empty() && queued.empty()) {
    publish(event);
    return;
  }
  if (queued.size() >= kMaxQueued) queued.pop_front();
  queued.push_back(event);
  // A non-empty queue has had its wake-up already; the thread drains it all at once.
  if (queued.size() == 1) cv.notify_one();
}

std::string MatchmakingEventStreams::State::text(const Frame& frame) const {
  const std::string& data = frame.event->json();
  std::string out;
  out.reserve(run_tag.size() + frame.event->type.size() + data.size() + 48);
  out.append("id: ").append(run_tag).append("-").append(std::to_string(frame.seq));
  out.append("\nevent: ").append(frame.event->type);
  out.append("\ndata: ").append(data).append("\n\n");
  return out;
}

void MatchmakingEventStreams::State::publish(matchmaking::EventPtr event) {
  Frame frame{next_seq++, std::move(event)};
  std::optional<std::string> sse;  // built for the first stream that wants it
  if (!streams.empty()) {
    for (const auto& ticket : frame.event->tickets) {
      for (const auto& player : ticket.players) {
        auto it = streams.find(player.player_id);
        if (it == streams.end()) continue;
        for (auto& entry : it->second) {
          if (!sse) sse = text(frame);
          entry.stream->write(*sse);
        }
      }
    }
  }
  if (options.replay_capacity == 0) return;
  ring.push_back(std::move(frame));
  while (ring.size() > options.replay_capacity) ring.pop_front();
}

void MatchmakingEventStreams::State::heartbeat() {
  for (auto& [player, entries] : streams) {
    for (auto& entry : entries) entry.stream->write(": heartbeat\n\n");
  }
}

std::vector<std::shared_ptr<http::ResponseStream>> MatchmakingEventStreams::State::take_expired() {
  std::vector<std::shared_ptr<http::ResponseStream>> expired;
  int64_t now = epoch_seconds(clock.now());
  for (auto& [player, entries] : streams) {
    for (auto& entry : entries) {
      if (entry.expires_at <= now) expired.push_back(entry.stream);
    }
  }
  return expired;
}

void MatchmakingEventStreams::State::run() {
  pthread_setname_np(pthread_self(), "event-streams");
  auto next_heartbeat = SteadyClock::now() + options.heartbeat;
  auto next_expiry_check = SteadyClock::now() + std::min(options.heartbeat, kExpiryCheck);
  std::unique_lock lock(mu);
  while (!stopping) {
    cv.wait_until(lock, std::min(next_heartbeat, next_expiry_check),
                  [this] { return stopping || !queued.empty(); });
    if (stopping) break;
    while (!queued.empty()) {
      publish(std::move(queued.front()));
      queued.pop_front();
    }
    auto now = SteadyClock::now();
    if (now >= next_heartbeat) {
      heartbeat();
      next_heartbeat = now + options.heartbeat;
    }
    if (now >= next_expiry_check) {
      next_expiry_check = now + std::min(options.heartbeat, kExpiryCheck);
      forget_listeners(now);
      auto expired = take_expired();
      lock.unlock();
      // Closing ends the stream; its on_close removes the entry (on an I/O thread).
      for (auto& stream : expired) stream->close();
      lock.lock();
    }
  }
}

void MatchmakingEventStreams::State::stop() {
  std::vector<std::shared_ptr<http::ResponseStream>> all;
  {
    std::lock_guard lock(mu);
    stopping = true;
    for (auto& [player, entries] : streams) {
      for (auto& entry : entries) all.push_back(entry.stream);
    }
    cv.notify_all();
  }
  if (thread.joinable()) thread.join();
  for (auto& stream : all) stream->close();
}

uint64_t MatchmakingEventStreams::State::resume_point(std::optional<std::string_view> last_event_id,
                                                      bool& gap) const {
  gap = false;
  if (!last_event_id) return next_seq;
  uint64_t oldest = ring.empty() ? next_seq : ring.front().seq;
  std::string_view id = *last_event_id;
  size_t dash = id.rfind('-');
  uint64_t seq = 0;
  bool ours = dash != std::string_view::npos && id.substr(0, dash) == run_tag;
  if (ours) {
    auto digits = id.substr(dash + 1);
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), seq);
    ours = ec == std::errc() && end == digits.data() + digits.size() && seq < next_seq;
  }
  // An id of an earlier run (or garbage): everything this run still has may be new to the
  // client.
  if (!ours) {
    gap = true;
    return oldest;
  }
  if (seq + 1 < oldest) gap = true;
  return std::max(seq + 1, oldest);
}

void MatchmakingEventStreams::State::remove(const std::string& player_id, uint64_t id) {
  std::lock_guard lock(mu);
  auto it = streams.find(player_id);
  if (it == streams.end()) return;
  auto& entries = it->second;
  auto gone =
      std::remove_if(entries.begin(), entries.end(), [id](const Entry& e) { return e.id == id; });
  open -= static_cast<size_t>(entries.end() - gone);
  entries.erase(gone, entries.end());
  if (options.open_streams_gauge) options.open_streams_gauge->set(static_cast<double>(open));
  if (entries.empty()) {
    streams.erase(it);
    listen_until(player_id, SteadyClock::now() + kResumeWindow);
  }
}

void MatchmakingEventStreams::State::handle(http::Request& request, http::Responder responder,
                                            const Identity& identity) {
  const std::string& player = identity.player_id;
  uint64_t start = 0;
  bool gap = false;
  {
    std::lock_guard lock(mu);
    auto it = streams.find(player);
    size_t held = (it == streams.end() ? 0 : it->second.size()) + reserved[player];
    if (stopping || held >= options.max_streams_per_player) {
      if (reserved[player] == 0) reserved.erase(player);
      auto r =
          http::json_error(429, "TOO_MANY_STREAMS", "This player has too many open event streams");
      r.headers.push_back({"Retry-After", "5"});
      responder.send(std::move(r));
      return;
    }
    ++reserved[player];
    // From here on this player's events are kept, for this stream and a later resume.
    listen_until(player, SteadyClock::time_point::max());
    start = resume_point(request.header("last-event-id"), gap);
  }
  http::Response head;
  head.content_type = "text/event-stream";
  head.headers.push_back({"Cache-Control", "no-cache"});
  head.headers.push_back({"X-Accel-Buffering", "no"});
  auto stream = responder.stream(std::move(head), options.max_unsent_bytes);
  uint64_t id = 0;
  {
    std::lock_guard lock(mu);
    if (--reserved[player] == 0) reserved.erase(player);
    if (stopping) {
      stream->close();
      return;
    }
    // Under the lock, so no event can fall between the replay and the live ones.
    stream->write(gap ? "retry: 3000\n: some earlier events are no longer available\n\n"
                      : "retry: 3000\n\n");
    for (const Frame& frame : ring) {
      if (frame.seq >= start && frame.event->concerns(player)) {
        stream->write(text(frame));
      }
    }
    id = next_stream_id++;
    streams[player].push_back(Entry{id, player, identity.expires_at, stream});
    ++open;
    if (options.open_streams_gauge) options.open_streams_gauge->set(static_cast<double>(open));
  }
  stream->on_close([weak = weak_from_this(), player, id] {
    if (auto self = weak.lock()) self->remove(player, id);
  });
}

MatchmakingEventStreams::MatchmakingEventStreams(matchmaking::EventBus& bus, const Clock& clock,
                                                 MatchmakingEventsOptions options)
    : bus_(bus), state_(std::make_shared<State>(clock, options)) {
  state_->thread = std::thread([state = state_.get()] { state->run(); });
  matchmaking::EventInterest interest;
  interest.player = [weak = std::weak_ptr<State>(state_)](std::string_view player) {
    auto state = weak.lock();
    return state && state->listening(player);
  };
  subscription_ =
      bus_.subscribe(matchmaking::EventBus::Subscriber(
                         [weak = std::weak_ptr<State>(state_)](const matchmaking::EventPtr& event) {
                           if (auto state = weak.lock()) state->enqueue(event);
                         }),
                     std::move(interest));
}

MatchmakingEventStreams::~MatchmakingEventStreams() {
  bus_.unsubscribe(subscription_);
  state_->stop();
}

void MatchmakingEventStreams::add_routes(http::Router& router, const PlayerAuth& auth) {
  router.add(http::Method::kGet, "/matchmaking/events",
             auth.require_player([state = state_](http::Request& request, http::Responder responder,
                                                  const Identity& identity) {
               state->handle(request, std::move(responder), identity);
             }));
}

std::size_t MatchmakingEventStreams::open_streams() const {
  std::lock_guard lock(state_->mu);
  return state_->open;
}

}  // namespace sapi::api
