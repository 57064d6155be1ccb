#include "obs/metrics.h"

#include <fmt/format.h>

#include <cassert>
#include <cmath>
#include <cstdlib>
#include <mutex>
#include <thread>

namespace sapi::obs {
namespace {

bool valid_name(std::string_view name) {
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0]))) return false;
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != ':') return false;
  }
  return true;
}

void append_label_value(std::string& out, std::string_view v) {
  for (char c : v) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
}

// `{a="x",b="y"` plus an optional extra label, then `}`; nothing when there are no labels.
void append_labels(std::string& out, const std::vector<std::string>& names,
                   const std::vector<std::string>& values, std::string_view extra_name = {},
                   std::string_view extra_value = {}) {
  if (names.empty() && extra_name.empty()) return;
  out += '{';
  for (size_t i = 0; i < names.size(); ++i) {
    if (i) out += ',';
    out += names[i];
    out += "=\"";
    append_label_value(out, values[i]);
    out += '"';
  }
  if (!extra_name.empty()) {
    if (!names.empty()) out += ',';
    out += extra_name;
    out += "=\"";
    out += extra_value;
    out += '"';
  }
  out += '}';
}

void append_help(std::string& out, std::string_view name, std::string_view help,
                 std::string_view type) {
  out += "# HELP ";
  out += name;
  out += ' ';
  for (char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  out += "\n# TYPE ";
  out += name;
  out += ' ';
  out += type;
  out += '\n';
}

template <typename Metric>
std::string_view type_name();
template <>
std::string_view type_name<Counter>() {
  return "counter";
}
template <>
std::string_view type_name<Gauge>() {
  return "gauge";
}
template <>
std::string_view type_name<Histogram>() {
  return "histogram";
}

template <typename Metric>
std::unique_ptr<Metric> make_metric(const std::vector<double>&) {
  return std::make_unique<Metric>();
}
template <>
std::unique_ptr<Histogram> make_metric<Histogram>(const std::vector<double>& bounds) {
  return std::make_unique<Histogram>(bounds);
}

void render_series(std::string& out, const std::string& name,
                   const std::vector<std::string>& labels, const std::vector<std::string>& values,
                   const Counter& c) {
  out += name;
  append_labels(out, labels, values);
  out += ' ';
  append_number(out, static_cast<double>(c.value()));
  out += '\n';
}

void render_series(std::string& out, const std::string& name,
                   const std::vector<std::string>& labels, const std::vector<std::string>& values,
                   const Gauge& g) {
  out += name;
  append_labels(out, labels, values);
  out += ' ';
  append_number(out, g.value());
  out += '\n';
}

void render_series(std::string& out, const std::string& name,
                   const std::vector<std::string>& labels, const std::vector<std::string>& values,
                   const Histogram& h) {
  Histogram::Snapshot s = h.snapshot();
  std::string le;
  for (size_t i = 0; i <= h.bounds().size(); ++i) {
    le.clear();
    if (i < h.bounds().size()) {
      append_number(le, h.bounds()[i]);
    } else {
      le = "+Inf";
    }
    out += name;
    out += "_bucket";
    append_labels(out, labels, values, "le", le);
    out += ' ';
    append_number(out, static_cast<double>(s.cumulative[i]));
    out += '\n';
  }
  out += name;
  out += "_sum";
  append_labels(out, labels, values);
  out += ' ';
  append_number(out, s.sum);
  out += '\n';
  out += name;
  out += "_count";
  append_labels(out, labels, values);
  out += ' ';
  append_number(out, static_cast<double>(s.count));
  out += '\n';
}

}  // namespace

void append_number(std::string& out, double value) {
  if (std::isnan(value)) {
    out += "NaN";
  } else if (std::isinf(value)) {
    out += value > 0 ? "+Inf" : "-Inf";
  } else if (value == std::floor(value) && std::fabs(value) < 1e15) {
    fmt::format_to(std::back_inserter(out), "{}", static_cast<int64_t>(value));
  } else {
    fmt::format_to(std::back_inserter(out), "{}", value);
  }
}

size_t Counter::shard_index() {
  static std::atomic<size_t> next{0};
  thread_local size_t index = next.fetch_add(1, std::memory_order_relaxed) % kShards;
  return index;
}

uint64_t Counter::value() const {
  uint64_t total = 0;
  for (const auto& s : shards_) total += s.value.load(std::memory_order_relaxed);
  return total;
}

Histogram::Histogram(const std::vector<double>& bounds)
    : bounds_(bounds), buckets_(new std::atomic<uint64_t>[bounds.size() + 1]) {
  for (size_t i = 0; i <= bounds_.size(); ++i) buckets_[i].store(0, std::memory_order_relaxed);
}

