#include <fmt/format.h>
#include <sched.h>
#include <sqlite3.h>
#include <strings.h>

#include <cctype>
#include <chrono>
#include <filesystem>
#include <future>

#include "store/checkpointer.h"
#include "store/migrations.h"
#include "store/sqlite_backend.h"
#include "store/store.h"
#include "store/wal_sync.h"

namespace sapi::store {

ReadPool::ReadPool(std::string path, const StoreOptions& options,
                   std::shared_ptr<StoreObserver> observer)
    : path_(std::move(path)),
      busy_timeout_ms_(options.busy_timeout_ms),
      keep_(options.read_connections),
      observer_(std::move(observer)) {}

Result<std::unique_ptr<Connection>> ReadPool::acquire() {
  {
    std::lock_guard lock(mu_);
    if (!idle_.empty()) {
      auto conn = std::move(idle_.back());
      idle_.pop_back();
      return conn;
    }
  }
  auto conn = Connection::open(path_, busy_timeout_ms_);
  if (!conn.ok()) return conn.status();
  SAPI_RETURN_IF_ERROR((*conn)->exec("PRAGMA query_only=ON;"));
  return conn;
}

void ReadPool::release(std::unique_ptr<Connection> conn) {
  std::lock_guard lock(mu_);
  if (idle_.size() < keep_) idle_.push_back(std::move(conn));
}

void ReadPool::clear() {
  std::lock_guard lock(mu_);
  idle_.clear();
}

void ReadPool::observe(std::string_view operation, std::chrono::steady_clock::time_point started,
                       bool ok) {
  if (observer_) observer_->on_operation(operation, std::chrono::steady_clock::now() - started, ok);
}

Result<int64_t> write_count_sync(Writer& writer, std::string_view operation,
                                 std::function<Result<int64_t>(Connection&)> fn) {
  int64_t count = 0;
  Status status = writer.submit_sync(operation, [&](Connection& c) -> Status {
    auto result = fn(c);
    if (!result.ok()) return result.status();
    count = *result;
    return {};
  });
  if (!status.ok()) return status;
  return count;
}

Result<int64_t> purge_finished_rows(Writer& writer, const char* operation, const char* table,
                                    Clock::TimePoint updated_before, size_t max_rows) {
  std::string sql = std::string("DELETE FROM ") + table + " WHERE rowid IN (SELECT rowid FROM " +
                    table + " WHERE finished = 1 AND updated_at_ms < ? LIMIT ?)";
  int64_t before_ms = to_epoch_ms(updated_before);
  return write_count_sync(writer, operation, [&](Connection& c) -> Result<int64_t> {
    auto stmt = c.prepare(sql);
    if (!stmt.ok()) return stmt.status();
    Stmt s(*stmt);
    s.bind(1, before_ms).bind(2, static_cast<int64_t>(max_rows));
    int rc = s.step();
    if (rc != SQLITE_DONE) return c.error(rc, std::string("cannot purge ") + table);
    return c.changes();
  });
}

bool is_valid_table_name(const std::string& name) {
  if (name.empty() || name.size() > 63) return false;
  auto alpha = [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; };
  if (!alpha(name[0])) return false;
  for (char c : name) {
    if (!alpha(c) && !(c >= '0' && c <= '9')) return false;
  }
  return true;
}

Result<SummaryOutcome> SessionStore::put_summary_sync(SessionSummaryRecord summary) {
  std::promise<Result<SummaryOutcome>> promise;
  auto future = promise.get_future();
  put_summary(std::move(summary),
              [&promise](Result<SummaryOutcome> r) { promise.set_value(std::move(r)); });
  return future.get();
}

Status TicketStore::put_ticket_sync(TicketRecord ticket) {
  std::promise<Status> promise;
  auto future = promise.get_future();
  put_ticket(std::move(ticket), [&promise](Status s) { promise.set_value(std::move(s)); });
  return future.get();
}

namespace {

class SqliteStore final : public Store {
 public:
  SqliteStore(std::unique_ptr<Writer> writer, std::unique_ptr<ReadPool> reads,
              std::unique_ptr<Checkpointer> checkpointer, const StoreOptions& options)
      : writer_(std::move(writer)),
        reads_(std::move(reads)),
        checkpointer_(std::move(checkpointer)) {
    Backend backend{writer_.get(), reads_.get(),
                    fmt::format("\"{}\"", options.player_sessions_table),
                    fmt::format("\"{}\"", options.player_rewards_table)};
    sessions_ = make_sqlite_session_store(backend);
    tickets_ = make_sqlite_ticket_store(backend);
    fleet_ = make_sqlite_fleet_store(backend);
  }
  ~SqliteStore() override { close(); }

  SessionStore& sessions() override { return *sessions_; }
  TicketStore& tickets() override { return *tickets_; }
  FleetStore& fleet() override { return *fleet_; }

