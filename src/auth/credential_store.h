#pragma once

// The game servers' SigV4 credentials, kept in a JSON file in the data directory
// (credentials.json, mode 0600). The CLI edits the file (`session-api credentials ...`) while
// the service runs; the service notices the change within a second and uses the new set.
//
// File format: {"credentials": [{"name", "accessKeyId", "secretAccessKey", "createdAt",
// "expiresAt"?, "sessionToken"?, "routes": ["POST /session-summary", ...]}]}, times in epoch
// seconds. A file readable or writable by group or others is refused: it holds secrets.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "auth/credential.h"
#include "base/result.h"

namespace sapi::auth {

// Reads the credentials file. A missing file is an empty set; a malformed one, or one with
// permissions wider than 0600, is an error naming the problem (never a secret).
Result<std::vector<Credential>> load_credentials_file(const std::filesystem::path& path);

// Replaces the file atomically: a 0600 temporary file beside it, fsync, rename, fsync of the
// directory. Readers see the old or the new file, never a mix.
Status save_credentials_file(const std::filesystem::path& path,
                             const std::vector<Credential>& credentials);

// Loads, lets `edit` change the set, and saves, holding an exclusive lock on "<path>.lock" so
// that concurrent CLI runs do not lose each other's changes.
Status update_credentials_file(const std::filesystem::path& path,
                               const std::function<Status(std::vector<Credential>&)>& edit);

// A new credential with AWS-shaped keys from the system CSPRNG: access key id "AKIA" + 16
// (or "ASIA" + 16 when `temporary`, which also gets a session token), 40-character secret.
Credential generate_credential(std::string name, bool temporary, int64_t now,
                               std::optional<int64_t> expires_at, std::vector<std::string> routes);

// Credentials served from the file, reloaded when it changes: find() looks at the file's
// modification time at most once per `check_interval` and reloads it when it moved. A reload
// that fails keeps the previous set and records the error (see last_error()).
class CredentialStore final : public CredentialLookup {
 public:
  explicit CredentialStore(std::filesystem::path path,
                           std::chrono::milliseconds check_interval = std::chrono::seconds(1));

  // Loads the file now; an error leaves the store empty.
  Status load();

  std::optional<Credential> find(std::string_view access_key_id) const override;

  // The number of credentials currently served.
  size_t size() const;

  // The error of the last load or reload, empty when it succeeded.
  std::string last_error() const;

  const std::filesystem::path& path() const { return path_; }

  // Called after every reload triggered by a change of the file (not by load()), with the
  // number of credentials served and the error ("" on success). Set before sharing the store.
  using ReloadListener = std::function<void(size_t count, const std::string& error)>;
  void set_reload_listener(ReloadListener listener) { listener_ = std::move(listener); }

 private:
  struct Stamp {
    int64_t mtime_ns = -1;
    int64_t size = -1;
    uint64_t inode = 0;
    bool operator==(const Stamp&) const = default;
  };
  using Snapshot = std::vector<Credential>;

  Stamp stamp_of() const;
  void maybe_reload() const;
  void reload_locked(const Stamp& stamp) const;

  std::filesystem::path path_;
  std::chrono::milliseconds check_interval_;
  mutable std::mutex mu_;
  mutable std::chrono::steady_clock::time_point next_check_{};
  mutable Stamp stamp_;
  mutable std::shared_ptr<const Snapshot> snapshot_;
  mutable std::string last_error_;
  ReloadListener listener_;
};

}  // namespace sapi::auth
