// `session-api credentials create|revoke|list`: the game servers' SigV4 keys, in the
// credentials file that a running service reloads within a second of a change.

#include <boost/json.hpp>
#include <charconv>
#include <filesystem>
#include <iostream>

#include "app/commands.h"
#include "app/config.h"
#include "app/config_auth.h"
#include "auth/credential_store.h"
#include "base/clock.h"

namespace sapi::app {
namespace {

namespace fs = std::filesystem;

struct CredentialsArgs {
  std::string config_file;
  std::string data_dir;
  // create
  std::string name;
  std::string expires_in;
  bool temporary = false;
  std::vector<std::string> routes;
  // revoke
  std::string access_key_id;
};

struct Target {
  fs::path file;
  std::string region;
};

void add_common_options(CLI::App* cmd, CredentialsArgs& args) {
  cmd->add_option("--config", args.config_file, "TOML configuration file, as for serve")
      ->check(CLI::ExistingFile);
  cmd->add_option("--data-dir", args.data_dir, "Data directory, as for serve");
}

// The credentials file and region the service would use with the same configuration.
std::optional<Target> resolve(const CredentialsArgs& args) {
  ConfigSource source;
  if (!args.config_file.empty()) source.file = args.config_file;
  if (!args.data_dir.empty()) source.flags.push_back({"data_dir", "--data-dir", args.data_dir});
  LoadedConfig loaded = load_config(source);
  if (!loaded.ok()) {
    for (const auto& error : loaded.errors) std::cerr << "config error: " << error << "\n";
    return std::nullopt;
  }
  const Config& c = loaded.config;
  return Target{fs::path(credentials_file(c)), sigv4_region(c)};
}

// "3600", "90s", "15m", "12h" or "7d" in seconds; nullopt when malformed or not positive.
std::optional<int64_t> parse_duration(std::string_view text) {
  if (text.empty()) return std::nullopt;
  int64_t unit = 1;
  switch (text.back()) {
    case 's':
      unit = 1;
      break;
    case 'm':
      unit = 60;
      break;
    case 'h':
      unit = 3600;
      break;
    case 'd':
      unit = 86400;
      break;
    default:
      unit = 0;
  }
  if (unit != 0)
    text.remove_suffix(1);
  else
    unit = 1;
  int64_t n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size() || n <= 0 || n > 3650L * 86400) {
    return std::nullopt;
  }
  return n * unit;
}

int run_create(const CredentialsArgs& args) {
  auto target = resolve(args);
  if (!target) return 1;
  std::vector<std::string> routes =
      args.routes.empty() ? std::vector<std::string>{"*"} : args.routes;
  for (const auto& r : routes) {
    if (!auth::valid_route_pattern(r)) {
      std::cerr << "invalid --routes entry '" << r
                << "': expected \"METHOD /path\", \"METHOD /prefix*\" or \"*\"\n";
      return 1;
    }
  }
  int64_t now = epoch_seconds(Clock::system().now());
  std::optional<int64_t> expires_at;
  if (!args.expires_in.empty()) {
    auto seconds = parse_duration(args.expires_in);
    if (!seconds) {
      std::cerr << "invalid --expires-in '" << args.expires_in << "': expected e.g. 3600, 15m, "
                << "12h or 7d\n";
      return 1;
    }
    expires_at = now + *seconds;
  } else if (args.temporary) {
    expires_at = now + 3600;  // temporary credentials always expire; STS's default is 1 h
  }
  std::error_code ec;
  fs::create_directories(target->file.parent_path(), ec);
  auth::Credential created =
      auth::generate_credential(args.name, args.temporary, now, expires_at, std::move(routes));
  Status saved =
      auth::update_credentials_file(target->file, [&](std::vector<auth::Credential>& all) {
        all.push_back(created);
        return Status{};
      });
  if (!saved.ok()) {
    std::cerr << "cannot save the credential: " << saved.message() << "\n";
    return 1;
  }
  boost::json::object out{{"accessKeyId", created.access_key_id},
                          {"secretAccessKey", created.secret_access_key},
                          {"region", target->region}};
  if (created.session_token) out["sessionToken"] = *created.session_token;
  if (created.expires_at) {
    out["expiresAt"] = format_iso8601(Clock::TimePoint(std::chrono::seconds(*expires_at)));
  }
  std::cout << boost::json::serialize(out) << "\n";
  return 0;
}

int run_revoke(const CredentialsArgs& args) {
  auto target = resolve(args);
  if (!target) return 1;
  bool found = false;
  Status saved =
      auth::update_credentials_file(target->file, [&](std::vector<auth::Credential>& all) {
        found = std::erase_if(all, [&](const auth::Credential& c) {
                  return c.access_key_id == args.access_key_id;
                }) > 0;
        return Status{};
      });
  if (!saved.ok()) {
    std::cerr << "cannot save the credentials: " << saved.message() << "\n";
    return 1;
  }
  if (!found) {
    std::cerr << "no credential with access key id " << args.access_key_id << "\n";
    return 1;
  }
  std::cout << boost::json::serialize(boost::json::object{{"revoked", args.access_key_id}}) << "\n";
  return 0;
}

int run_list(const CredentialsArgs& args) {
  auto target = resolve(args);
  if (!target) return 1;
  auto all = auth::load_credentials_file(target->file);
  if (!all.ok()) {
    std::cerr << all.status().message() << "\n";
    return 1;
  }
  boost::json::array list;
  for (const auth::Credential& c : *all) {
    boost::json::array routes;
    for (const auto& r : c.routes) routes.emplace_back(r);
    boost::json::object o{
        {"name", c.name},
        {"accessKeyId", c.access_key_id},
        {"temporary", c.session_token.has_value()},
        {"createdAt", format_iso8601(Clock::TimePoint(std::chrono::seconds(c.created_at)))},
        {"routes", std::move(routes)}};
    if (c.expires_at) {
      o["expiresAt"] = format_iso8601(Clock::TimePoint(std::chrono::seconds(*c.expires_at)));
    }
    list.emplace_back(std::move(o));
  }
  std::cout << boost::json::serialize(list) << "\n";
  return 0;
}

}  // namespace

