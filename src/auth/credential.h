#pragma once

// A game server's SigV4 credential and where the verifier looks credentials up.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sapi::auth {

struct Credential {
  std::string name;  // e.g. "game-server-1"; what the access log shows
  std::string access_key_id;
  std::string secret_access_key;
  int64_t created_at = 0;                    // epoch seconds
  std::optional<int64_t> expires_at;         // epoch seconds; none: never expires
  std::optional<std::string> session_token;  // temporary credentials only
  // "METHOD /path" patterns the credential may call: METHOD may be "*", and a path ending in
  // "*" matches any path with that prefix; "*" alone allows everything.
  std::vector<std::string> routes;
};

// True when `pattern` ("POST /session-summary", "* /identity/*", "*") admits `method` on
// `path` (the request path with the base path removed, decoded).
bool route_allows(std::string_view pattern, std::string_view method, std::string_view path);

// True when any of the credential's routes admits the request.
bool credential_allows(const Credential& credential, std::string_view method,
                       std::string_view path);

// True when `pattern` is well formed (see Credential::routes).
bool valid_route_pattern(std::string_view pattern);

// Looks credentials up by access key id. Thread-safe.
class CredentialLookup {
 public:
  virtual ~CredentialLookup() = default;
  virtual std::optional<Credential> find(std::string_view access_key_id) const = 0;
};

// A fixed set of credentials held in memory (tests, and embedding without a file).
class InMemoryCredentials final : public CredentialLookup {
 public:
  InMemoryCredentials() = default;
  explicit InMemoryCredentials(std::vector<Credential> credentials)
      : credentials_(std::move(credentials)) {}
  void add(Credential credential) { credentials_.push_back(std::move(credential)); }
  std::optional<Credential> find(std::string_view access_key_id) const override {
    for (const Credential& c : credentials_) {
      if (c.access_key_id == access_key_id) return c;
    }
    return std::nullopt;
  }

 private:
  std::vector<Credential> credentials_;
};

}  // namespace sapi::auth
