#include "http/server.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "base/result.h"
#include "http/exchange.h"
#include "http/listener.h"
#include "http/request_reader.h"
#include "http/stream.h"

namespace sapi::http {
namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using SteadyClock = std::chrono::steady_clock;
using SteadyTime = SteadyClock::time_point;
using boost::system::error_code;

namespace {

constexpr SteadyTime kNever = SteadyTime::max();
// How long a closing connection keeps reading (and discarding) after its last response, so
// that unread request bytes do not turn the close into a reset that destroys that response.
constexpr std::chrono::milliseconds kLingerTime{500};
// Input room beyond the header limit, so that an oversized header is always noticed.
constexpr size_t kInputSlack = 4096;
// Pipelined answers are written out once this much is waiting.
constexpr size_t kOutputFlushBytes = 64 * 1024;

class Worker;

class Connection;

// An answer given outside its connection's handler, waiting for the connection's thread.
struct PostedAnswer {
  std::shared_ptr<Connection> connection;
  std::uint64_t token;
  Response response;
};

// Lets Responders on other threads post answers to a worker's loop only while it exists.
// Answers wait in `answers` and one posted task takes all of them, so that a store commit
// answering hundreds of requests at once wakes the loop once instead of once per answer.
struct Gate {
  std::mutex mu;
  bool open = true;
  asio::io_context* io = nullptr;
  std::vector<PostedAnswer> answers;  // guarded by mu
};

void take_posted_answers(Gate& gate);

thread_local Worker* t_worker = nullptr;

struct Shared {
  ServerOptions options;
  Router router;
  Observer* observer;
  Exchange exchange;
  std::atomic<size_t> open_connections{0};
  std::atomic<bool> stopping{false};

  Shared(ServerOptions o, Router r, Observer* obs)
      : options(std::move(o)), router(std::move(r)), observer(obs), exchange(options, router) {}
};

class Connection : public ResponseSink, public std::enable_shared_from_this<Connection> {
 public:
  Connection(Worker& worker, tcp::socket socket, std::string remote_ip);
  ~Connection() override = default;

  void start() { resume(); }
  void deliver(std::uint64_t token, Response response) override;
  std::shared_ptr<ResponseStream> open_stream(std::uint64_t token, Response head,
                                              size_t max_unsent_bytes) override;
  void close();
  void check_deadlines(SteadyTime now);
  void begin_drain();

  friend void take_posted_answers(Gate& gate);

  Connection* prev = nullptr;  // the worker's list of open connections
  Connection* next = nullptr;

 private:
  enum class Phase { kIdle, kHeader, kBody, kHandling, kStreaming, kLingering, kClosed };

  void resume();
  void process_buffered();
  void dispatch();
  void answer(std::uint64_t token, Response& response);
  void answer_parse_error();
  void finish(const Response& response, bool streamed = false);
  void start_stream(std::uint64_t token, Response& head, std::shared_ptr<StreamChannel> channel);
  void pump_stream();
  void read_while_streaming();
  void end_stream();
  void start_read();
  void on_read(const error_code& ec, size_t n);
  void start_write();
  void on_write(const error_code& ec);
  void linger();

  Worker& worker_;
  Shared& shared_;
  std::shared_ptr<Gate> gate_;
  std::optional<tcp::socket> socket_;
  std::string remote_ip_;

  std::vector<char> in_;
  size_t in_begin_ = 0;
  size_t in_end_ = 0;
  std::string out_;   // responses waiting to be written
  std::string wbuf_;  // the bytes being written
  RequestReader reader_;
  Request request_;
  std::shared_ptr<StreamChannel> stream_;  // while Phase::kStreaming

  Phase phase_ = Phase::kIdle;
  SteadyTime read_deadline_ = kNever;
  SteadyTime write_deadline_ = kNever;
  SteadyTime started_at_;
  std::chrono::system_clock::time_point request_time_;
  std::uint64_t token_ = 0;
  bool awaiting_answer_ = false;
  bool in_dispatch_ = false;
  bool keep_alive_ = true;
  bool close_after_write_ = false;
  bool draining_ = false;
  bool reading_ = false;
  bool writing_ = false;
  bool continue_sent_ = false;
};

class Worker {
 public:
  Worker(Shared& shared) : shared(shared), acceptor(io), timer(io), gate(new Gate) {
    gate->io = &io;
  }

