// SigV4-signed POST /session-summary load against a running session-api, as many game servers
// would send it: N keep-alive connections to 127.0.0.1:PORT, each one with DEPTH requests in
// flight (1 by default: a game server sends its summary and waits for the answer). Every request
// is a distinct player and session with 2 rewards, signed like the game server signs it
// (content-type, host and x-amz-date, payload hash of the body). One thread, one epoll loop,
// plain sockets. Prints summaries/s, p50 and p99 of the time from writing a request to reading
// its whole answer, and how many answers were not 200 (the count that must stay 0).

#include <arpa/inet.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <boost/json.hpp>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <deque>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "auth/sigv4_signer.h"
#include "base/clock.h"

namespace {

using SteadyClock = std::chrono::steady_clock;

struct Options {
  int port = 0;
  std::string credentials_file;
  std::string base_path;
  int connections = 512;
  int depth = 1;
  double seconds = 5;
  double warmup = 1;
};

struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string region;
};

bool load_credentials(const std::string& path, Credentials& out) {
  std::ifstream in(path);
  if (!in) return false;
  std::stringstream text;
  text << in.rdbuf();
  boost::system::error_code ec;
  auto value = boost::json::parse(text.str(), ec);
  if (ec || !value.is_object()) return false;
  const auto& o = value.as_object();
  auto get = [&o](const char* key, std::string& field) {
    const auto* v = o.if_contains(key);
    if (v == nullptr || !v->is_string()) return false;
    field = std::string(v->as_string());
    return true;
  };
  return get("accessKeyId", out.access_key_id) && get("secretAccessKey", out.secret_access_key) &&
         get("region", out.region);
}

struct Connection {
  int fd = -1;
  std::string out;
  size_t out_pos = 0;
  std::string in;
  std::deque<SteadyClock::time_point> sent;  // one per request awaiting its answer
  bool writing = false;                      // EPOLLOUT registered
};

// Builds signed requests, each a new player and session.
class RequestFactory {
 public:
  RequestFactory(const Credentials& credentials, std::string host, std::string path)
      : host_(std::move(host)), path_(std::move(path)) {
    params_.access_key_id = credentials.access_key_id;
    params_.secret_access_key = credentials.secret_access_key;
    params_.region = credentials.region;
    auto now = SteadyClock::now().time_since_epoch().count();
    tag_ = static_cast<uint64_t>(now) ^ (static_cast<uint64_t>(getpid()) << 32);
  }

  void append_next(std::string& out) {
    uint64_t n = next_++;
    auto now = sapi::Clock::system().now();
    std::string body =
        fmt::format(R"({{"playerId":"bench-{:x}-{}","sessionId":"{:016x}{:016x}",)"
                    R"("rewards":["first_objective_complete","session_complete"],"endTime":"{}"}})",
                    tag_, n, tag_, n, sapi::format_iso8601(now));
    sapi::auth::sigv4::OutgoingRequest request;
    request.method = "POST";
    request.raw_path = path_;
    request.headers = {{"host", host_}, {"content-type", "application/json"}};
    request.body = std::move(body);
    params_.time = sapi::epoch_seconds(now);
    sapi::auth::sigv4::sign_request(request, params_);
    out += "POST " + path_ + " HTTP/1.1\r\n";
    for (const auto& [name, value] : request.headers) out += name + ": " + value + "\r\n";
    out += fmt::format("content-length: {}\r\n\r\n", request.body.size());
    out += request.body;
  }

 private:
  sapi::auth::sigv4::SigningParams params_;
  std::string host_;
  std::string path_;
  uint64_t tag_ = 0;
  uint64_t next_ = 0;
};

// One complete answer at the front of `in`, or false when more bytes are needed. Sets `status`
// (-1 when the answer cannot be framed: no content-length) and removes it from `in`.
bool take_response(std::string& in, int& status, std::string& body) {
  size_t end = in.find("\r\n\r\n");
  if (end == std::string::npos) return false;
  status = -1;
  if (in.size() >= 12 && in.compare(0, 5, "HTTP/") == 0) status = std::atoi(in.c_str() + 9);
  size_t length = std::string::npos;
  std::string head = in.substr(0, end);
  std::transform(head.begin(), head.end(), head.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (size_t at = head.find("\r\ncontent-length:"); at != std::string::npos) {
    length = std::strtoul(head.c_str() + at + 17, nullptr, 10);
  }
  if (length == std::string::npos) {
    status = -1;
    in.clear();
    return true;
  }
  if (in.size() < end + 4 + length) return false;
  body = in.substr(end + 4, length);
  in.erase(0, end + 4 + length);
  return true;
}

int connect_to(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return -1;
  }
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  return fd;
}

