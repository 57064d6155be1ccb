#pragma once

// Test-only: a real server on an ephemeral 127.0.0.1 port with a recording observer.

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "http/server.h"
#include "http/testing.h"

namespace sapi::http::testing {

struct RecordedAccess {
  std::string request_id, remote_ip, caller, user, method, resource_path, route, protocol;
  int status = 0;
  size_t response_length = 0;
};

class RecordingObserver : public Observer {
 public:
  void on_access(const AccessRecord& r) override {
    std::lock_guard<std::mutex> lock(mu_);
    records_.push_back({std::string(r.request_id), std::string(r.remote_ip), std::string(r.caller),
                        std::string(r.user), std::string(r.method), std::string(r.resource_path),
                        std::string(r.route), std::string(r.protocol), r.status,
                        r.response_length});
  }
  void on_connection_opened() override { ++open; }
  void on_connection_closed() override { --open; }
  void on_request_started() override { ++in_flight; }
  void on_request_finished() override { --in_flight; }

  std::vector<RecordedAccess> records() {
    std::lock_guard<std::mutex> lock(mu_);
    return records_;
  }

  std::atomic<int> open{0};
  std::atomic<int> in_flight{0};

 private:
  std::mutex mu_;
  std::vector<RecordedAccess> records_;
};

class ServerTest : public ::testing::Test {
 protected:
  void start(ServerOptions options = {}) {
    options.host = "127.0.0.1";
    options.port = 0;
    if (options.threads == 0) options.threads = 2;
    server_ = make_server(std::move(options), std::move(router_), &observer_);
    Status s = server_->start();
    ASSERT_TRUE(s.ok()) << s.to_string();
    port_ = server_->port();
    ASSERT_NE(port_, 0);
  }

  void TearDown() override {
    if (server_) server_->shutdown(std::chrono::milliseconds(1000));
  }

  // Waits (up to 5 s) until one of the observer's counters reads `n`; true if it did.
  static bool wait_for_count(const std::atomic<int>& counter, int n) {
    for (int i = 0; i < 500 && counter.load() != n; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return counter.load() == n;
  }

  Router router_;
  RecordingObserver observer_;
  std::unique_ptr<Server> server_;
  std::uint16_t port_ = 0;
};

}  // namespace sapi::http::testing