  Status listen(const ListenAddress& address);
  void run();
  void accept();
  void on_accept(tcp::socket socket);
  void reject_busy(tcp::socket& socket);
  void sweep();
  void drain();
  void close_all();
  void add(Connection* c);
  void remove(Connection* c);

  Shared& shared;
  asio::io_context io{1};
  tcp::acceptor acceptor;
  asio::steady_timer timer;
  std::shared_ptr<Gate> gate;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> guard;
  std::thread thread;
  Connection* head = nullptr;
  std::chrono::milliseconds sweep_interval{100};
};

// ---- Connection ------------------------------------------------------------------------------

Connection::Connection(Worker& worker, tcp::socket socket, std::string remote_ip)
    : worker_(worker),
      shared_(worker.shared),
      gate_(worker.gate),
      socket_(std::move(socket)),
      remote_ip_(std::move(remote_ip)),
      in_(shared_.options.max_header_bytes + kInputSlack),
      reader_(shared_.options.max_header_bytes, shared_.options.max_body_bytes) {
  reader_.start(request_);
}

// An answer given while the handler runs is taken at once. Any other answer, even one from
// this same thread (say a long-poll handler of another connection answering this one), is
// posted, so that no connection's work runs nested inside another's handler.
void Connection::deliver(std::uint64_t token, Response response) {
  if (t_worker == &worker_ && in_dispatch_) {
    answer(token, response);
    return;
  }
  auto self = shared_from_this();
  std::lock_guard<std::mutex> lock(gate_->mu);
  if (!gate_->open) return;
  // Only the first waiting answer posts: the task it posts takes the later ones too.
  if (gate_->answers.empty()) {
    asio::post(*gate_->io, [gate = gate_] { take_posted_answers(*gate); });
  }
  gate_->answers.push_back({std::move(self), token, std::move(response)});
}

void take_posted_answers(Gate& gate) {
  // Swapping keeps the capacity of both vectors, so a steady flow of answers allocates
  // nothing here.
  thread_local std::vector<PostedAnswer> batch;
  {
    std::lock_guard<std::mutex> lock(gate.mu);
    batch.swap(gate.answers);
  }
  for (PostedAnswer& a : batch) a.connection->answer(a.token, a.response);
  batch.clear();
}

// Drives the connection after any event: parse and answer what is buffered, then write what is
// waiting, else read more. Reading stops while a request waits for its answer, which keeps
// pipelined answers in order and applies back-pressure.
void Connection::resume() {
  if (phase_ == Phase::kClosed || phase_ == Phase::kLingering) return;
  process_buffered();
  if (phase_ == Phase::kClosed) return;
  if (phase_ == Phase::kStreaming) {
    pump_stream();
    return;
  }
  if (!out_.empty()) {
    start_write();
    return;
  }
  if (writing_ || awaiting_answer_ || reading_) return;
  if (close_after_write_) {
    linger();
    return;
  }
  start_read();
}

void Connection::process_buffered() {
  while (!awaiting_answer_ && !close_after_write_ && out_.size() < kOutputFlushBytes) {
    if (in_begin_ == in_end_) return;
    if (phase_ == Phase::kIdle) {
      phase_ = Phase::kHeader;
      started_at_ = SteadyClock::now();
      request_time_ = std::chrono::system_clock::now();
      read_deadline_ = started_at_ + shared_.options.header_timeout;
    }
    auto outcome = reader_.feed({in_.data() + in_begin_, in_end_ - in_begin_});
    in_begin_ += outcome.consumed;
    if (outcome.state == RequestReader::State::kError) {
      answer_parse_error();
      return;
    }
    if (outcome.state == RequestReader::State::kNeedMore) {
      if (phase_ == Phase::kHeader && reader_.header_done()) {
        phase_ = Phase::kBody;
        read_deadline_ = SteadyClock::now() + shared_.options.body_timeout;
        if (reader_.expects_continue() && !continue_sent_) {
          continue_sent_ = true;
          out_ += "HTTP/1.1 100 Continue\r\n\r\n";
        }
      }
      return;
    }
    dispatch();
  }
}

void Connection::dispatch() {
  phase_ = Phase::kHandling;
  read_deadline_ = kNever;
  keep_alive_ = reader_.keep_alive();
  awaiting_answer_ = true;
  ++token_;
  request_.remote_ip = remote_ip_;
  if (shared_.observer) shared_.observer->on_request_started();
  in_dispatch_ = true;
  try {
    shared_.exchange.handle(request_, Responder(shared_from_this(), token_));
  } catch (...) {
    // The Responder has answered 500 while unwinding.
  }
  in_dispatch_ = false;
  if (!awaiting_answer_ && phase_ != Phase::kStreaming) {
    reader_.start(request_);
    phase_ = Phase::kIdle;
    continue_sent_ = false;
  }
}

void Connection::answer(std::uint64_t token, Response& response) {
  if (phase_ == Phase::kClosed || token != token_ || !awaiting_answer_) return;
  awaiting_answer_ = false;
  finish(response);
  if (shared_.observer) shared_.observer->on_request_finished();
  if (in_dispatch_) return;
  reader_.start(request_);
  phase_ = Phase::kIdle;
  continue_sent_ = false;
  resume();
}

void Connection::answer_parse_error() {
  Exchange::assign_request_id(request_);
  if (request_.raw_path.empty()) {
    std::string_view target = request_.target;
    target = target.substr(0, target.find('?'));
    request_.raw_path.assign(target.data(), target.size());
  }
  keep_alive_ = false;
  finish(json_error(reader_.error_status(), reader_.error_code(), reader_.error_message()));
}

// Serialises the answer to the current request and reports it to the observer.
void Connection::finish(const Response& response, bool streamed) {
  bool close =
      streamed || !keep_alive_ || draining_ || shared_.stopping.load(std::memory_order_relaxed);
  bool head = request_.method == Method::kHead;
  shared_.exchange.serialize(request_, response, head, close, out_,
                             reader_.protocol() == "HTTP/1.0", streamed);
  if (close) close_after_write_ = true;
  if (shared_.observer) {
    AccessRecord record;
    record.request_id = request_.request_id;
    record.remote_ip = remote_ip_;
    record.caller = request_.caller;
    record.user = request_.user;
    record.request_time = request_time_;
    record.method = request_.method_name;
    record.resource_path = request_.raw_path;
    record.route = request_.route;
    record.status = response.status;
    record.protocol = reader_.protocol();
    record.response_length = head ? 0 : response.body.size();
    record.latency = SteadyClock::now() - started_at_;
    try {
      shared_.observer->on_access(record);
    } catch (...) {
      // An observer failure must not take the connection down.
    }
  }
}

void Connection::start_read() {
  if (in_begin_ == in_end_) {
    in_begin_ = in_end_ = 0;
  } else if (in_begin_ > 0) {
    std::copy(in_.begin() + in_begin_, in_.begin() + in_end_, in_.begin());
    in_end_ -= in_begin_;
    in_begin_ = 0;
  }
  if (in_end_ == in_.size()) {  // cannot happen: the parser rejects an oversized header first
    close();
    return;
  }
  if (phase_ == Phase::kIdle && in_end_ == 0) {
    if (draining_) {
      close();
      return;
    }
    read_deadline_ = SteadyClock::now() + shared_.options.idle_timeout;
  }
  reading_ = true;
  socket_->async_read_some(
      asio::buffer(in_.data() + in_end_, in_.size() - in_end_),
      [self = shared_from_this()](const error_code& ec, size_t n) { self->on_read(ec, n); });
}

void Connection::on_read(const error_code& ec, size_t n) {
  reading_ = false;
  if (phase_ == Phase::kClosed) return;
  if (ec) {
    close();
    return;
  }
  in_end_ += n;
  resume();
}

void Connection::start_write() {
  if (writing_ || phase_ == Phase::kClosed) return;
  writing_ = true;
  wbuf_.swap(out_);
  out_.clear();
  if (stream_) stream_->set_backlog(wbuf_.size());
  write_deadline_ = SteadyClock::now() + shared_.options.write_timeout;
  asio::async_write(
      *socket_, asio::buffer(wbuf_),
      [self = shared_from_this()](const error_code& ec, size_t) { self->on_write(ec); });
}

void Connection::on_write(const error_code& ec) {
  writing_ = false;
  write_deadline_ = kNever;
  if (phase_ == Phase::kClosed) return;
  if (ec) {
    close();
    return;
  }
  wbuf_.clear();
  if (stream_) stream_->set_backlog(out_.size());
  resume();
}

// ---- Streamed responses ---------------------------------------------------------------------
//
// The head goes out like any answer (with `Connection: close`); then the connection takes what
// writers queue on the channel whenever the channel wakes it, and keeps reading only to notice
// the client going away (anything it sends meanwhile is discarded). When the handler closes
// the stream the connection lingers and closes; a client too far behind is dropped at once.

std::shared_ptr<ResponseStream> Connection::open_stream(std::uint64_t token, Response head,
                                                        size_t max_unsent_bytes) {
  // The request stays untouched until it is answered, so its protocol may be read here.
  bool chunked = reader_.protocol() != "HTTP/1.0";
  std::weak_ptr<Connection> weak = weak_from_this();
  auto channel = std::make_shared<StreamChannel>(chunked, max_unsent_bytes, [weak, gate = gate_] {
    std::lock_guard<std::mutex> lock(gate->mu);
    if (!gate->open) return;
    asio::post(*gate->io, [weak] {
      if (auto self = weak.lock()) self->pump_stream();
    });
  });
  if (t_worker == &worker_ && in_dispatch_) {
    start_stream(token, head, channel);
    return channel;
  }
  bool posted = false;
  {
    std::lock_guard<std::mutex> lock(gate_->mu);
    if (gate_->open) {
      asio::post(*gate_->io, [self = shared_from_this(), token, h = std::move(head),
                              channel]() mutable { self->start_stream(token, h, channel); });
      posted = true;
    }
  }
  if (!posted) channel->end();
  return channel;
}

void Connection::start_stream(std::uint64_t token, Response& head,
                              std::shared_ptr<StreamChannel> channel) {
  if (phase_ == Phase::kClosed || token != token_ || !awaiting_answer_) {
    channel->end();
    return;
  }
  awaiting_answer_ = false;
  head.body.clear();
  finish(head, true);
  if (request_.method == Method::kHead) {
    channel->end();
    if (shared_.observer) shared_.observer->on_request_finished();
  } else {
    phase_ = Phase::kStreaming;
    stream_ = std::move(channel);
    if (draining_) stream_->close();  // opened after shutdown began
  }
  if (!in_dispatch_) resume();
}

void Connection::pump_stream() {
  if (phase_ != Phase::kStreaming || !stream_) return;
  StreamChannel::State state = stream_->take(out_);
  if (state == StreamChannel::State::kDropped) {
    close();
    return;
  }
  stream_->set_backlog(out_.size() + wbuf_.size());
  if (!out_.empty()) start_write();
  if (state == StreamChannel::State::kFinished && !writing_) {
    end_stream();
    if (reading_) {
      error_code ignored;
      socket_->shutdown(tcp::socket::shutdown_send, ignored);
      phase_ = Phase::kLingering;
      read_deadline_ = SteadyClock::now() + kLingerTime;
    } else {
      linger();
    }
    return;
  }
  if (!reading_) read_while_streaming();
}

void Connection::read_while_streaming() {
  reading_ = true;
  socket_->async_read_some(asio::buffer(in_.data(), in_.size()),
                           [self = shared_from_this()](const error_code& ec, size_t) {
                             self->reading_ = false;
                             if (self->phase_ == Phase::kClosed) return;
                             if (ec) {
                               self->close();
                             } else {
                               self->read_while_streaming();
                             }
                           });
}

void Connection::end_stream() {
  std::shared_ptr<StreamChannel> stream = std::move(stream_);
  stream_.reset();
  stream->end();
  if (shared_.observer) shared_.observer->on_request_finished();
}

// Half-closes and discards input until the client closes too (or a short time passes).
void Connection::linger() {
  error_code ignored;
  socket_->shutdown(tcp::socket::shutdown_send, ignored);
  phase_ = Phase::kLingering;
  read_deadline_ = SteadyClock::now() + kLingerTime;
  reading_ = true;
  socket_->async_read_some(asio::buffer(in_.data(), in_.size()),
                           [self = shared_from_this()](const error_code& ec, size_t) {
                             self->reading_ = false;
                             if (self->phase_ == Phase::kClosed) return;
                             if (ec) {
                               self->close();
                             } else {
                               self->phase_ = Phase::kLingering;
                               self->linger();
                             }
                           });
}

void Connection::close() {
  if (phase_ == Phase::kClosed) return;
  phase_ = Phase::kClosed;
  if (stream_) end_stream();
  if (awaiting_answer_ && shared_.observer) shared_.observer->on_request_finished();
  awaiting_answer_ = false;
  error_code ignored;
  socket_->close(ignored);
  socket_.reset();
  worker_.remove(this);
  shared_.open_connections.fetch_sub(1, std::memory_order_relaxed);
  if (shared_.observer) shared_.observer->on_connection_closed();
}

void Connection::check_deadlines(SteadyTime now) {
  if (now >= read_deadline_ || now >= write_deadline_) close();
}

void Connection::begin_drain() {
  draining_ = true;
  if (stream_) stream_->close();
  bool idle = phase_ == Phase::kIdle && in_begin_ == in_end_ && !writing_ && out_.empty();
  if (idle) close();
}

// ---- Worker ----------------------------------------------------------------------------------

Status Worker::listen(const ListenAddress& address) {
  auto listener = open_listener(address);
  if (!listener.ok()) return listener.status();
  error_code ec;
  acceptor.assign(listener->ipv6 ? tcp::v6() : tcp::v4(), listener->fd, ec);
  if (ec) {
    ::close(listener->fd);
    return internal_error("cannot adopt the listening socket: " + ec.message());
  }
  return {};
}

void Worker::run() {
  t_worker = this;
  for (;;) {
    try {
      io.run();
      break;
    } catch (...) {
      // A handler threw: keep serving the other connections.
    }
  }
  t_worker = nullptr;
}

void Worker::accept() {
  acceptor.async_accept([this](const error_code& ec, tcp::socket socket) {
    if (!acceptor.is_open()) return;
    if (ec) {
      // Out of descriptors or a transient error: back off instead of spinning.
      auto backoff = std::make_shared<asio::steady_timer>(io, std::chrono::milliseconds(50));
      backoff->async_wait([this, backoff](const error_code&) {
        if (acceptor.is_open()) accept();
      });
      return;
    }
    on_accept(std::move(socket));
    accept();
  });
}

// Above max_connections a new connection is answered 503 UNAVAILABLE with `Connection: close`
// and `Retry-After: 1` and closed at once, so a flood of connections costs one accept and one
// write each and the clients see why; the connections already open are not disturbed.
void Worker::on_accept(tcp::socket socket) {
  size_t open = shared.open_connections.fetch_add(1, std::memory_order_relaxed) + 1;
  if (open > shared.options.max_connections || shared.stopping.load()) {
    shared.open_connections.fetch_sub(1, std::memory_order_relaxed);
    reject_busy(socket);
    return;
  }
  error_code ec;
  socket.set_option(tcp::no_delay(true), ec);
  auto remote = socket.remote_endpoint(ec);
  if (ec) {
    shared.open_connections.fetch_sub(1, std::memory_order_relaxed);
    return;
  }
  auto connection =
      std::make_shared<Connection>(*this, std::move(socket), remote.address().to_string());
  add(connection.get());
  if (shared.observer) shared.observer->on_connection_opened();
  connection->start();
}

void Worker::reject_busy(tcp::socket& socket) {
  Request request;
  Exchange::assign_request_id(request);
  std::string bytes;
  Response busy = json_error(503, "UNAVAILABLE", "too many open connections");
  ask_to_retry_soon(busy);  // connections free up as clients finish
  shared.exchange.serialize(request, busy, false, true, bytes);
  error_code ec;
  socket.non_blocking(true, ec);
  char discard[4096];
  socket.receive(asio::buffer(discard), 0, ec);  // what already arrived, so close sends FIN
  socket.send(asio::buffer(bytes), 0, ec);
  socket.shutdown(tcp::socket::shutdown_both, ec);
  socket.close(ec);
}

void Worker::sweep() {
  timer.expires_after(sweep_interval);
  timer.async_wait([this](const error_code& ec) {
    if (ec) return;
    SteadyTime now = SteadyClock::now();
    for (Connection* c = head; c != nullptr;) {
      Connection* next = c->next;
      c->check_deadlines(now);
      c = next;
    }
    sweep();
  });
}

void Worker::drain() {
  error_code ignored;
  acceptor.close(ignored);
  for (Connection* c = head; c != nullptr;) {
    Connection* next = c->next;
    c->begin_drain();
    c = next;
  }
}

void Worker::close_all() {
  while (head != nullptr) head->close();
}

void Worker::add(Connection* c) {
  c->next = head;
  if (head) head->prev = c;
  head = c;
}

void Worker::remove(Connection* c) {
  if (c->prev) c->prev->next = c->next;
  if (c->next) c->next->prev = c->prev;
  if (head == c) head = c->next;
  c->prev = c->next = nullptr;
}

// ---- Server ----------------------------------------------------------------------------------

class ServerImpl : public Server {
 public:
  ServerImpl(ServerOptions options, Router router, Observer* observer)
      : shared_(std::move(options), std::move(router), observer) {}

