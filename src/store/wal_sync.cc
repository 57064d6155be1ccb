#include "store/wal_sync.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <system_error>

#include "base/result.h"

namespace sapi::store {
namespace {

Status io_error(const char* what, const std::string& path, int error) {
  return unavailable(
      fmt::format("cannot {} {}: {}", what, path, std::system_category().message(error)));
}

// fsync of the directory at `path`.
Status sync_directory(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return io_error("open", path, errno);
  Status status;
  if (::fsync(fd) != 0) status = io_error("sync", path, errno);
  ::close(fd);
  return status;
}

std::string directory_of(const std::string& path) {
  std::filesystem::path parent = std::filesystem::path(path).parent_path();
  return (parent.empty() ? std::filesystem::path(".") : parent).string();
}

}  // namespace

WalSync::WalSync(const std::string& database_path)
    : wal_path_(fmt::format("{}-wal", database_path)), directory_(directory_of(database_path)) {}

WalSync::~WalSync() {
  if (wal_fd_ >= 0) ::close(wal_fd_);
}

Status WalSync::operator()() {
  struct stat st {};
  if (wal_fd_ >= 0 && (::fstat(wal_fd_, &st) != 0 || st.st_nlink == 0)) {
    ::close(wal_fd_);
    wal_fd_ = -1;
  }
  bool opened = false;
  if (wal_fd_ < 0) {
    wal_fd_ = ::open(wal_path_.c_str(), O_RDONLY | O_CLOEXEC);
    // No WAL: SQLite removes it only after folding it back into the database file and
    // syncing that, so every commit is durable. Opening the database file here instead would
    // be wrong: closing it would drop the process's POSIX locks, which SQLite holds on it.
    if (wal_fd_ < 0 && errno == ENOENT) return {};
    if (wal_fd_ < 0) return io_error("open", wal_path_, errno);
    opened = true;
  }
  if (::fdatasync(wal_fd_) != 0) return io_error("sync", wal_path_, errno);
  if (opened) {
    SAPI_RETURN_IF_ERROR(sync_directory(directory_));
    ++directory_syncs_;
  }
  return {};
}

}  // namespace sapi::store
