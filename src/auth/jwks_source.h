#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "auth/jwks.h"
#include "base/clock.h"
#include "base/result.h"

namespace sapi::auth {

// Where verification keys come from. find() answers from memory when it can; an unknown kid
// may trigger a refresh (rate-limited), so find() may block for at most one fetch time-out.
class KeyProvider {
 public:
  virtual ~KeyProvider() = default;
  // The key with this kid, or null if even a permitted refresh does not know it.
  virtual std::shared_ptr<const Jwk> find(std::string_view kid) = 0;
};

// A fixed key set (the local issuer's own key, tests).
class StaticKeyProvider final : public KeyProvider {
 public:
  explicit StaticKeyProvider(std::shared_ptr<const KeySet> keys) : keys_(std::move(keys)) {}
  std::shared_ptr<const Jwk> find(std::string_view kid) override { return keys_->find(kid); }

 private:
  std::shared_ptr<const KeySet> keys_;
};

// Fetches a JWKS document: "file:" paths are read from disk, http(s) URLs with libcurl.
class JwksFetcher {
 public:
  virtual ~JwksFetcher() = default;
  virtual Result<std::string> fetch(const std::string& location,
                                    std::chrono::milliseconds timeout) = 0;
};

// The real fetcher: libcurl for http and https (no other protocols, no redirects to other
// protocols, body capped at 1 MiB, status must be 200), plain reads for file paths.
std::unique_ptr<JwksFetcher> make_jwks_fetcher();

struct RefreshPolicy {
  std::chrono::seconds min_refetch_interval{10};  // per location, successful or not
  std::chrono::milliseconds fetch_timeout{3000};
};

// Keys fetched from a URL or file, kept by kid. An unknown kid refetches, at most once per
// min_refetch_interval, with at most one fetch in flight: concurrent callers wait for that
// fetch instead of starting their own. A failed fetch keeps the previous keys, so the
// service keeps verifying known keys while the issuer is unreachable.
class RefreshingKeyProvider final : public KeyProvider {
 public:
  RefreshingKeyProvider(std::string location, std::unique_ptr<JwksFetcher> fetcher,
                        const Clock& clock, RefreshPolicy policy = {});

  // Fetches now, retrying `attempts` times `delay` apart; for start-up. Keeps any keys it
  // had on failure.
  Status fetch_now(int attempts = 1, std::chrono::milliseconds delay = {});

  std::shared_ptr<const Jwk> find(std::string_view kid) override;

  // How many fetches were attempted (for tests and metrics).
  int fetch_count() const;

 private:
  Status fetch_once();

  const std::string location_;
  const std::unique_ptr<JwksFetcher> fetcher_;
  const Clock& clock_;
  const RefreshPolicy policy_;

  mutable std::mutex mu_;
  std::condition_variable fetched_;
  std::shared_ptr<const KeySet> keys_;
  bool in_flight_ = false;
  bool attempted_ = false;
  Clock::TimePoint last_attempt_{};
  int fetch_count_ = 0;
};

}  // namespace sapi::auth