void Histogram::observe(double value) {
  size_t i = 0;
  while (i < bounds_.size() && value > bounds_[i]) ++i;
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(value, std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::snapshot() const {
  Snapshot s;
  uint64_t running = 0;
  for (size_t i = 0; i <= bounds_.size(); ++i) {
    running += buckets_[i].load(std::memory_order_relaxed);
    s.cumulative.push_back(running);
  }
  s.count = running;  // the count is the +Inf bucket, so the two always agree
  s.sum = sum_.load(std::memory_order_relaxed);
  return s;
}

const std::vector<double>& latency_buckets() {
  static const std::vector<double> kBuckets = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
                                               0.01,   0.025,   0.05,   0.1,   0.25,   0.5,
                                               1,      2.5,     5,      10};
  return kBuckets;
}

template <typename Metric>
Metric& Family<Metric>::with(std::initializer_list<std::string_view> values) {
  // Called per request: the key is built in a buffer each thread reuses, so that looking up an
  // existing series does not allocate.
  thread_local std::string key;
  key.clear();
  for (auto v : values) {
    key.append(v);
    key += '\xff';
  }
  {
    std::shared_lock lock(mutex_);
    auto it = series_.find(key);
    if (it != series_.end()) return *it->second.metric;
  }
  return find_or_create(key, std::vector<std::string>(values.begin(), values.end()));
}

template <typename Metric>
Metric& Family<Metric>::with(const std::vector<std::string>& values) {
  std::string key;
  for (const auto& v : values) {
    key.append(v);
    key += '\xff';
  }
  {
    std::shared_lock lock(mutex_);
    auto it = series_.find(key);
    if (it != series_.end()) return *it->second.metric;
  }
  return find_or_create(std::move(key), values);
}

template <typename Metric>
Metric& Family<Metric>::find_or_create(std::string key, std::vector<std::string> values) {
  if (values.size() != labels_.size()) {
    fmt::print(stderr, "metric {}: {} label values for {} labels\n", name_, values.size(),
               labels_.size());
    std::abort();
  }
  std::unique_lock lock(mutex_);
  auto [it, inserted] = series_.try_emplace(std::move(key));
  if (inserted) {
    it->second.values = std::move(values);
    it->second.metric = make_metric<Metric>(bounds_);
  }
  return *it->second.metric;
}

template <typename Metric>
void Family<Metric>::render(std::string& out) const {
  append_help(out, name_, help_, type_name<Metric>());
  std::shared_lock lock(mutex_);
  for (const auto& [key, series] : series_) {
    render_series(out, name_, labels_, series.values, *series.metric);
  }
}

template class Family<Counter>;
template class Family<Gauge>;
template class Family<Histogram>;

void Registry::claim(const std::string& name) {
  bool duplicate = false;
  for (const auto& n : names_) duplicate = duplicate || n == name;
  if (!valid_name(name) || duplicate) {
    fmt::print(stderr, "metric name {} is invalid or registered twice\n", name);
    std::abort();
  }
  names_.push_back(name);
}

CounterFamily& Registry::counter(std::string name, std::string help,
                                 std::vector<std::string> labels) {
  std::lock_guard lock(mutex_);
  claim(name);
  counters_.push_back(
      std::make_unique<CounterFamily>(std::move(name), std::move(help), std::move(labels)));
  return *counters_.back();
}

GaugeFamily& Registry::gauge(std::string name, std::string help, std::vector<std::string> labels) {
  std::lock_guard lock(mutex_);
  claim(name);
  gauges_.push_back(
      std::make_unique<GaugeFamily>(std::move(name), std::move(help), std::move(labels)));
  return *gauges_.back();
}

HistogramFamily& Registry::histogram(std::string name, std::string help,
                                     std::vector<std::string> labels, std::vector<double> bounds) {
  std::lock_guard lock(mutex_);
  claim(name);
  for (size_t i = 1; i < bounds.size(); ++i) assert(bounds[i - 1] < bounds[i]);
  histograms_.push_back(std::make_unique<HistogramFamily>(std::move(name), std::move(help),
                                                          std::move(labels), std::move(bounds)));
  return *histograms_.back();
}

void Registry::add_collector(std::function<void(std::string&)> collector) {
  std::lock_guard lock(mutex_);
  collectors_.push_back(std::move(collector));
}

std::string Registry::render() const {
  std::string out;
  out.reserve(16384);
  std::lock_guard lock(mutex_);
  for (const auto& f : counters_) f->render(out);
  for (const auto& f : gauges_) f->render(out);
  for (const auto& f : histograms_) f->render(out);
  for (const auto& c : collectors_) c(out);
  return out;
}

}  // namespace sapi::obs
