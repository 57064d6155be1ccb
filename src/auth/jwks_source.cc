#include "auth/jwks_source.h"

#include <curl/curl.h>
#include <fmt/format.h>

#include <fstream>
#include <sstream>
#include <thread>

namespace sapi::auth {
namespace {

constexpr size_t kMaxJwksBytes = 1024 * 1024;

size_t append_body(char* data, size_t size, size_t count, void* user) {
  auto* body = static_cast<std::string*>(user);
  size_t n = size * count;
  if (body->size() + n > kMaxJwksBytes) return 0;  // aborts the transfer
  body->append(data, n);
  return n;
}

class CurlOrFileFetcher final : public JwksFetcher {
 public:
  Result<std::string> fetch(const std::string& location,
                            std::chrono::milliseconds timeout) override {
    if (location.rfind("http://", 0) == 0 || location.rfind("https://", 0) == 0) {
      return fetch_url(location, timeout);
    }
    std::string path = location.rfind("file:", 0) == 0 ? location.substr(5) : location;
    return read_file(path);
  }

 private:
  static Result<std::string> read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return unavailable(fmt::format("cannot open JWKS file {}", path));
    std::ostringstream ss;
    ss << in.rdbuf();
    std::string body = ss.str();
    if (body.size() > kMaxJwksBytes) return invalid_argument("JWKS file is too large");
    return body;
  }

  static Result<std::string> fetch_url(const std::string& url, std::chrono::milliseconds timeout) {
    CURL* curl = curl_easy_init();
    if (curl == nullptr) return internal_error("curl_easy_init failed");
    std::string body;
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, "https");
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(curl, CURLOPT_MAXREDIRS, 3L);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(timeout.count()));
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, append_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
    CURLcode rc = curl_easy_perform(curl);
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(curl);
    if (rc != CURLE_OK) {
      return unavailable(fmt::format("JWKS fetch from {} failed: {}", url, curl_easy_strerror(rc)));
    }
    if (status != 200)
      return unavailable(fmt::format("JWKS fetch from {} answered {}", url, status));
    return body;
  }
};

}  // namespace

std::unique_ptr<JwksFetcher> make_jwks_fetcher() { return std::make_unique<CurlOrFileFetcher>(); }

RefreshingKeyProvider::RefreshingKeyProvider(std::string location,
                                             std::unique_ptr<JwksFetcher> fetcher,
                                             const Clock& clock, RefreshPolicy policy)
    : location_(std::move(location)),
      fetcher_(std::move(fetcher)),
      clock_(clock),
      policy_(policy),
      keys_(std::make_shared<const KeySet>()) {}

Status RefreshingKeyProvider::fetch_now(int attempts, std::chrono::milliseconds delay) {
  Status last;
  for (int i = 0; i < attempts; ++i) {
    if (i > 0) std::this_thread::sleep_for(delay);
    {
      std::unique_lock lock(mu_);
      fetched_.wait(lock, [&] { return !in_flight_; });
      in_flight_ = true;
    }
    last = fetch_once();
    if (last.ok()) return last;
  }
  return last;
}

// Runs with in_flight_ set by the caller; clears it and wakes waiters.
Status RefreshingKeyProvider::fetch_once() {
  auto body = fetcher_->fetch(location_, policy_.fetch_timeout);
  Result<std::shared_ptr<const KeySet>> parsed =
      body.ok() ? parse_jwks(body.value()) : Result<std::shared_ptr<const KeySet>>(body.status());
  std::lock_guard lock(mu_);
  ++fetch_count_;
  attempted_ = true;
  last_attempt_ = clock_.now();
  in_flight_ = false;
  if (parsed.ok()) keys_ = std::move(parsed.value());
  fetched_.notify_all();
  return parsed.ok() ? Status() : parsed.status();
}

std::shared_ptr<const Jwk> RefreshingKeyProvider::find(std::string_view kid) {
  std::unique_lock lock(mu_);
  if (auto key = keys_->find(kid)) return key;
  if (in_flight_) {
    // Someone is already fetching: wait for that result rather than fetching again.
    fetched_.wait_for(lock, policy_.fetch_timeout + std::chrono::milliseconds(500),
                      [&] { return !in_flight_; });
    return keys_->find(kid);
  }
  if (attempted_ && clock_.now() - last_attempt_ < policy_.min_refetch_interval) return nullptr;
  in_flight_ = true;
  lock.unlock();
  (void)fetch_once();
  lock.lock();
  return keys_->find(kid);
}

int RefreshingKeyProvider::fetch_count() const {
  std::lock_guard lock(mu_);
  return fetch_count_;
}

}  // namespace sapi::auth
