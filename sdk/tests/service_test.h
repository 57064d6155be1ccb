#pragma once

// Test suites that run against one real service for the whole suite, and a loopback port
// nothing listens on for the tests of network failures.

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>

#include "service_fixture.h"
#include "test_config.h"

namespace session_api::testing {

// The service starts once per suite (with the tests' configurations) and stops after it, so
// the tests of a suite share its players, tickets and credentials: each test uses its own names.
class ServiceTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::string error;
    service_ = Service::start(kConfigToml, &error, config_files()).release();
    ASSERT_NE(service_, nullptr) << error;
  }
  static void TearDownTestSuite() {
    delete service_;
    service_ = nullptr;
  }

  inline static Service* service_ = nullptr;
};

// A loopback port that was free a moment ago: the kernel picked it, and the socket is closed.
inline int unused_loopback_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  bool bound = bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
               getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0;
  close(fd);
  EXPECT_TRUE(bound) << "no loopback port to bind";
  return bound ? ntohs(addr.sin_port) : 0;
}

}  // namespace session_api::testing
