#include "obs/line_batcher.h"

#include <cassert>

namespace sapi::obs {

LineBatcher::LineBatcher(Sink sink, size_t max_lines, std::chrono::microseconds interval)
    : sink_(std::move(sink)), max_lines_(max_lines > 1 ? max_lines : 2), interval_(interval) {
  assert(sink_);
  thread_ = std::thread([this] { run(); });
}

LineBatcher::~LineBatcher() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

void LineBatcher::push(std::string_view line) {
  std::unique_lock lock(mutex_);
  room_.wait(lock, [&] { return pending_lines_ < max_lines_ || stop_; });
  pending_.append(line);
  pending_.push_back('\n');
  ++pending_lines_;
  ++pushed_;
  // The writer polls while lines keep coming; it needs a signal only to leave a quiet spell
  // or to make room early.
  if (writer_idle_) {
    writer_idle_ = false;
    wake_.notify_one();
  } else if (pending_lines_ == max_lines_ / 2) {
    wake_.notify_one();
  }
}

void LineBatcher::flush() {
  std::unique_lock lock(mutex_);
  uint64_t target = pushed_;
  if (written_count_ >= target) return;
  flush_requested_ = true;
  wake_.notify_one();
  written_.wait(lock, [&] { return written_count_ >= target; });
}

void LineBatcher::run() {
  std::string batch;
  std::unique_lock lock(mutex_);
  for (;;) {
    if (pending_.empty()) {
      if (stop_) return;
      writer_idle_ = true;
      wake_.wait(lock, [&] { return !pending_.empty() || stop_; });
      writer_idle_ = false;
      continue;
    }
    // Gather for one interval unless someone needs the lines now.
    auto urgent = [&] { return stop_ || flush_requested_ || pending_lines_ >= max_lines_ / 2; };
    if (!urgent()) wake_.wait_for(lock, interval_, urgent);
    batch.swap(pending_);
    pending_lines_ = 0;
    flush_requested_ = false;
    uint64_t taken = pushed_;
    room_.notify_all();
    lock.unlock();
    sink_(batch);
    batch.clear();
    lock.lock();
    written_count_ = taken;
    written_.notify_all();
  }
}

}  // namespace sapi::obs
