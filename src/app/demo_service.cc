#include "app/demo_service.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "app/config.h"
#include "app/config_auth.h"
#include "auth/credential_store.h"
#include "auth/local_issuer.h"
#include "base/clock.h"
#include "session_api/result.h"

extern char** environ;

namespace sapi::app {
namespace {

namespace fs = std::filesystem;
using SteadyClock = std::chrono::steady_clock;

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The port of the first {"message":"listening",...,"port":N} line of the service's log.
int listening_port(const std::string& log) {
  std::istringstream lines(log);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.find("\"listening\"") == std::string::npos) continue;
    boost::system::error_code ec;
    auto v = boost::json::parse(line, ec);
    if (ec || !v.is_object()) continue;
    if (const auto* port = v.as_object().if_contains("port"); port && port->is_number()) {
      return static_cast<int>(port->to_number<int64_t>());
    }
  }
  return 0;
}

// The last lines of the log, for an error message.
std::string tail(const std::string& log, size_t lines) {
  size_t at = log.size();
  for (size_t n = 0; n <= lines && at > 0; ++n) {
    at = log.rfind('\n', at - 1);
    if (at == std::string::npos) return log;
  }
  return log.substr(at + 1);
}

bool ready(const std::string& base_url) {
  session_api::ClientOptions options;
  options.base_url = base_url;
  options.timeout_ms = 2000;
  return session_api::check_ready(options).ok();
}

}  // namespace

struct DemoService::State {
  DemoServiceOptions options;
  pid_t pid = -1;
  Config config;
  std::unique_ptr<auth::LocalIssuer> issuer;
};

DemoService::DemoService(std::unique_ptr<State> state) : state_(std::move(state)) {}

DemoService::~DemoService() { stop(); }

Result<std::unique_ptr<DemoService>> DemoService::open(const DemoServiceOptions& options) {
  auto state = std::make_unique<State>();
  state->options = options;
  ConfigSource source;
  if (!options.config_file.empty()) source.file = options.config_file;
  source.flags.push_back({"data_dir", "--data-dir", options.data_dir});
  LoadedConfig loaded = load_config(source);
  if (!loaded.ok()) return invalid_argument("configuration: " + loaded.errors.front());
  state->config = loaded.config;

  std::string base_url = options.url;
  if (base_url.empty()) {
    std::error_code ec;
    fs::create_directories(options.data_dir, ec);
    std::vector<std::string> args = {"/proc/self/exe", "serve",      "--listen",
                                     "127.0.0.1:0",    "--data-dir", options.data_dir};
    if (!options.config_file.empty()) {
      args.push_back("--config");
      args.push_back(options.config_file);
    }
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, options.log_file.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    pid_t pid = 0;
    int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) return internal_error("cannot start the service: " + std::string(strerror(rc)));
    state->pid = pid;
    auto deadline = SteadyClock::now() + std::chrono::seconds(30);
    int port = 0;
    while (port == 0) {
      std::string log = read_file(options.log_file);
      port = listening_port(log);
      if (port != 0) break;
      int status = 0;
      if (waitpid(pid, &status, WNOHANG) == pid) {
        state->pid = -1;
        return internal_error("the service stopped at start-up:\n" + tail(log, 10));
      }
      if (SteadyClock::now() > deadline) {
        return internal_error("the service did not listen within 30 s:\n" + tail(log, 10));
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    base_url = "http://127.0.0.1:" + std::to_string(port);
  }
  while (!base_url.empty() && base_url.back() == '/') base_url.pop_back();
  auto deadline = SteadyClock::now() + std::chrono::seconds(30);
  while (!ready(base_url)) {
    if (SteadyClock::now() > deadline) {
      return internal_error("the service at " + base_url + " does not answer");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  // The service has written its issuer's key and URL into the data directory by now.
  auto issuer = open_local_issuer(state->config);
  if (!issuer.ok()) return issuer.status();
  state->issuer = std::move(*issuer);
  std::unique_ptr<DemoService> service(new DemoService(std::move(state)));
  service->base_url_ = base_url;
  service->region_ = sigv4_region(service->state_->config);
  return service;
}

Result<std::string> DemoService::token(const std::string& player) const {
  return state_->issuer->issue(player, std::chrono::hours(1), Clock::system().now());
}

Result<session_api::Credentials> DemoService::create_credentials(const std::string& name) const {
  int64_t now = epoch_seconds(Clock::system().now());
  auth::Credential created =
      auth::generate_credential(name, false, now, now + 3600, std::vector<std::string>{"*"});
  fs::path file(credentials_file(state_->config));
  std::error_code ec;
  fs::create_directories(file.parent_path(), ec);
  Status saved = auth::update_credentials_file(file, [&](std::vector<auth::Credential>& all) {
    all.push_back(created);
    return Status{};
  });
  if (!saved.ok()) return saved;
  return session_api::Credentials{created.access_key_id, created.secret_access_key, ""};
}

int DemoService::stop() {
  if (!state_ || state_->pid <= 0) return 0;
  pid_t pid = state_->pid;
  state_->pid = -1;
  kill(pid, SIGTERM);
  auto deadline = SteadyClock::now() + std::chrono::seconds(10);
  int status = 0;
  while (waitpid(pid, &status, WNOHANG) == 0) {
    if (SteadyClock::now() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      return 1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

}  // namespace sapi::app
