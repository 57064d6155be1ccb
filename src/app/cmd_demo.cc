// `session-api demo`: the product at work. Starts the service on the embedded default, runs
// simulated game servers in several regions and simulated players through the client SDK,
// shows live progress and ends with a summary; exit code 0 only when every player got a game
// and read its rewards back.

#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <thread>

#include "app/commands.h"
#include "app/demo_service.h"
#include "app/demo_world.h"

namespace sapi::app {
namespace {

namespace fs = std::filesystem;
using SteadyClock = std::chrono::steady_clock;

struct DemoFlags {
  DemoOptions world;
  std::string data_dir;
  std::string url;
  std::string config;
  bool json = false;
};

double percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  size_t rank = static_cast<size_t>(std::ceil(p * static_cast<double>(values.size())));
  return values[std::clamp<size_t>(rank, 1, values.size()) - 1];
}

std::string progress_line(DemoStats& stats, double elapsed) {
  char line[256];
  std::snprintf(line, sizeof line,
                "%5.1fs  players: %d arriving, %d searching, %d placing, %d connecting, %d in a "
                "game, %d failed | games: %d started, %d ended | summaries: %d",
                elapsed, stats.count(PlayerState::kArriving), stats.count(PlayerState::kSearching),
                stats.count(PlayerState::kPlacing), stats.count(PlayerState::kConnecting),
                stats.count(PlayerState::kInGame), stats.count(PlayerState::kFailed),
                stats.game_sessions.load(), stats.games_ended.load(), stats.summaries.load());
  return line;
}

// Prints the progress on one line (a terminal) or a line every few seconds (a file or pipe)
// until `done`.
void show_progress(DemoStats& stats, SteadyClock::time_point t0, const std::atomic<bool>& done) {
  bool tty = isatty(STDERR_FILENO) != 0;
  auto next_line = SteadyClock::now();
  while (!done) {
    double elapsed = std::chrono::duration<double>(SteadyClock::now() - t0).count();
    if (tty) {
      std::cerr << "\r\033[K" << progress_line(stats, elapsed) << std::flush;
    } else if (SteadyClock::now() >= next_line) {
      std::cerr << progress_line(stats, elapsed) << "\n";
      next_line += std::chrono::seconds(5);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  double elapsed = std::chrono::duration<double>(SteadyClock::now() - t0).count();
  std::cerr << (tty ? "\r\033[K" : "") << progress_line(stats, elapsed) << "\n";
}

void print_summary(const DemoFlags& flags, DemoStats& stats, double seconds, bool json) {
  std::lock_guard<std::mutex> lock(stats.mu);
  int in_game = stats.count(PlayerState::kInGame);
  double p50 = percentile(stats.time_to_match_seconds, 0.5);
  double p99 = percentile(stats.time_to_match_seconds, 0.99);
  if (json) {
    boost::json::object regions, failures;
    for (const auto& [r, n] : stats.placements_per_region) regions[r] = n;
    for (const auto& [r, n] : stats.failures) failures[r] = n;
    boost::json::object out{{"players", flags.world.players},
                            {"servers", flags.world.servers},
                            {"playersInGame", in_game},
                            {"matches", stats.game_sessions.load()},
                            {"gamesEnded", stats.games_ended.load()},
                            {"timeToMatchP50Seconds", p50},
                            {"timeToMatchP99Seconds", p99},
                            {"placementsPerRegion", regions},
                            {"sessionSummaries", stats.summaries.load()},
                            {"rewardsStored", stats.rewards.load()},
                            {"rewardsReadBack", stats.rewards_read_back.load()},
                            {"failures", failures},
                            {"seconds", seconds}};
    std::cout << boost::json::serialize(out) << "\n";
    return;
  }
  std::printf("\nDemo finished in %.1f s\n", seconds);
  std::printf("  players:           %d, of whom %d got a game\n", flags.world.players, in_game);
  std::printf("  matches formed:    %d game sessions on %d servers (%d ended)\n",
              stats.game_sessions.load(), flags.world.servers, stats.games_ended.load());
  std::printf(
      "  time to match:     p50 %.2f s, p99 %.2f s (start to COMPLETED, placement "
      "included)\n",
      p50, p99);
  std::printf("  placements:       ");
  for (const auto& [region, n] : stats.placements_per_region) {
    std::printf(" %s %d", region.c_str(), n);
  }
  std::printf("\n  session summaries: %d stored, %d rewards granted, read back by %d players\n",
              stats.summaries.load(), stats.rewards.load(), stats.rewards_read_back.load());
  for (const auto& [reason, n] : stats.failures)
    std::printf("  FAILED x%d: %s\n", n, reason.c_str());
  std::fflush(stdout);
}

int run_demo(const DemoFlags& flags) {
  bool temporary = flags.data_dir.empty();
  std::string data_dir = flags.data_dir;
  if (temporary) {
    char tmpl[] = "/tmp/session-api-demo-XXXXXX";
    if (mkdtemp(tmpl) == nullptr) {
      std::cerr << "cannot create a temporary directory\n";
      return 1;
    }
    data_dir = tmpl;
  }
  DemoServiceOptions service_options;
  service_options.url = flags.url;
  service_options.data_dir = data_dir;
  service_options.config_file = flags.config;
  service_options.log_file = (fs::path(data_dir) / "demo-service.log").string();
  std::cerr << (flags.url.empty() ? "starting the service (log: " + service_options.log_file + ")"
                                  : "using the service at " + flags.url)
            << "\n";
  int code = 1;
  {
    auto service = DemoService::open(service_options);
    if (!service.ok()) {
      std::cerr << "demo: " << service.status().message() << "\n";
    } else {
      std::cerr << "service at " << (*service)->base_url() << "; " << flags.world.servers
                << " game servers, " << flags.world.players << " players\n";
      DemoStats stats(flags.world.players);
      auto t0 = SteadyClock::now();
      DemoWorld world(**service, flags.world, stats);
      Status servers = world.start_servers();
      if (!servers.ok()) {
        std::cerr << "demo: " << servers.message() << "\n";
      } else {
        std::atomic<bool> done{false};
        std::thread progress([&] { show_progress(stats, t0, done); });
        world.run_players();
        world.stop_servers(30 + flags.world.play_seconds);
        world.read_rewards();
        done = true;
        progress.join();
        double seconds = std::chrono::duration<double>(SteadyClock::now() - t0).count();
        print_summary(flags, stats, seconds, flags.json);
        // Success is the whole loop for everyone: a game, a summary, the rewards read back.
        bool everyone = stats.count(PlayerState::kInGame) == flags.world.players &&
                        stats.rewards_read_back.load() == flags.world.players;
        code = everyone ? 0 : 1;
      }
      (*service)->stop();
    }
  }
  if (temporary) {
    std::error_code ec;
    fs::remove_all(data_dir, ec);
  }
  return code;
}

}  // namespace

void add_demo_command(CLI::App& root, int& exit_code) {
  auto* cmd = root.add_subcommand(
      "demo",
      "Start the service on the embedded default and play it with simulated game servers in "
      "several regions and simulated players, all over HTTP through the client SDK. Shows "
      "live progress and a summary; exit code 0 only when every player got a game and its "
      "rewards.");
  auto flags = std::make_shared<DemoFlags>();
  cmd->add_option("--data-dir", flags->data_dir,
                  "Data directory of the demo's service (default: a temporary one, removed "
                  "afterwards)");
  cmd->add_option("--players", flags->world.players, "Simulated players")
      ->check(CLI::Range(1, 2000))
      ->capture_default_str();
  cmd->add_option("--servers", flags->world.servers, "Simulated game servers")
      ->check(CLI::Range(1, 500))
      ->capture_default_str();
  cmd->add_option("--max-players", flags->world.max_players_per_server,
                  "Player slots per game server")
      ->check(CLI::Range(1, 200))
      ->capture_default_str();
  cmd->add_option("--arrival-seconds", flags->world.arrival_seconds,
                  "Players arrive spread over this many seconds")
      ->check(CLI::Range(0.0, 600.0))
      ->capture_default_str();
  cmd->add_option("--play-seconds", flags->world.play_seconds, "How long each game lasts")
      ->check(CLI::Range(0.0, 600.0))
      ->capture_default_str();
  cmd->add_option("--timeout", flags->world.player_timeout_seconds,
                  "Seconds a player waits for a game before giving up")
      ->check(CLI::Range(1, 3600))
      ->capture_default_str();
  cmd->add_option("--seed", flags->world.seed, "Seed of the players' skills and latencies")
      ->capture_default_str();
  cmd->add_option("--url", flags->url,
                  "Use the service running at this URL instead of starting one; --data-dir "
                  "must then be that service's (for tokens and game-server keys)");
  cmd->add_option("--config", flags->config, "TOML configuration file for the service")
      ->check(CLI::ExistingFile);
  cmd->add_flag("--json", flags->json, "Print the summary as one JSON object on stdout");
  cmd->callback([flags, &exit_code] {
    if (!flags->url.empty() && flags->data_dir.empty()) {
      std::cerr << "--url needs --data-dir: the data directory of that service\n";
      exit_code = 1;
      return;
    }
    if (flags->url.empty() && flags->config.empty() && flags->world.players % 2 != 0) {
      std::cerr << "note: the default rule set makes two teams of equal size, so one of an odd "
                   "number of players may never get a game\n";
    }
    exit_code = run_demo(*flags);
  });
}

}  // namespace sapi::app
