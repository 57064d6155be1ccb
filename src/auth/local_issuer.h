#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "auth/jwks.h"
#include "base/clock.h"
#include "base/result.h"

typedef struct evp_pkey_st EVP_PKEY;

namespace sapi::auth {

// The issuer a deployment without Cognito runs for itself: one RSA-2048 key kept in the data
// directory, tokens shaped like Cognito ID tokens. The service and `session-api token` load
// the same key file, so tokens printed by the command verify in the running service.
class LocalIssuer {
 public:
  // Name of the private key file (PEM, PKCS#8, mode 0600) in the data directory.
  static constexpr const char* kKeyFile = "jwt-signing-key.pem";

  // Loads the key from `data_dir`, creating it first if there is none. Creation is atomic
  // (written aside, then linked into place), so two processes starting together end up
  // with the same key.
  static Result<std::unique_ptr<LocalIssuer>> load_or_create(const std::filesystem::path& data_dir,
                                                             std::string issuer,
                                                             std::string client_id);

  // Wraps an existing private key (takes ownership).
  LocalIssuer(EVP_PKEY* key, std::string kid, std::string issuer, std::string client_id);
  ~LocalIssuer();
  LocalIssuer(const LocalIssuer&) = delete;
  LocalIssuer& operator=(const LocalIssuer&) = delete;

  // A signed ID token for `player` (its sub and cognito:username), valid for `ttl` from
  // `now`, optionally in `groups`.
  Result<std::string> issue(const std::string& player, std::chrono::seconds ttl,
                            Clock::TimePoint now,
                            const std::vector<std::string>& groups = {}) const;

  // The public key set ({"keys":[...]}) served at /.well-known/jwks.json.
  const std::string& jwks_json() const { return jwks_json_; }
  // The same keys, parsed, for the verifier.
  std::shared_ptr<const KeySet> key_set() const { return key_set_; }

  const std::string& issuer() const { return issuer_; }
  const std::string& client_id() const { return client_id_; }
  const std::string& kid() const { return kid_; }

 private:
  EVP_PKEY* key_;
  std::string kid_;
  std::string issuer_;
  std::string client_id_;
  std::string jwks_json_;
  std::shared_ptr<const KeySet> key_set_;
};

// Signs `header_json`.`payload_json` with RS256 under `key`, returning the compact token.
// Used by the local issuer and by tests that need tokens of any shape.
Result<std::string> sign_rs256(EVP_PKEY* key, std::string_view header_json,
                               std::string_view payload_json);

}  // namespace sapi::auth
