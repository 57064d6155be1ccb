#pragma once

// Listening sockets for the I/O threads, handed over as plain descriptors: one per thread on
// the same address, shared through SO_REUSEPORT so the kernel spreads connections over them.

#include <cstdint>
#include <string>

#include "base/result.h"

namespace sapi::http {

struct ListenAddress {
  std::string host;  // an IP address ("127.0.0.1", "::1", "[::1]") or "localhost"
  std::uint16_t port = 0;
};

// Checks that the address is valid and free by binding it once without SO_REUSEPORT, which
// alone would let a second process of the same user share the port silently. Returns the
// address with the port the system picked when `port` was 0.
Result<ListenAddress> reserve_address(const ListenAddress& address);

struct Listener {
  int fd = -1;  // owned by the caller
  bool ipv6 = false;
};

// A listening socket with SO_REUSEADDR and SO_REUSEPORT on the address.
Result<Listener> open_listener(const ListenAddress& address);

}  // namespace sapi::http
