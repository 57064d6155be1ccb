#pragma once

// Shared by the store's tests: a temporary data directory and an observer that remembers.

#include <stdlib.h>

#include <filesystem>
#include <mutex>
#include <string>
#include <vector>

#include "store/observer.h"
#include "store/store.h"

namespace sapi::store::testing {

class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "sapi-store-XXXXXX").string();
    path_ = mkdtemp(pattern.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

class RecordingObserver final : public StoreObserver {
 public:
  void on_batch(size_t writes, std::chrono::nanoseconds, bool ok) override {
    std::lock_guard lock(mu_);
    batches_.push_back({writes, ok});
  }
  void on_sync(std::chrono::nanoseconds, bool ok) override {
    std::lock_guard lock(mu_);
    syncs_.push_back(ok);
  }
  void on_operation(std::string_view operation, std::chrono::nanoseconds, bool ok) override {
    std::lock_guard lock(mu_);
    operations_.push_back({std::string(operation), ok});
  }

  struct Batch {
    size_t writes;
    bool ok;
  };
  std::vector<Batch> batches() const {
    std::lock_guard lock(mu_);
    return batches_;
  }
  std::vector<bool> syncs() const {
    std::lock_guard lock(mu_);
    return syncs_;
  }
  size_t max_batch() const {
    size_t max = 0;
    for (const auto& b : batches()) max = std::max(max, b.writes);
    return max;
  }
  size_t count_operations(const std::string& name) const {
    std::lock_guard lock(mu_);
    size_t n = 0;
    for (const auto& [op, ok] : operations_) n += op == name;
    return n;
  }

 private:
  mutable std::mutex mu_;
  std::vector<Batch> batches_;
  std::vector<std::pair<std::string, bool>> operations_;
  std::vector<bool> syncs_;
};

inline StoreOptions options_in(const TempDir& dir) {
  StoreOptions options;
  options.data_dir = dir.path();
  return options;
}

inline std::unique_ptr<Store> open_or_die(const StoreOptions& options,
                                          std::shared_ptr<StoreObserver> observer = nullptr) {
  auto store = open_store(options, std::move(observer));
  if (!store.ok()) abort();
  return std::move(*store);
}

}  // namespace sapi::store::testing
