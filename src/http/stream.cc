#include "http/stream.h"

#include <cstdio>
#include <utility>

namespace sapi::http {
namespace {

constexpr std::string_view kLastChunk = "0\r\n\r\n";

void append_chunk(std::string& out, std::string_view data) {
  char size[20];
  int n = std::snprintf(size, sizeof size, "%zx\r\n", data.size());
  out.append(size, static_cast<size_t>(n));
  out.append(data);
  out += "\r\n";
}

}  // namespace

std::shared_ptr<ResponseStream> ResponseSink::open_stream(std::uint64_t token, Response head,
                                                          std::size_t max_unsent_bytes) {
  (void)max_unsent_bytes;
  head.body.clear();
  deliver(token, std::move(head));
  return StreamChannel::ended_channel();
}

std::shared_ptr<ResponseStream> Responder::stream(Response head, std::size_t max_unsent_bytes) {
  std::shared_ptr<ResponseSink> sink = std::move(sink_);
  sink_.reset();
  if (!sink) return StreamChannel::ended_channel();
  try {
    return sink->open_stream(token_, std::move(head), max_unsent_bytes);
  } catch (...) {
    return StreamChannel::ended_channel();
  }
}

StreamChannel::StreamChannel(bool chunked, std::size_t max_unsent_bytes, std::function<void()> wake)
    : chunked_(chunked), max_unsent_(max_unsent_bytes), wake_(std::move(wake)) {}

std::shared_ptr<StreamChannel> StreamChannel::ended_channel() {
  auto channel = std::make_shared<StreamChannel>(false, 0, nullptr);
  channel->end();
  return channel;
}

bool StreamChannel::write(std::string_view data) {
  if (data.empty()) return is_open();
  bool wake = false;
  bool dropped = false;
  {
    std::lock_guard lock(mu_);
    if (ended_ || closing_ || dropped_) return false;
    size_t framed = data.size() + (chunked_ ? 20 : 0);
    if (pending_.size() + backlog_.load(std::memory_order_relaxed) + framed > max_unsent_) {
      dropped_ = true;
      pending_.clear();
    } else if (chunked_) {
      append_chunk(pending_, data);
    } else {
      pending_.append(data);
    }
    wake = !wake_scheduled_;
    wake_scheduled_ = true;
    dropped = dropped_;
  }
  if (wake && wake_) wake_();
  return !dropped;
}

void StreamChannel::close() {
  bool wake = false;
  {
    std::lock_guard lock(mu_);
    if (ended_ || closing_ || dropped_) return;
    closing_ = true;
    if (chunked_) pending_ += kLastChunk;
    wake = !wake_scheduled_;
    wake_scheduled_ = true;
  }
  if (wake && wake_) wake_();
}

bool StreamChannel::is_open() const {
  std::lock_guard lock(mu_);
  return !ended_ && !closing_ && !dropped_;
}

void StreamChannel::on_close(std::function<void()> fn) {
  {
    std::lock_guard lock(mu_);
    if (!ended_) {
      on_close_.push_back(std::move(fn));
      return;
    }
  }
  fn();
}

StreamChannel::State StreamChannel::take(std::string& out) {
  std::lock_guard lock(mu_);
  wake_scheduled_ = false;
  if (dropped_) return State::kDropped;
  out += pending_;
  pending_.clear();
  return closing_ ? State::kFinished : State::kOpen;
}

void StreamChannel::end() {
  std::vector<std::function<void()>> callbacks;
  {
    std::lock_guard lock(mu_);
    if (ended_) return;
    ended_ = true;
    pending_.clear();
    callbacks.swap(on_close_);
  }
  for (auto& fn : callbacks) {
    try {
      fn();
    } catch (...) {
      // A callback has nobody to report to; the stream is over either way.
    }
  }
}

}  // namespace sapi::http
