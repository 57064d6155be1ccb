// A service behind a stage path (server.base_path, like API Gateway's https://host/dev/...):
// the clients put the path in every URL and the SigV4 canonical URI includes it.

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "service_fixture.h"
#include "session_api/game_server_client.h"
#include "session_api/player_client.h"

namespace session_api {
namespace {

using testing::Service;

TEST(BasePath, BothClientsWorkBelowTheStagePath) {
  std::string error;
  auto service = Service::start("[server]\nbase_path = \"/dev\"\n", &error, {}, "/dev");
  ASSERT_NE(service, nullptr) << error;

  GameServerClientOptions o;
  o.client = service->options();
  o.client.base_url += "/dev/";  // a trailing slash is tolerated
  o.credentials = service->credentials("sdk-stage", &o.region);
  GameServerClient server(o);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  auto who = server.identity();
  while (!who.ok() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    who = server.identity();
  }
  ASSERT_TRUE(who.ok()) << who.error().code << ": " << who.error().message;
  auto summary = server.post_session_summary(
      {"sdk-stage-player", "00000000000000000000000000000001", {"session_complete"}, ""});
  ASSERT_TRUE(summary.ok()) << summary.error().code << ": " << summary.error().message;

  ClientOptions staged = service->options();
  staged.base_url += "/dev";
  PlayerClient player(staged, service->token("sdk-stage-player"));
  StartRequest start;
  start.player_id = "sdk-stage-player";
  auto started = player.start(start);
  ASSERT_TRUE(started.ok()) << started.error().code << ": " << started.error().message;
  EXPECT_TRUE(player.status(started->ticket_id).ok());
  EXPECT_TRUE(player.cancel(started->ticket_id).ok());

  // Without the stage path nothing is there.
  PlayerClient unstaged(service->options(), service->token("sdk-stage-player"));
  EXPECT_EQ(unstaged.status(started->ticket_id).http_status(), 404);
}

}  // namespace
}  // namespace session_api