void add_credentials_command(CLI::App& root, int& exit_code) {
  auto args = std::make_shared<CredentialsArgs>();
  auto* cmd = root.add_subcommand(
      "credentials",
      "Manage the game servers' SigV4 credentials (takes effect on a running service)");
  cmd->require_subcommand(1);

  auto* create = cmd->add_subcommand(
      "create", "Create a key pair and print it as JSON {accessKeyId, secretAccessKey, region}");
  add_common_options(create, *args);
  create->add_option("--name", args->name, "Name of the game server, shown in the access log")
      ->required();
  create->add_option("--expires-in", args->expires_in,
                     "Lifetime, e.g. 3600, 15m, 12h, 7d (default: never; 1h if --temporary)");
  create->add_flag("--temporary", args->temporary,
                   "Temporary credentials: also a session token, which requests must sign");
  create
      ->add_option("--routes", args->routes,
                   "Routes it may call, e.g. \"POST /session-summary\" or \"* /identity/*\" "
                   "(default: \"*\", every signed route)")
      ->delimiter(',');
  create->callback([args, &exit_code] { exit_code = run_create(*args); });

  auto* revoke = cmd->add_subcommand("revoke", "Delete a credential");
  add_common_options(revoke, *args);
  revoke->add_option("--access-key-id", args->access_key_id, "Access key id to revoke")->required();
  revoke->callback([args, &exit_code] { exit_code = run_revoke(*args); });

  auto* list = cmd->add_subcommand("list", "List credentials as JSON (never their secrets)");
  add_common_options(list, *args);
  list->callback([args, &exit_code] { exit_code = run_list(*args); });
}

}  // namespace sapi::app
