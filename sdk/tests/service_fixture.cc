#include "service_fixture.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "transport.h"

extern char** environ;

namespace session_api::testing {
namespace {

namespace fs = std::filesystem;

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out.push_back(c);
    }
  }
  return out + "'";
}

std::string with_dir(std::string text, const std::string& dir) {
  for (size_t at = text.find("@DIR@"); at != std::string::npos; at = text.find("@DIR@", at)) {
    text.replace(at, 5, dir);
    at += dir.size();
  }
  return text;
}

}  // namespace

std::unique_ptr<Service> Service::start(
    const std::string& config_toml, std::string* error,
    const std::vector<std::pair<std::string, std::string>>& files, const std::string& base_path) {
  std::unique_ptr<Service> s(new Service());
  char tmpl[] = "/tmp/sdk-test-XXXXXX";
  s->dir_ = mkdtemp(tmpl);
  s->data_dir_ = s->dir_ + "/data";
  s->log_file_ = s->dir_ + "/server.log";
  std::vector<std::string> args = {SESSION_API_BIN, "serve",      "--listen",
                                   "127.0.0.1:0",   "--data-dir", s->data_dir_};
  for (const auto& [name, text] : files) {
    std::ofstream(s->dir_ + "/" + name) << with_dir(text, s->dir_);
  }
  if (!config_toml.empty()) {
    s->config_file_ = s->dir_ + "/config.toml";
    std::ofstream(s->config_file_) << with_dir(config_toml, s->dir_);
    args.push_back("--config");
    args.push_back(s->config_file_);
  }
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, s->log_file_.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  pid_t pid = 0;
  int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    *error = "cannot start " + std::string(SESSION_API_BIN);
    return nullptr;
  }
  s->pid_ = pid;

  // The log line {"msg":"listening",...,"port":N} names the port the service got.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (s->port_ == 0) {
    std::string log = read_all(s->log_file_);
    std::istringstream lines(log);
    std::string line;
    while (std::getline(lines, line)) {
      if (line.find("\"listening\"") == std::string::npos) continue;
      boost::system::error_code ec;
      auto v = boost::json::parse(line, ec);
      if (!ec && v.is_object() && v.as_object().contains("port")) {
        s->port_ = static_cast<int>(v.as_object().at("port").to_number<int64_t>());
      }
    }
    if (s->port_ != 0) break;
    if (std::chrono::steady_clock::now() > deadline || waitpid(pid, nullptr, WNOHANG) == pid) {
      *error = "the service did not start:\n" + log;
      if (waitpid(pid, nullptr, WNOHANG) == 0) kill(pid, SIGKILL);
      s->pid_ = -1;
      return nullptr;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  s->base_url_ = "http://127.0.0.1:" + std::to_string(s->port_);
  ClientOptions probe = s->options();
  probe.base_url += base_path;
  Transport transport(probe);
  while (true) {
    HttpRequest ready;
    ready.path = "/health/ready";
    if (transport.perform(ready).status == 200) break;
    if (std::chrono::steady_clock::now() > deadline) {
      *error = "the service never became ready:\n" + s->log();
      return nullptr;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return s;
}

Service::~Service() {
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (waitpid(pid_, nullptr, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() > deadline) {
        kill(pid_, SIGKILL);
        waitpid(pid_, nullptr, 0);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  if (!dir_.empty()) {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
}

ClientOptions Service::options() const {
  ClientOptions o;
  o.base_url = base_url_;
  o.timeout_ms = 5000;
  return o;
}

std::string Service::cli(const std::vector<std::string>& args) const {
  std::string command = quote(SESSION_API_BIN);
  for (const auto& a : args) command += " " + quote(a);
  command += " --data-dir " + quote(data_dir_);
  if (!config_file_.empty()) command += " --config " + quote(config_file_);
  std::string out;
  FILE* p = popen(command.c_str(), "r");
  if (p == nullptr) return out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  pclose(p);
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

std::string Service::token(const std::string& player) const {
  return cli({"token", "--player", player});
}

Credentials Service::credentials(const std::string& name, std::string* region) const {
  std::string out = cli({"credentials", "create", "--name", name});
  Credentials c;
  boost::system::error_code ec;
  auto v = boost::json::parse(out, ec);
  if (ec || !v.is_object()) return c;
  const auto& o = v.as_object();
  c.access_key_id = std::string(o.at("accessKeyId").as_string());
  c.secret_access_key = std::string(o.at("secretAccessKey").as_string());
  if (o.contains("sessionToken")) c.session_token = std::string(o.at("sessionToken").as_string());
  if (region != nullptr) *region = std::string(o.at("region").as_string());
  return c;
}

std::string Service::log() const { return read_all(log_file_); }

}  // namespace session_api::testing
