#include "app/demo_world.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <random>
#include <set>
#include <thread>

#include "session_api/game_server_client.h"
#include "session_api/player_client.h"

namespace sapi::app {
namespace {

using SteadyClock = std::chrono::steady_clock;
namespace sdk = session_api;

const std::vector<std::string> kRewards = {"first_objective_complete",
                                           "session_complete",
                                           "team_victory",
                                           "all_objectives_complete",
                                           "zone_explorer",
                                           "quick_completion",
                                           "team_player",
                                           "perfect_run"};

std::string describe(const sdk::Error& e) {
  std::string out = e.code;
  if (e.http_status != 0) out += " (" + std::to_string(e.http_status) + ")";
  if (!e.message.empty()) out += ": " + e.message;
  return out;
}

std::string random_hex(std::mt19937_64& rng, int digits) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < digits; ++i) out.push_back(kHex[rng() % 16]);
  return out;
}

void set_state(DemoStats& stats, int player, PlayerState state) {
  stats.player_state[player].store(static_cast<int>(state));
}

}  // namespace

void DemoStats::fail(const std::string& reason) {
  std::lock_guard<std::mutex> lock(mu);
  ++failures[reason];
}

int DemoStats::count(PlayerState state) const {
  int n = 0;
  for (const auto& s : player_state) n += s.load() == static_cast<int>(state) ? 1 : 0;
  return n;
}

// One simulated game server: a long-poll loop for game sessions, a heartbeat loop and a
// thread per game.
class DemoWorld::Server {
 public:
  Server(std::string id, std::string region, std::string ip, int max_players,
         sdk::GameServerClientOptions options, DemoStats& stats, double play_seconds, uint64_t seed)
      : id_(std::move(id)),
        region_(std::move(region)),
        ip_(std::move(ip)),
        max_players_(max_players),
        client_(std::move(options)),
        stats_(stats),
        play_seconds_(play_seconds),
        rng_(seed) {}

  ~Server() { stop(); }

  const std::string& ip() const { return ip_; }
  int port() const { return kPort; }

