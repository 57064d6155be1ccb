#include "http/stream.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "http/server_fixture.h"

namespace sapi::http {
namespace {

using namespace std::chrono_literals;
using testing::Client;

// Reads until `needle` has arrived (true) or `timeout` passes or the connection closes.
bool read_until(Client& client, std::string_view needle, std::chrono::milliseconds timeout = 5s) {
  auto until = std::chrono::steady_clock::now() + timeout;
  while (client.buffered().find(needle) == std::string::npos) {
    if (std::chrono::steady_clock::now() >= until) return false;
    if (client.closed_within(20ms)) return client.buffered().find(needle) != std::string::npos;
  }
  return true;
}

// The stream a handler opened, handed to the test's thread.
class StreamSlot {
 public:
  void put(std::shared_ptr<ResponseStream> stream) {
    std::lock_guard lock(mu_);
    stream_ = std::move(stream);
    cv_.notify_all();
  }
  std::shared_ptr<ResponseStream> get() {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, 5s, [this] { return stream_ != nullptr; });
    return stream_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::shared_ptr<ResponseStream> stream_;
};

Response event_stream_head() {
  Response head;
  head.content_type = "text/event-stream";
  head.headers.push_back({"Cache-Control", "no-cache"});
  return head;
}

class StreamTest : public testing::ServerTest {
 protected:
  // GET /events opens a stream and hands it over; with `from_handler_thread` the handler
  // answers from another thread, as a handler that first checks something elsewhere would.
  void serve_stream(std::size_t cap = Responder::kDefaultMaxUnsentBytes,
                    bool from_handler_thread = false) {
    router_.add(Method::kGet, "/events", [this, cap, from_handler_thread](Request&, Responder r) {
      if (!from_handler_thread) {
        auto stream = r.stream(event_stream_head(), cap);
        stream->on_close([this] { closed_ = true; });
        slot_.put(std::move(stream));
        return;
      }
      std::thread([this, cap, r = std::move(r)]() mutable {
        auto stream = r.stream(event_stream_head(), cap);
        stream->on_close([this] { closed_ = true; });
        slot_.put(std::move(stream));
      }).detach();
    });
  }

