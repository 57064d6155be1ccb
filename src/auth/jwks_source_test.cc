#include "auth/jwks_source.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

#include "auth/jwt_test_keys.h"

namespace sapi::auth {
namespace {

using namespace std::chrono_literals;
using testing::jwks_with;
using testing::rsa_key;

// Serves whatever document it holds, or fails, counting calls; optionally slow.
class ScriptedFetcher final : public JwksFetcher {
 public:
  struct State {
    std::mutex mu;
    std::string body;
    bool fail = false;
    std::chrono::milliseconds delay{0};
    std::atomic<int> calls{0};
  };
  explicit ScriptedFetcher(std::shared_ptr<State> s) : s_(std::move(s)) {}
  Result<std::string> fetch(const std::string&, std::chrono::milliseconds) override {
    ++s_->calls;
    std::chrono::milliseconds delay;
    {
      std::lock_guard lock(s_->mu);
      delay = s_->delay;
    }
    std::this_thread::sleep_for(delay);
    std::lock_guard lock(s_->mu);
    if (s_->fail) return unavailable("issuer down");
    return s_->body;
  }

 private:
  std::shared_ptr<State> s_;
};

class RefreshingKeyProviderTest : public ::testing::Test {
 protected:
  RefreshingKeyProviderTest() : clock_(std::chrono::system_clock::from_time_t(1'800'000'000)) {
    state_->body = jwks_with(rsa_key(2048), "k1");
  }
  std::unique_ptr<RefreshingKeyProvider> provider() {
    return std::make_unique<RefreshingKeyProvider>(
        "https://issuer.example/jwks", std::make_unique<ScriptedFetcher>(state_), clock_);
  }
  std::shared_ptr<ScriptedFetcher::State> state_ = std::make_shared<ScriptedFetcher::State>();
  ManualClock clock_;
};

TEST_F(RefreshingKeyProviderTest, FetchesAtStartAndAnswersKnownKidsFromMemory) {
  auto p = provider();
  ASSERT_TRUE(p->fetch_now().ok());
  for (int i = 0; i < 5; ++i) EXPECT_NE(p->find("k1"), nullptr);
  EXPECT_EQ(state_->calls, 1);
}

TEST_F(RefreshingKeyProviderTest, UnknownKidRefetchesAtMostOncePerInterval) {
  auto p = provider();
  ASSERT_TRUE(p->fetch_now().ok());
  clock_.advance(11s);
  EXPECT_EQ(p->find("k2"), nullptr);
  EXPECT_EQ(state_->calls, 2);
  EXPECT_EQ(p->find("k2"), nullptr);
  clock_.advance(9s);
  EXPECT_EQ(p->find("k3"), nullptr);
  EXPECT_EQ(state_->calls, 2);
  // The issuer rotates in k2; the next permitted refetch finds it.
  state_->body = jwks_with(rsa_key(2048, 1), "k2");
  clock_.advance(2s);
  EXPECT_NE(p->find("k2"), nullptr);
  EXPECT_EQ(state_->calls, 3);
}

TEST_F(RefreshingKeyProviderTest, KeepsCachedKeysWhileTheIssuerIsDown) {
  auto p = provider();
  ASSERT_TRUE(p->fetch_now().ok());
  state_->fail = true;
  clock_.advance(60s);
  EXPECT_EQ(p->find("k9"), nullptr);  // refetch fails
  EXPECT_EQ(state_->calls, 2);
  EXPECT_NE(p->find("k1"), nullptr);
  state_->body = "not json";
  state_->fail = false;
  clock_.advance(60s);
  EXPECT_EQ(p->find("k9"), nullptr);  // refetch returns garbage
  EXPECT_NE(p->find("k1"), nullptr);
}

TEST_F(RefreshingKeyProviderTest, StartupRetriesThenReportsFailure) {
  state_->fail = true;
  auto p = provider();
  Status s = p->fetch_now(3, 1ms);
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(state_->calls, 3);
  EXPECT_EQ(p->find("k1"), nullptr);  // within the interval of the last attempt
  state_->fail = false;
  clock_.advance(10s);
  EXPECT_NE(p->find("k1"), nullptr);  // a later token triggers the recovery fetch
}

TEST_F(RefreshingKeyProviderTest, ConcurrentUnknownKidsShareOneFetch) {
  auto p = provider();
  state_->delay = 200ms;
  state_->body = jwks_with(rsa_key(2048), "k1");
  std::vector<std::thread> threads;
  std::atomic<int> found{0};
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      if (p->find("k1") != nullptr) ++found;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(state_->calls, 1);
  EXPECT_EQ(found, 8);
}

TEST(JwksFetcher, ReadsFilesAndReportsMissingOnes) {
  auto dir = std::filesystem::temp_directory_path() / ("jwks-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "jwks.json") << jwks_with(rsa_key(2048), "k1");
  auto fetcher = make_jwks_fetcher();
  auto body = fetcher->fetch((dir / "jwks.json").string(), 1s);
  ASSERT_TRUE(body.ok());
  EXPECT_TRUE(parse_jwks(body.value()).ok());
  EXPECT_TRUE(fetcher->fetch("file:" + (dir / "jwks.json").string(), 1s).ok());
  EXPECT_FALSE(fetcher->fetch((dir / "missing.json").string(), 1s).ok());
  std::filesystem::remove_all(dir);
}

TEST(JwksFetcher, TimesOutOnAnUnresponsiveServer) {
  // A listening socket that never answers: the fetch must give up at the time-out.
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ASSERT_EQ(::listen(fd, 4), 0);
  socklen_t len = sizeof(addr);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  std::string url = "http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port)) + "/jwks.json";
  auto start = std::chrono::steady_clock::now();
  auto body = make_jwks_fetcher()->fetch(url, 300ms);
  auto took = std::chrono::steady_clock::now() - start;
  ::close(fd);
  EXPECT_FALSE(body.ok());
  EXPECT_LT(took, 3s);
}

TEST(JwksFetcher, RefusesOtherProtocols) {
  EXPECT_FALSE(make_jwks_fetcher()->fetch("ftp://127.0.0.1/jwks.json", 1s).ok());
}

}  // namespace
}  // namespace sapi::auth