  ~ServerImpl() override {
    if (started_) shutdown(std::chrono::milliseconds(0));
  }

  Status start() override;
  std::uint16_t port() const override { return port_; }
  void shutdown(std::chrono::milliseconds deadline) override;
  void shutdown() override { shutdown(shared_.options.shutdown_deadline); }
  void wait() override;

 private:
  Shared shared_;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::uint16_t port_ = 0;
  bool started_ = false;
  std::mutex mu_;
  std::condition_variable stopped_cv_;
  bool stopped_ = false;
};

Status ServerImpl::start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (started_) return failed_precondition("the server was already started");
  auto where = reserve_address({shared_.options.host, shared_.options.port});
  if (!where.ok()) return where.status();
  int threads = shared_.options.threads > 0
                    ? shared_.options.threads
                    : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  const auto& o = shared_.options;
  auto shortest = std::min({o.header_timeout, o.body_timeout, o.idle_timeout, o.write_timeout});
  auto interval =
      std::clamp(shortest / 4, std::chrono::milliseconds(5), std::chrono::milliseconds(1000));
  std::vector<std::unique_ptr<Worker>> workers;
  for (int i = 0; i < threads; ++i) {
    auto worker = std::make_unique<Worker>(shared_);
    worker->sweep_interval = interval;
    SAPI_RETURN_IF_ERROR(worker->listen(*where));
    workers.push_back(std::move(worker));
  }
  port_ = where->port;
  workers_ = std::move(workers);
  for (auto& w : workers_) {
    Worker* worker = w.get();
    worker->guard.emplace(worker->io.get_executor());
    worker->accept();
    worker->sweep();
    worker->thread = std::thread([worker] { worker->run(); });
  }
  started_ = true;
  return {};
}

void ServerImpl::shutdown(std::chrono::milliseconds deadline) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!started_ || stopped_) return;
  shared_.stopping = true;
  for (auto& w : workers_) {
    Worker* worker = w.get();
    asio::post(worker->io, [worker] { worker->drain(); });
  }
  SteadyTime until = SteadyClock::now() + deadline;
  while (shared_.open_connections.load() > 0 && SteadyClock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  for (auto& w : workers_) {
    Worker* worker = w.get();
    asio::post(worker->io, [worker] {
      worker->close_all();
      worker->timer.cancel();
      worker->io.stop();
    });
  }
  for (auto& w : workers_) {
    if (w->thread.joinable()) w->thread.join();
    std::vector<PostedAnswer> unanswered;  // their connections are closed by now
    std::lock_guard<std::mutex> gate_lock(w->gate->mu);
    w->gate->open = false;
    unanswered.swap(w->gate->answers);
  }
  stopped_ = true;
  stopped_cv_.notify_all();
}

void ServerImpl::wait() {
  std::unique_lock<std::mutex> lock(mu_);
  stopped_cv_.wait(lock, [this] { return stopped_ || !started_; });
}

}  // namespace

std::unique_ptr<Server> make_server(ServerOptions options, Router router, Observer* observer) {
  return std::make_unique<ServerImpl>(std::move(options), std::move(router), observer);
}

}  // namespace sapi::http
