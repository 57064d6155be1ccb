#include "http/listener.h"

#include <sys/socket.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

namespace sapi::http {
namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using boost::system::error_code;

namespace {

Result<tcp::endpoint> endpoint_of(const ListenAddress& address) {
  std::string host = address.host;
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  error_code ec;
  auto ip = asio::ip::make_address(host == "localhost" ? "127.0.0.1" : host, ec);
  if (ec) return invalid_argument("listen host must be an IP address: '" + host + "'");
  return tcp::endpoint(ip, address.port);
}

Status cannot_listen(const tcp::endpoint& where, const error_code& ec) {
  return unavailable("cannot listen on " + where.address().to_string() + ":" +
                     std::to_string(where.port()) + ": " + ec.message());
}

}  // namespace

Result<ListenAddress> reserve_address(const ListenAddress& address) {
  auto where = endpoint_of(address);
  if (!where.ok()) return where.status();
  asio::io_context io;
  tcp::acceptor probe(io);
  error_code ec;
  probe.open(where->protocol(), ec);
  if (!ec) probe.set_option(tcp::acceptor::reuse_address(true), ec);  // past TIME_WAIT
  if (!ec) probe.bind(*where, ec);
  if (ec) return cannot_listen(*where, ec);
  auto bound = probe.local_endpoint(ec);
  if (ec) return internal_error("cannot read the bound address: " + ec.message());
  return ListenAddress{address.host, bound.port()};
}

Result<Listener> open_listener(const ListenAddress& address) {
  auto where = endpoint_of(address);
  if (!where.ok()) return where.status();
  asio::io_context io;
  tcp::acceptor acceptor(io);
  error_code ec;
  acceptor.open(where->protocol(), ec);
  if (!ec) acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) {
    using reuse_port = asio::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>;
    acceptor.set_option(reuse_port(true), ec);
  }
  if (!ec) acceptor.bind(*where, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return cannot_listen(*where, ec);
  int fd = acceptor.release(ec);
  if (ec) return internal_error("cannot take the listening socket: " + ec.message());
  return Listener{fd, where->address().is_v6()};
}

}  // namespace sapi::http