  Status register_now() {
    // A new key is known to the service within a second of its creation.
    auto deadline = SteadyClock::now() + std::chrono::seconds(5);
    while (true) {
      auto r = client_.register_server(registration());
      if (r.ok()) {
        heartbeat_interval_ = std::clamp(r->heartbeat_interval_seconds, 1, 5);
        return Status{};
      }
      if (r.http_status() != 403 || SteadyClock::now() > deadline) {
        return internal_error("game server " + id_ + " cannot register: " + describe(r.error()));
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }

  void start() {
    poller_ = std::thread([this] { poll_loop(); });
    heart_ = std::thread([this] { heartbeat_loop(); });
  }

  // A player presents its player session: the service says whether it is valid.
  bool connect(const std::string& game_session_id, const std::string& player_session_id,
               std::string* why) {
    auto accepted = client_.accept_player_session(game_session_id, player_session_id);
    if (!accepted.ok()) {
      *why = "player session refused: " + describe(accepted.error());
      return false;
    }
    std::lock_guard<std::mutex> lock(mu_);
    auto game = games_.find(game_session_id);
    if (game == games_.end()) {
      *why = "the game session " + game_session_id + " is not running on this server";
      return false;
    }
    game->second.connected[player_session_id] = accepted->player_id;
    cv_.notify_all();
    return true;
  }

  // Waits for the games in progress to end (at most until `deadline`).
  void wait_for_games(SteadyClock::time_point deadline) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_until(lock, deadline, [this] { return running_games_ == 0; });
  }

  void stop() {
    if (stopping_.exchange(true)) return;
    cv_.notify_all();
    if (poller_.joinable()) poller_.join();
    if (heart_.joinable()) heart_.join();
    for (auto& t : games_threads_) {
      if (t.joinable()) t.join();
    }
    client_.deregister(id_);
  }

 private:
  static constexpr int kPort = 7777;
  struct Game {
    std::map<std::string, std::string> connected;  // player session -> player
  };

  sdk::RegisterRequest registration() const {
    sdk::RegisterRequest r;
    r.game_server_id = id_;
    r.ip_address = ip_;
    r.port = kPort;
    r.location = region_;
    r.max_players = max_players_;
    r.labels = {{"simulated", "true"}};
    return r;
  }

  void poll_loop() {
    while (!stopping_) {
      auto next = client_.wait_for_game_session(id_, 1);
      if (!next.ok()) {
        if (next.http_status() == 404) (void)register_now();  // taken out: register again
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        continue;
      }
      if (!next->has_value()) continue;
      sdk::GameSession session = std::move(**next);
      std::lock_guard<std::mutex> lock(mu_);
      // The long poll offers a game session until it is activated, which its game thread does.
      if (!seen_.insert(session.game_session_id).second) continue;
      games_[session.game_session_id];  // before activation: players connect right after
      ++running_games_;
      games_threads_.emplace_back([this, session] { play(session); });
    }
  }

  void heartbeat_loop() {
    auto next = SteadyClock::now();
    while (!stopping_) {
      {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait_until(lock, next, [this] { return stopping_.load(); });
      }
      if (stopping_) break;
      next = SteadyClock::now() + std::chrono::seconds(heartbeat_interval_.load());
      int players = 0;
      {
        std::lock_guard<std::mutex> lock(mu_);
        for (const auto& [id, game] : games_) players += static_cast<int>(game.connected.size());
      }
      auto beat = client_.heartbeat(id_, players, "HEALTHY");
      if (!beat.ok() && beat.http_status() == 404) (void)register_now();
    }
  }

  void play(const sdk::GameSession& session) {
    const std::string& id = session.game_session_id;
    auto finish = [&] {
      std::lock_guard<std::mutex> lock(mu_);
      games_.erase(id);
      --running_games_;
      cv_.notify_all();
    };
    auto active = client_.activate(id);
    if (!active.ok()) {
      stats_.fail("activation failed: " + describe(active.error()));
      return finish();
    }
    ++stats_.game_sessions;
    {
      std::lock_guard<std::mutex> lock(stats_.mu);
      ++stats_.placements_per_region[region_];
    }
    // Every reserved player gets time to connect, then the game runs its course.
    std::map<std::string, std::string> players;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait_for(lock, std::chrono::seconds(30), [&] {
        return stopping_ || games_[id].connected.size() >= session.player_sessions.size();
      });
      players = games_[id].connected;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(static_cast<int>(play_seconds_ * 1000)));
    std::vector<std::string> reward_pool;
    uint64_t seed = 0;
    std::string session_guid;
    {
      std::lock_guard<std::mutex> lock(mu_);
      session_guid = random_hex(rng_, 32);
      seed = rng_();
    }
    std::mt19937_64 rng(seed);
    for (const auto& [player_session, player] : players) {
      std::vector<std::string> rewards = {"session_complete"};
      for (const auto& r : kRewards) {
        if (r != "session_complete" && rng() % 4 == 0) rewards.push_back(r);
      }
      auto stored = client_.post_session_summary({player, session_guid, rewards, ""});
      if (stored.ok()) {
        ++stats_.summaries;
        stats_.rewards += stored->rewards_stored;
      } else {
        stats_.fail("session summary refused: " + describe(stored.error()));
      }
      client_.remove_player_session(id, player_session);
    }
    auto ended = client_.end(id);
    if (ended.ok()) {
      ++stats_.games_ended;
    } else {
      stats_.fail("end failed: " + describe(ended.error()));
    }
    finish();
  }

  const std::string id_, region_, ip_;
  const int max_players_;
  sdk::GameServerClient client_;
  DemoStats& stats_;
  const double play_seconds_;
  std::mt19937_64 rng_;  // guarded by mu_
  std::atomic<int> heartbeat_interval_{5};
  std::atomic<bool> stopping_{false};
  std::thread poller_, heart_;
  std::vector<std::thread> games_threads_;  // guarded by mu_ while the poller runs
  std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, Game> games_;
  std::set<std::string> seen_;  // game sessions received
  int running_games_ = 0;
};

DemoWorld::DemoWorld(const DemoService& service, DemoOptions options, DemoStats& stats)
    : service_(service), options_(std::move(options)), stats_(stats) {}

DemoWorld::~DemoWorld() { stop_servers(0); }

Status DemoWorld::start_servers() {
  for (int i = 0; i < options_.servers; ++i) {
    size_t r = static_cast<size_t>(i) % options_.regions.size();
    std::string id = "demo-" + options_.regions[r] + "-" +
                     std::to_string(i / static_cast<int>(options_.regions.size()) + 1);
    auto credentials = service_.create_credentials(id);
    if (!credentials.ok()) return credentials.status();
    sdk::GameServerClientOptions o;
    o.client.base_url = service_.base_url();
    o.credentials = *credentials;
    o.region = service_.region();
    std::string ip = "10.0." + std::to_string(r + 1) + "." + std::to_string(i + 1);
    servers_.push_back(std::make_unique<Server>(id, options_.regions[r], ip,
                                                options_.max_players_per_server, o, stats_,
                                                options_.play_seconds, options_.seed + i));
  }
  for (auto& s : servers_) SAPI_RETURN_IF_ERROR(s->register_now());
  for (auto& s : servers_) s->start();
  return Status{};
}

DemoWorld::Server* DemoWorld::server_at(const std::string& ip, int port) {
  for (auto& s : servers_) {
    if (s->ip() == ip && s->port() == port) return s.get();
  }
  return nullptr;
}