class Load {
 public:
  Load(const Options& options, RequestFactory& factory) : options_(options), factory_(factory) {}

  int run() {
    epoll_ = epoll_create1(0);
    connections_.resize(options_.connections);
    for (size_t i = 0; i < connections_.size(); ++i) {
      auto& c = connections_[i];
      c.fd = connect_to(options_.port);
      if (c.fd < 0) {
        std::cerr << "cannot connect to 127.0.0.1:" << options_.port << ": " << std::strerror(errno)
                  << "\n";
        return 1;
      }
      epoll_event ev{};
      ev.events = EPOLLIN;
      ev.data.u64 = i;
      epoll_ctl(epoll_, EPOLL_CTL_ADD, c.fd, &ev);
    }
    start_ = SteadyClock::now();
    measure_from_ = start_ + to_duration(options_.warmup);
    measure_to_ = measure_from_ + to_duration(options_.seconds);
    for (auto& c : connections_) {
      for (int d = 0; d < options_.depth; ++d) submit(c);
      flush(c);
    }
    loop(measure_to_, true);
    // Late answers still count for the non-200 tally; they are not in the throughput.
    loop(SteadyClock::now() + std::chrono::seconds(10), false);
    for (auto& c : connections_) {
      unanswered_ += c.sent.size();
      close(c.fd);
    }
    close(epoll_);
    report();
    return 0;
  }

 private:
  static SteadyClock::duration to_duration(double seconds) {
    return std::chrono::duration_cast<SteadyClock::duration>(
        std::chrono::duration<double>(seconds));
  }

  void submit(Connection& c) {
    factory_.append_next(c.out);
    c.sent.push_back(SteadyClock::now());
  }

  void loop(SteadyClock::time_point until, bool sending) {
    sending_ = sending;
    std::vector<epoll_event> events(256);
    while (SteadyClock::now() < until) {
      if (!sending && outstanding() == 0) return;
      int n = epoll_wait(epoll_, events.data(), static_cast<int>(events.size()), 5);
      for (int i = 0; i < n; ++i) {
        auto& c = connections_[events[i].data.u64];
        if (c.fd < 0) continue;
        if (events[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP)) read(c);
        if (c.fd >= 0 && (events[i].events & EPOLLOUT)) flush(c);
      }
    }
  }

  size_t outstanding() const {
    size_t n = 0;
    for (const auto& c : connections_) n += c.fd >= 0 ? c.sent.size() : 0;
    return n;
  }

  void read(Connection& c) {
    char buffer[16384];
    for (;;) {
      ssize_t got = recv(c.fd, buffer, sizeof buffer, 0);
      if (got > 0) {
        c.in.append(buffer, static_cast<size_t>(got));
        continue;
      }
      if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
      if (got < 0 && errno == EINTR) continue;
      drop(c);  // closed by the server or failed: its requests will never be answered
      return;
    }
    int status = 0;
    std::string body;
    bool submitted = false;
    while (!c.sent.empty() && take_response(c.in, status, body)) {
      auto now = SteadyClock::now();
      auto sent = c.sent.front();
      c.sent.pop_front();
      if (status == 200) {
        ++answered_ok_;
        if (now >= measure_from_ && now <= measure_to_) {
          latencies_us_.push_back(static_cast<uint32_t>(
              std::chrono::duration_cast<std::chrono::microseconds>(now - sent).count()));
        }
      } else {
        ++non_200_[status];
        if (first_failure_.empty()) first_failure_ = fmt::format("{} {}", status, body);
      }
      if (status < 0) {
        drop(c);
        return;
      }
      if (sending_ && now < measure_to_) {
        submit(c);
        submitted = true;
      }
    }
    if (submitted) flush(c);
  }