  Status ping() override {
    SAPI_RETURN_IF_ERROR(writer_->accepting());
    auto result = reads_->read<int64_t>("ping", [](Connection& c) -> Result<int64_t> {
      auto stmt = c.prepare("SELECT COUNT(*) FROM schema_migrations");
      if (!stmt.ok()) return stmt.status();
      Stmt s(*stmt);
      int rc = s.step();
      if (rc != SQLITE_ROW) return c.error(rc, "store does not answer");
      return s.column_int64(0);
    });
    return result.ok() ? Status() : result.status();
  }

  void close() override {
    checkpointer_->stop();
    writer_->close();
    reads_->clear();
  }

 private:
  std::unique_ptr<Writer> writer_;
  std::unique_ptr<ReadPool> reads_;
  std::unique_ptr<Checkpointer> checkpointer_;
  std::unique_ptr<SessionStore> sessions_;
  std::unique_ptr<TicketStore> tickets_;
  std::unique_ptr<FleetStore> fleet_;
};

Status check_options(const StoreOptions& options) {
  for (const auto* name : {&options.player_sessions_table, &options.player_rewards_table}) {
    if (!is_valid_table_name(*name)) {
      return invalid_argument(fmt::format(
          "table name '{}' is not an identifier ([A-Za-z_][A-Za-z0-9_]{{0,62}})", *name));
    }
    std::string lower;
    for (char c : *name) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower.starts_with("sqlite_") || lower == "schema_migrations" ||
        lower == "matchmaking_tickets" || lower == "game_servers" || lower == "game_sessions") {
      return invalid_argument(fmt::format("table name '{}' is reserved", *name));
    }
  }
  // SQLite compares table names without regard to ASCII case.
  if (strcasecmp(options.player_sessions_table.c_str(), options.player_rewards_table.c_str()) ==
      0) {
    return invalid_argument("player sessions and player rewards tables must differ");
  }
  if (options.file_name.empty() || options.file_name.find('/') != std::string::npos) {
    return invalid_argument("store file name must be a plain file name");
  }
  if (options.max_batch == 0) return invalid_argument("store max_batch must be at least 1");
  if (options.commit_delay_us < 0 || options.commit_delay_us > 100000) {
    return invalid_argument("store commit_delay_us must be between 0 and 100000");
  }
  return {};
}

// CPUs the calling thread may run on (its affinity mask, as `taskset` sets it), which the
// threads it starts inherit.
int usable_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) != 0) return 1;
  return CPU_COUNT(&set);
}

}  // namespace

Result<std::unique_ptr<Store>> open_store(const StoreOptions& options,
                                          std::shared_ptr<StoreObserver> observer) {
  SAPI_RETURN_IF_ERROR(check_options(options));
  std::error_code ec;
  std::filesystem::create_directories(options.data_dir, ec);
  if (ec) {
    return unavailable(
        fmt::format("cannot create data directory {}: {}", options.data_dir, ec.message()));
  }
  std::string path = (std::filesystem::path(options.data_dir) / options.file_name).string();
  auto conn = Connection::open(path, options.busy_timeout_ms);
  if (!conn.ok()) return conn.status();
  SAPI_RETURN_IF_ERROR(apply_migrations(**conn, migrations_for(options)));
  // Most checkpointing runs on its own thread (see checkpointer.h). The writer still
  // checkpoints past 4000 pages: right after its commit nothing is appended meanwhile, so
  // that pass can finish and let the WAL start over (capped at 16 MiB) under constant load.
  // A large page cache keeps the B-tree pages that every batch walks in memory.
  SAPI_RETURN_IF_ERROR(
      (*conn)->exec("PRAGMA wal_autocheckpoint=4000; PRAGMA journal_size_limit=16777216; "
                    "PRAGMA cache_size=-65536;"));
  auto checkpoint_conn = Connection::open(path, options.busy_timeout_ms);
  if (!checkpoint_conn.ok()) return checkpoint_conn.status();
  auto checkpointer =
      std::make_unique<Checkpointer>(std::move(*checkpoint_conn), std::chrono::milliseconds(200));
  WriterLimits limits{options.max_batch, options.max_queued_writes,
                      std::chrono::microseconds(options.commit_delay_us),
                      options.commit_delay_min_batch};
  Writer::Sync sync;
  if (options.group_commit && usable_cpus() > 1) {
    // The writer's sync stage fsyncs the WAL after each commit and acknowledges the writes
    // only then, while the next batch runs (store/writer.h); its commits need not wait. On a
    // single CPU nothing would run beside it, and handing each batch over only costs.
    SAPI_RETURN_IF_ERROR((*conn)->exec("PRAGMA synchronous=NORMAL;"));
    sync = [wal = std::make_shared<WalSync>(path)] { return (*wal)(); };
  } else if (!options.group_commit) {
    limits.max_batch = 1;
    limits.commit_delay = std::chrono::microseconds(0);
  }
  auto writer = std::make_unique<Writer>(std::move(*conn), limits, observer, std::move(sync));
  auto reads = std::make_unique<ReadPool>(path, options, observer);
  return std::unique_ptr<Store>(
      new SqliteStore(std::move(writer), std::move(reads), std::move(checkpointer), options));
}

}  // namespace sapi::store