  bool wait_closed(std::chrono::milliseconds timeout = 5s) {
    auto until = std::chrono::steady_clock::now() + timeout;
    while (!closed_ && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(5ms);
    return closed_;
  }

  StreamSlot slot_;
  std::atomic<bool> closed_{false};
};

TEST(StreamChannelTest, FramesEachWriteAsAChunkAndEndsWithTheLastChunk) {
  int wakes = 0;
  StreamChannel channel(true, 1 << 20, [&wakes] { ++wakes; });
  EXPECT_TRUE(channel.write("hello"));
  EXPECT_TRUE(channel.write(std::string(26, 'x')));
  EXPECT_EQ(wakes, 1) << "one wake until the connection has taken what is queued";
  std::string out;
  EXPECT_EQ(channel.take(out), StreamChannel::State::kOpen);
  EXPECT_EQ(out, "5\r\nhello\r\n1a\r\n" + std::string(26, 'x') + "\r\n");
  channel.close();
  EXPECT_FALSE(channel.is_open());
  EXPECT_FALSE(channel.write("late"));
  out.clear();
  EXPECT_EQ(channel.take(out), StreamChannel::State::kFinished);
  EXPECT_EQ(out, "0\r\n\r\n");
  EXPECT_EQ(wakes, 2);
}

TEST(StreamChannelTest, DropsTheStreamWhenUnsentBytesPassTheCap) {
  StreamChannel channel(false, 100, [] {});
  EXPECT_TRUE(channel.write(std::string(60, 'a')));
  channel.set_backlog(30);
  EXPECT_FALSE(channel.write(std::string(20, 'b')));
  EXPECT_FALSE(channel.is_open());
  std::string out;
  EXPECT_EQ(channel.take(out), StreamChannel::State::kDropped);
  EXPECT_TRUE(out.empty());
}

TEST(StreamChannelTest, OnCloseRunsOnceAndAtOnceWhenAlreadyEnded) {
  StreamChannel channel(true, 1000, [] {});
  int calls = 0;
  channel.on_close([&calls] { ++calls; });
  channel.end();
  channel.end();
  EXPECT_EQ(calls, 1);
  channel.on_close([&calls] { ++calls; });
  EXPECT_EQ(calls, 2);
  EXPECT_FALSE(channel.write("x"));
}

TEST(StreamChannelTest, ASinkThatCannotStreamAnswersTheHeadAndEndsTheStream) {
  Response got;
  auto stream = Responder::from_function([&got](Response r) {
                  got = std::move(r);
                }).stream(event_stream_head());
  EXPECT_EQ(got.content_type, "text/event-stream");
  EXPECT_FALSE(stream->is_open());
  EXPECT_FALSE(stream->write("data"));
}

TEST_F(StreamTest, WritesFromAnotherThreadReachTheClientAsChunksUntilTheHandlerCloses) {
  serve_stream();
  start();
  Client client(port_);
  ASSERT_TRUE(client.send(testing::get("/events")));
  auto stream = slot_.get();
  ASSERT_TRUE(stream);
  std::thread writer([stream] {
    stream->write("data: one\n\n");
    stream->write("data: two\n\n");
    stream->close();
  });
  writer.join();
  ASSERT_TRUE(read_until(client, "0\r\n\r\n"));
  const std::string& bytes = client.buffered();
  EXPECT_NE(bytes.find("HTTP/1.1 200 OK\r\n"), std::string::npos);
  EXPECT_NE(bytes.find("Content-Type: text/event-stream\r\n"), std::string::npos);
  EXPECT_NE(bytes.find("Transfer-Encoding: chunked\r\n"), std::string::npos);
  EXPECT_NE(bytes.find("Cache-Control: no-cache\r\n"), std::string::npos);
  EXPECT_EQ(bytes.find("Content-Length"), std::string::npos);
  EXPECT_NE(bytes.find("b\r\ndata: one\n\n\r\nb\r\ndata: two\n\n\r\n0\r\n\r\n"), std::string::npos);
  EXPECT_TRUE(client.closed_within(2s)) << "a finished stream closes its connection";
  EXPECT_TRUE(wait_closed());
  EXPECT_TRUE(observer_.records().size() == 1 && observer_.records()[0].status == 200);
}

TEST_F(StreamTest, AHandlerMayOpenTheStreamFromAnotherThread) {
  serve_stream(Responder::kDefaultMaxUnsentBytes, true);
  start();
  Client client(port_);
  ASSERT_TRUE(client.send(testing::get("/events")));
  auto stream = slot_.get();
  ASSERT_TRUE(stream);
  EXPECT_TRUE(stream->write("data: hi\n\n"));
  EXPECT_TRUE(read_until(client, "data: hi\n\n"));
  stream->close();
  EXPECT_TRUE(read_until(client, "0\r\n\r\n"));
}

TEST_F(StreamTest, AClientClosingEndsTheStreamAndLaterWritesFail) {
  serve_stream();
  start();
  auto client = std::make_unique<Client>(port_);
  ASSERT_TRUE(client->send(testing::get("/events")));
  auto stream = slot_.get();
  ASSERT_TRUE(stream);
  ASSERT_TRUE(read_until(*client, "\r\n\r\n"));
  client.reset();
  EXPECT_TRUE(wait_closed());
  EXPECT_FALSE(stream->is_open());
  EXPECT_FALSE(stream->write("data: nobody\n\n"));
  EXPECT_EQ(observer_.in_flight.load(), 0);
}

TEST_F(StreamTest, AClientThatStopsReadingIsDroppedAtTheCapInsteadOfBuffered) {
  serve_stream(256 * 1024);
  start();
  Client client(port_);
  ASSERT_TRUE(client.send(testing::get("/events")));
  auto stream = slot_.get();
  ASSERT_TRUE(stream);
  // The client reads nothing: the socket buffers fill up, then the cap is reached.
  std::string piece(16 * 1024, 'x');
  size_t accepted = 0;
  auto until = std::chrono::steady_clock::now() + 10s;
  while (stream->write(piece) && std::chrono::steady_clock::now() < until) {
    accepted += piece.size();
    if (accepted % (1 << 20) == 0) std::this_thread::sleep_for(10ms);
  }
  EXPECT_FALSE(stream->is_open());
  EXPECT_LT(accepted, 64u << 20) << "the server must not buffer without bound";
  EXPECT_TRUE(wait_closed());
  EXPECT_TRUE(client.closed_within(5s));
}

TEST_F(StreamTest, ShutdownEndsOpenStreamsWithTheLastChunk) {
  serve_stream();
  start();
  Client client(port_);
  ASSERT_TRUE(client.send(testing::get("/events")));
  auto stream = slot_.get();
  ASSERT_TRUE(stream);
  ASSERT_TRUE(stream->write("data: before\n\n"));
  ASSERT_TRUE(read_until(client, "data: before\n\n"));
  auto started = std::chrono::steady_clock::now();
  server_->shutdown(std::chrono::milliseconds(3000));
  EXPECT_LT(std::chrono::steady_clock::now() - started, 2s) << "streams must not hold shutdown";
  EXPECT_TRUE(wait_closed());
  EXPECT_TRUE(read_until(client, "0\r\n\r\n"));
  EXPECT_FALSE(stream->write("data: after\n\n"));
}

TEST_F(StreamTest, AStreamOpenedAfterShutdownBeganEndsAtOnce) {
  router_.add(Method::kGet, "/late", [this](Request&, Responder r) {
    std::thread([this, r = std::move(r)]() mutable {
      std::this_thread::sleep_for(300ms);
      auto stream = r.stream(event_stream_head());
      stream->on_close([this] { closed_ = true; });
      stream->write("data: late\n\n");
    }).detach();
  });
  start();
  Client client(port_);
  ASSERT_TRUE(client.send(testing::get("/late")));
  std::this_thread::sleep_for(50ms);
  auto started = std::chrono::steady_clock::now();
  server_->shutdown(std::chrono::milliseconds(5000));
  EXPECT_LT(std::chrono::steady_clock::now() - started, 3s);
  EXPECT_TRUE(wait_closed());
  EXPECT_TRUE(read_until(client, "0\r\n\r\n"));
}

TEST_F(StreamTest, ManyWritersWhileClientsComeAndGoEndEveryStreamOnce) {
  constexpr int kClients = 12;
  // Clients connect to two I/O threads, so their requests may arrive in any order: each
  // names its slot, and streams[i] is the stream of clients[i].
  std::mutex mu;
  std::vector<std::shared_ptr<ResponseStream>> streams(kClients);
  int opened = 0;
  std::atomic<int> ended{0};
  router_.add(Method::kGet, "/events/{slot}", [&](Request& request, Responder r) {
    auto stream = r.stream(event_stream_head(), 64 * 1024);
    stream->on_close([&ended] { ++ended; });
    std::lock_guard lock(mu);
    streams.at(std::stoul(std::string(*request.path_param("slot")))) = std::move(stream);
    ++opened;
  });
  start();
  std::vector<std::unique_ptr<Client>> clients;
  for (int i = 0; i < kClients; ++i) {
    clients.push_back(std::make_unique<Client>(port_));
    ASSERT_TRUE(clients.back()->send(testing::get("/events/" + std::to_string(i))));
  }
  auto until = std::chrono::steady_clock::now() + 5s;
  while (std::chrono::steady_clock::now() < until) {
    std::lock_guard lock(mu);
    if (opened == kClients) break;
  }
  {
    std::lock_guard lock(mu);
    ASSERT_EQ(opened, kClients);
  }
  std::atomic<bool> stop{false};
  std::vector<std::thread> writers;
  for (int w = 0; w < 4; ++w) {
    writers.emplace_back([&, w] {
      std::string line = "data: writer " + std::to_string(w) + "\n\n";
      while (!stop) {
        for (auto& s : streams) s->write(line);
      }
    });
  }
  // Half the clients leave while the writers write; the rest are ended by their handler.
  for (int i = 0; i < kClients; i += 2) {
    std::this_thread::sleep_for(10ms);
    clients[i].reset();
  }
  for (int i = 1; i < kClients; i += 2) streams[i]->close();
  std::this_thread::sleep_for(50ms);
  stop = true;
  for (auto& t : writers) t.join();
  auto deadline = std::chrono::steady_clock::now() + 5s;
  while (ended < kClients && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(5ms);
  }
  EXPECT_EQ(ended.load(), kClients);
  for (auto& s : streams) EXPECT_FALSE(s->is_open());
}

TEST_F(StreamTest, AHeadRequestGetsTheHeadOnly) {
  serve_stream();
  start();
  Client client(port_);
  ASSERT_TRUE(client.send("HEAD /events HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto stream = slot_.get();
  ASSERT_TRUE(stream);
  EXPECT_FALSE(stream->write("data: x\n\n"));
  ASSERT_TRUE(read_until(client, "\r\n\r\n"));
  EXPECT_TRUE(client.closed_within(2s));
  EXPECT_EQ(client.buffered().find("data: x"), std::string::npos);
}

TEST_F(StreamTest, AnHttp10ClientGetsTheRawBodyEndedByTheClose) {
  serve_stream();
  start();
  Client client(port_);
  ASSERT_TRUE(client.send("GET /events HTTP/1.0\r\n\r\n"));
  auto stream = slot_.get();
  ASSERT_TRUE(stream);
  stream->write("data: old\n\n");
  stream->close();
  EXPECT_TRUE(client.closed_within(3s));
  const std::string& bytes = client.buffered();
  EXPECT_EQ(bytes.find("Transfer-Encoding"), std::string::npos);
  EXPECT_NE(bytes.find("\r\n\r\ndata: old\n\n"), std::string::npos);
}

}  // namespace
}  // namespace sapi::http
