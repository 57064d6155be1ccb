#pragma once

// Prometheus metrics: counters, gauges and histograms, each a family of series told apart by
// label values, rendered in the Prometheus text exposition format (version 0.0.4).
//
// The hot path is lock-free: get the series once (`family.with({"GET", "200"})`, a shared
// lock and a map lookup) and keep the reference; inc()/set()/observe() are relaxed atomics,
// counters spread over cache-line-sized shards so that threads do not fight over one line.
// Series live as long as the Registry.

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

namespace sapi::obs {

class Counter {
 public:
  void inc(uint64_t n = 1) { shards_[shard_index()].value.fetch_add(n, std::memory_order_relaxed); }
  uint64_t value() const;

 private:
  static constexpr size_t kShards = 8;
  struct alignas(64) Shard {
    std::atomic<uint64_t> value{0};
  };
  static size_t shard_index();
  std::array<Shard, kShards> shards_;
};

class Gauge {
 public:
  void set(double v) { value_.store(v, std::memory_order_relaxed); }
  void add(double v) { value_.fetch_add(v, std::memory_order_relaxed); }
  void inc() { add(1); }
  void dec() { add(-1); }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

class Histogram {
 public:
  // `bounds`: the upper bounds of the buckets, strictly increasing; +Inf is implicit.
  explicit Histogram(const std::vector<double>& bounds);
  void observe(double value);

  struct Snapshot {
    std::vector<uint64_t> cumulative;  // one per bound, then +Inf
    double sum = 0;
    uint64_t count = 0;
  };
  Snapshot snapshot() const;
  const std::vector<double>& bounds() const { return bounds_; }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> buckets_;  // bounds_.size() + 1
  std::atomic<double> sum_{0};
};

// Latency buckets in seconds from 100 µs to 10 s.
const std::vector<double>& latency_buckets();

// All series of one metric name.
template <typename Metric>
class Family {
 public:
  Family(std::string name, std::string help, std::vector<std::string> labels,
         std::vector<double> bounds = {})
      : name_(std::move(name)),
        help_(std::move(help)),
        labels_(std::move(labels)),
        bounds_(std::move(bounds)) {}

  // The series with these label values (as many as the family has labels), created on first
  // use. The reference stays valid for the life of the registry.
  Metric& with(std::initializer_list<std::string_view> values);
  Metric& with(const std::vector<std::string>& values);

  const std::string& name() const { return name_; }

  // Appends this family's HELP, TYPE and samples.
  void render(std::string& out) const;

 private:
  Metric& find_or_create(std::string key, std::vector<std::string> values);

  std::string name_;
  std::string help_;
  std::vector<std::string> labels_;
  std::vector<double> bounds_;  // histograms only
  mutable std::shared_mutex mutex_;
  struct Series {
    std::vector<std::string> values;
    std::unique_ptr<Metric> metric;
  };
  std::map<std::string, Series> series_;  // key: label values joined with '\xff'
};

using CounterFamily = Family<Counter>;
using GaugeFamily = Family<Gauge>;
using HistogramFamily = Family<Histogram>;

class Registry {
 public:
  // Registers a family. Names must be valid Prometheus names and unique: breaking that is a
  // programming error and aborts. Counters' names should end in _total.
  CounterFamily& counter(std::string name, std::string help, std::vector<std::string> labels = {});
  GaugeFamily& gauge(std::string name, std::string help, std::vector<std::string> labels = {});
  HistogramFamily& histogram(std::string name, std::string help, std::vector<std::string> labels,
                             std::vector<double> bounds = latency_buckets());

  // Something that writes its own samples (e.g. the process's RSS, read from /proc when
  // rendered). The text must be in the exposition format, HELP and TYPE lines included.
  void add_collector(std::function<void(std::string& out)> collector);

  // Everything, in the text exposition format.
  std::string render() const;

 private:
  void claim(const std::string& name);

  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<CounterFamily>> counters_;
  std::vector<std::unique_ptr<GaugeFamily>> gauges_;
  std::vector<std::unique_ptr<HistogramFamily>> histograms_;
  std::vector<std::function<void(std::string&)>> collectors_;
  std::vector<std::string> names_;
};

// Writes a number the way Prometheus reads it ("+Inf", "NaN", integers without ".0").
void append_number(std::string& out, double value);

// A collector for process_cpu_seconds_total, process_resident_memory_bytes,
// process_virtual_memory_bytes, process_open_fds, process_max_fds and
// process_start_time_seconds, read from /proc/self.
std::function<void(std::string& out)> process_collector();

}  // namespace sapi::obs