  void flush(Connection& c) {
    while (c.out_pos < c.out.size()) {
      ssize_t put = send(c.fd, c.out.data() + c.out_pos, c.out.size() - c.out_pos, MSG_NOSIGNAL);
      if (put > 0) {
        c.out_pos += static_cast<size_t>(put);
        continue;
      }
      if (put < 0 && errno == EINTR) continue;
      if (put < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
      drop(c);
      return;
    }
    bool pending = c.out_pos < c.out.size();
    if (!pending) {
      c.out.clear();
      c.out_pos = 0;
    }
    if (pending != c.writing) {
      c.writing = pending;
      epoll_event ev{};
      ev.events = EPOLLIN | (pending ? EPOLLOUT : 0u);
      ev.data.u64 = static_cast<uint64_t>(&c - connections_.data());
      epoll_ctl(epoll_, EPOLL_CTL_MOD, c.fd, &ev);
    }
  }

  void drop(Connection& c) {
    ++dropped_connections_;
    unanswered_ += c.sent.size();
    c.sent.clear();
    epoll_ctl(epoll_, EPOLL_CTL_DEL, c.fd, nullptr);
    close(c.fd);
    c.fd = -1;
  }

  void report() {
    std::sort(latencies_us_.begin(), latencies_us_.end());
    auto pct = [this](double p) {
      if (latencies_us_.empty()) return 0.0;
      size_t i = static_cast<size_t>(p * static_cast<double>(latencies_us_.size() - 1));
      return latencies_us_[i] / 1000.0;
    };
    double rate = static_cast<double>(latencies_us_.size()) / options_.seconds;
    uint64_t failures = unanswered_;
    for (const auto& [status, count] : non_200_) failures += count;
    fmt::print("{} connections x {} in flight, {} s measured after {} s warm-up\n",
               options_.connections, options_.depth, options_.seconds, options_.warmup);
    for (const auto& [status, count] : non_200_) fmt::print("  status {}: {}\n", status, count);
    if (unanswered_ > 0) fmt::print("  unanswered: {}\n", unanswered_);
    if (dropped_connections_ > 0) fmt::print("  connections lost: {}\n", dropped_connections_);
    if (!first_failure_.empty()) fmt::print("  first failure: {}\n", first_failure_);
    // The generator's own CPU per request tells whether it, not the server, was the limit.
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    double cpu_us = (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1e6 + usage.ru_utime.tv_usec +
                    usage.ru_stime.tv_usec;
    double load_cpu_us = answered_ok_ > 0 ? cpu_us / static_cast<double>(answered_ok_) : 0;
    // One line for scripts; answered_200 counts the warm-up and late answers too.
    fmt::print(
        "summaries_per_s={:.0f} p50_ms={:.2f} p99_ms={:.2f} non_200={} answered_200={} "
        "load_cpu_us_per_request={:.1f}\n",
        rate, pct(0.50), pct(0.99), failures, answered_ok_, load_cpu_us);
  }

  const Options& options_;
  RequestFactory& factory_;
  int epoll_ = -1;
  std::vector<Connection> connections_;
  SteadyClock::time_point start_, measure_from_, measure_to_;
  bool sending_ = true;
  std::vector<uint32_t> latencies_us_;
  std::map<int, uint64_t> non_200_;
  std::string first_failure_;
  uint64_t unanswered_ = 0;
  uint64_t answered_ok_ = 0;
  uint64_t dropped_connections_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  Options options;
  CLI::App app{"SigV4-signed POST /session-summary load over keep-alive connections"};
  app.add_option("--port", options.port, "Port of session-api on 127.0.0.1")->required();
  app.add_option("--credentials", options.credentials_file,
                 "JSON printed by `session-api credentials create`")
      ->required();
  app.add_option("--base-path", options.base_path, "The server's base path, e.g. /dev");
  app.add_option("--connections", options.connections, "Keep-alive connections")
      ->check(CLI::Range(1, 60000));
  app.add_option("--depth", options.depth, "Requests in flight per connection")
      ->check(CLI::Range(1, 1000));
  app.add_option("--seconds", options.seconds, "Measured duration")->check(CLI::Range(0.1, 600.0));
  app.add_option("--warmup", options.warmup, "Unmeasured load before")
      ->check(CLI::Range(0.0, 60.0));
  CLI11_PARSE(app, argc, argv);

  Credentials credentials;
  if (!load_credentials(options.credentials_file, credentials)) {
    std::cerr << "cannot read accessKeyId, secretAccessKey and region from "
              << options.credentials_file << "\n";
    return 2;
  }
  RequestFactory factory(credentials, fmt::format("127.0.0.1:{}", options.port),
                         options.base_path + "/session-summary");
  Load load(options, factory);
  return load.run();
}
