#pragma once

// Test-only: a blocking HTTP/1.1 client over plain sockets, to speak to a real server on
// 127.0.0.1 the way any client would.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace sapi::http::testing {

struct ClientResponse {
  int status = 0;
  std::multimap<std::string, std::string> headers;  // lower-cased names
  std::string body;

  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
  bool has_header(const std::string& name) const { return headers.count(name) > 0; }
};

class Client {
 public:
  explicit Client(std::uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
  ~Client() {
    if (fd_ >= 0) ::close(fd_);
  }
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  bool connected() const { return connected_; }

  bool send(std::string_view data) {
    while (!data.empty()) {
      ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      data.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }

  // Reads one response; nullopt on time-out or when the connection closes first.
  std::optional<ClientResponse> read_response(
      std::chrono::milliseconds timeout = std::chrono::milliseconds(5000)) {
    auto until = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      size_t end = buffer_.find("\r\n\r\n");
      if (end != std::string::npos) {
        ClientResponse r = parse_head(buffer_.substr(0, end));
        size_t length = 0;
        if (r.has_header("content-length") && !head_only_) {
          length = std::stoul(r.header("content-length"));
        }
        if (buffer_.size() >= end + 4 + length) {
          r.body = buffer_.substr(end + 4, length);
          buffer_.erase(0, end + 4 + length);
          if (r.status == 100) continue;
          return r;
        }
      }
      if (!fill(until)) return std::nullopt;
    }
  }

  // Sends a request and reads its response.
  std::optional<ClientResponse> request(std::string_view raw) {
    if (!send(raw)) return std::nullopt;
    return read_response();
  }

  // True when the server closes the connection (EOF or reset) within `timeout`.
  bool closed_within(std::chrono::milliseconds timeout) {
    auto until = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      int wait = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                      until - std::chrono::steady_clock::now())
                                      .count());
      if (wait <= 0) return false;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, wait) <= 0) return false;
      char buf[4096];
      ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) return true;
      buffer_.append(buf, static_cast<size_t>(n));
    }
  }

  // Responses to HEAD have no body in spite of Content-Length.
  void expect_head() { head_only_ = true; }
  const std::string& buffered() const { return buffer_; }

 private:
  bool fill(std::chrono::steady_clock::time_point until) {
    int wait = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                    until - std::chrono::steady_clock::now())
                                    .count());
    if (wait <= 0) return false;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, wait) <= 0) return false;
    char buf[16384];
    ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) return false;
    buffer_.append(buf, static_cast<size_t>(n));
    return true;
  }

  static ClientResponse parse_head(const std::string& head) {
    ClientResponse r;
    size_t line_end = head.find("\r\n");
    std::string status_line = head.substr(0, line_end);
    if (status_line.size() >= 12) r.status = std::stoi(status_line.substr(9, 3));
    size_t pos = line_end == std::string::npos ? head.size() : line_end + 2;
    while (pos < head.size()) {
      size_t next = head.find("\r\n", pos);
      if (next == std::string::npos) next = head.size();
      std::string line = head.substr(pos, next - pos);
      size_t colon = line.find(':');
      if (colon != std::string::npos) {
        std::string name = line.substr(0, colon);
        for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        size_t v = line.find_first_not_of(' ', colon + 1);
        r.headers.emplace(name, v == std::string::npos ? "" : line.substr(v));
      }
      pos = next + 2;
    }
    return r;
  }

  int fd_ = -1;
  bool connected_ = false;
  bool head_only_ = false;
  std::string buffer_;
};

inline std::string get(std::string_view path, std::string_view extra_headers = "") {
  std::string r = "GET ";
  r += path;
  r += " HTTP/1.1\r\nHost: localhost\r\n";
  r += extra_headers;
  r += "\r\n";
  return r;
}

}  // namespace sapi::http::testing