void DemoWorld::run_players() {
  std::vector<std::thread> threads;
  auto t0 = SteadyClock::now();
  for (int i = 0; i < options_.players; ++i) {
    double at = options_.players > 1 ? options_.arrival_seconds * i / (options_.players - 1) : 0;
    std::this_thread::sleep_until(t0 + std::chrono::milliseconds(static_cast<int>(at * 1000)));
    threads.emplace_back([this, i] { run_player(i); });
  }
  for (auto& t : threads) t.join();
}

void DemoWorld::run_player(int index) {
  std::mt19937_64 rng(options_.seed * 7919 + static_cast<uint64_t>(index));
  std::string id = "demo-player-" + std::to_string(index + 1);
  auto fail = [&](const std::string& reason) {
    set_state(stats_, index, PlayerState::kFailed);
    stats_.fail(reason);
  };
  auto token = service_.token(id);
  if (!token.ok()) return fail("no token: " + token.status().message());
  sdk::ClientOptions options;
  options.base_url = service_.base_url();
  sdk::PlayerClient client(options, *token);

  // A home region near the player, the others farther but within the first latency policy.
  const std::string& home = options_.regions[rng() % options_.regions.size()];
  sdk::StartRequest start;
  start.player_id = id;
  std::normal_distribution<double> skill(15, 5);
  start.attributes["skill"] =
      sdk::AttributeValue::of(std::clamp(std::round(skill(rng)), 0.0, 40.0));
  start.attributes["region"] = sdk::AttributeValue::of(home);
  for (const auto& region : options_.regions) {
    start.latency_in_ms[region] =
        region == home ? 15 + static_cast<int>(rng() % 30) : 55 + static_cast<int>(rng() % 40);
  }
  set_state(stats_, index, PlayerState::kSearching);
  auto started_at = SteadyClock::now();
  auto started = client.start(start);
  if (!started.ok()) return fail("start refused: " + describe(started.error()));
  auto final = client.wait_until_final(started->ticket_id, options_.player_timeout_seconds,
                                       [&](const sdk::Ticket& t) {
                                         if (t.status == "PLACING")
                                           set_state(stats_, index, PlayerState::kPlacing);
                                       });
  if (!final.ok()) return fail("status failed: " + describe(final.error()));
  if (!final->is_final()) {
    client.cancel(started->ticket_id);
    return fail("no game within " + std::to_string(options_.player_timeout_seconds) + " s");
  }
  if (final->status != "COMPLETED") {
    std::string why = final->status_reason.empty() ? final->status : final->status_reason;
    return fail("ticket " + final->status + " (" + why + ")");
  }
  double waited = std::chrono::duration<double>(SteadyClock::now() - started_at).count();
  {
    std::lock_guard<std::mutex> lock(stats_.mu);
    stats_.time_to_match_seconds.push_back(waited);
  }
  set_state(stats_, index, PlayerState::kConnecting);
  if (!final->connection) return fail("COMPLETED without connection info");
  const sdk::ConnectionInfo& c = *final->connection;
  std::string player_session = final->player_session_id(id);
  Server* server = server_at(c.ip_address, c.port);
  if (server == nullptr) {
    return fail("no simulated server at " + c.ip_address + ":" + std::to_string(c.port));
  }
  std::string game_session_id = c.game_session_arn.substr(c.game_session_arn.rfind('/') + 1);
  std::string why;
  if (!server->connect(game_session_id, player_session, &why)) return fail(why);
  set_state(stats_, index, PlayerState::kInGame);
}

void DemoWorld::read_rewards() {
  sdk::ClientOptions options;
  options.base_url = service_.base_url();
  for (int i = 0; i < options_.players; ++i) {
    if (stats_.player_state[i].load() != static_cast<int>(PlayerState::kInGame)) continue;
    std::string id = "demo-player-" + std::to_string(i + 1);
    auto token = service_.token(id);
    if (!token.ok()) continue;
    sdk::PlayerClient client(options, *token);
    auto rewards = client.rewards(id);
    if (!rewards.ok()) {
      stats_.fail("rewards unreadable: " + describe(rewards.error()));
      continue;
    }
    bool found = std::any_of(rewards->begin(), rewards->end(), [](const sdk::Reward& r) {
      return r.reward_id == "session_complete";
    });
    if (found) {
      ++stats_.rewards_read_back;
    } else {
      stats_.fail("a player's rewards miss session_complete");
    }
  }
}

void DemoWorld::stop_servers(double seconds) {
  auto deadline = SteadyClock::now() + std::chrono::milliseconds(static_cast<int>(seconds * 1000));
  for (auto& s : servers_) s->wait_for_games(deadline);
  for (auto& s : servers_) s->stop();
  servers_.clear();
}

}  // namespace sapi::app
