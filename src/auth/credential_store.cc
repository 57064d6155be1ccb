#include "auth/credential_store.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <openssl/evp.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cerrno>
#include <cstring>

#include "auth/crypto.h"

namespace sapi::auth {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

constexpr size_t kMaxFileBytes = 16 * 1024 * 1024;

std::string errno_text() { return std::strerror(errno); }

// A file descriptor closed on scope exit.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

json::object to_json(const Credential& c) {
  json::object o;
  o["name"] = c.name;
  o["accessKeyId"] = c.access_key_id;
  o["secretAccessKey"] = c.secret_access_key;
  o["createdAt"] = c.created_at;
  if (c.expires_at) o["expiresAt"] = *c.expires_at;
  if (c.session_token) o["sessionToken"] = *c.session_token;
  json::array routes;
  for (const auto& r : c.routes) routes.emplace_back(r);
  o["routes"] = std::move(routes);
  return o;
}

Result<std::string> string_field(const json::object& o, std::string_view key, bool required) {
  auto* v = o.if_contains(key);
  if (!v) {
    if (required) return invalid_argument(fmt::format("missing \"{}\"", key));
    return std::string();
  }
  if (!v->is_string() || v->as_string().empty()) {
    return invalid_argument(fmt::format("\"{}\" must be a non-empty string", key));
  }
  return std::string(v->as_string());
}

Result<Credential> from_json(const json::value& v) {
  if (!v.is_object()) return invalid_argument("a credential must be an object");
  const json::object& o = v.as_object();
  Credential c;
  auto name = string_field(o, "name", true);
  if (!name.ok()) return name.status();
  c.name = *name;
  auto id = string_field(o, "accessKeyId", true);
  if (!id.ok()) return id.status();
  c.access_key_id = *id;
  auto secret = string_field(o, "secretAccessKey", true);
  if (!secret.ok()) return secret.status();
  c.secret_access_key = *secret;
  auto token = string_field(o, "sessionToken", false);
  if (!token.ok()) return token.status();
  if (!token->empty()) c.session_token = *token;
  for (std::string_view key : {"createdAt", "expiresAt"}) {
    auto* t = o.if_contains(key);
    if (!t) continue;
    if (!t->is_int64()) return invalid_argument(fmt::format("\"{}\" must be epoch seconds", key));
    if (key == "createdAt")
      c.created_at = t->as_int64();
    else
      c.expires_at = t->as_int64();
  }
  if (auto* routes = o.if_contains("routes")) {
    if (!routes->is_array()) return invalid_argument("\"routes\" must be an array");
    for (const auto& r : routes->as_array()) {
      if (!r.is_string() || !valid_route_pattern(r.as_string())) {
        return invalid_argument("\"routes\" entries must be \"METHOD /path\" patterns or \"*\"");
      }
      c.routes.emplace_back(r.as_string());
    }
  }
  return c;
}

Result<std::vector<Credential>> parse_file(std::string_view text) {
  boost::system::error_code ec;
  json::value doc = json::parse(text, ec);
  if (ec) return invalid_argument("not valid JSON: " + ec.message());
  if (!doc.is_object() || !doc.as_object().contains("credentials") ||
      !doc.as_object().at("credentials").is_array()) {
    return invalid_argument("expected an object with a \"credentials\" array");
  }
  std::vector<Credential> out;
  const json::array& list = doc.as_object().at("credentials").as_array();
  for (size_t i = 0; i < list.size(); ++i) {
    auto c = from_json(list[i]);
    if (!c.ok()) {
      return invalid_argument(fmt::format("credential #{}: {}", i + 1, c.status().message()));
    }
    for (const Credential& seen : out) {
      if (seen.access_key_id == c->access_key_id) {
        return invalid_argument(fmt::format("credential #{}: duplicate access key id", i + 1));
      }
    }
    out.push_back(std::move(c).value());
  }
  return out;
}

std::string base64(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(bytes.data()),
                          static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

std::string random_base32(size_t n) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  std::string bytes = random_bytes(n);
  std::string out;
  for (char b : bytes) out.push_back(kAlphabet[static_cast<unsigned char>(b) % 32]);
  return out;
}

}  // namespace

Result<std::vector<Credential>> load_credentials_file(const fs::path& path) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    if (errno == ENOENT) return std::vector<Credential>{};
    return internal_error(fmt::format("cannot open {}: {}", path.string(), errno_text()));
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) {
    return internal_error(fmt::format("cannot stat {}: {}", path.string(), errno_text()));
  }
  if ((st.st_mode & 077) != 0) {
    return failed_precondition(fmt::format(
        "{} holds secrets but is accessible to group or others (mode {:04o}); run chmod 600 {}",
        path.string(), st.st_mode & 07777, path.string()));
  }
  if (static_cast<size_t>(st.st_size) > kMaxFileBytes) {
    return invalid_argument(fmt::format("{} is larger than 16 MiB", path.string()));
  }
  std::string text(static_cast<size_t>(st.st_size), '\0');
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::read(fd.get(), text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
  text.resize(done);
  auto parsed = parse_file(text);
  if (!parsed.ok()) {
    return invalid_argument(fmt::format("{}: {}", path.string(), parsed.status().message()));
  }
  return parsed;
}

Status save_credentials_file(const fs::path& path, const std::vector<Credential>& credentials) {
  json::array list;
  for (const Credential& c : credentials) list.emplace_back(to_json(c));
  json::object doc;
  doc["credentials"] = std::move(list);
  std::string text = json::serialize(doc);
  text.push_back('\n');

  fs::path tmp = path;
  tmp += fmt::format(".tmp.{}", ::getpid());
  Fd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
  if (fd.get() < 0) {
    return internal_error(fmt::format("cannot create {}: {}", tmp.string(), errno_text()));
  }
  ::fchmod(fd.get(), 0600);  // O_CREAT's mode is masked by the umask; make sure
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd.get(), text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      ::unlink(tmp.c_str());
      return internal_error(fmt::format("cannot write {}: {}", tmp.string(), errno_text()));
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd.get()) != 0 || ::rename(tmp.c_str(), path.c_str()) != 0) {
    std::string why = errno_text();
    ::unlink(tmp.c_str());
    return internal_error(fmt::format("cannot replace {}: {}", path.string(), why));
  }
  fs::path dir = path.parent_path().empty() ? fs::path(".") : path.parent_path();
  Fd dfd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dfd.get() >= 0) ::fsync(dfd.get());
  return {};
}

Status update_credentials_file(const fs::path& path,
                               const std::function<Status(std::vector<Credential>&)>& edit) {
  fs::path lock_path = path;
  lock_path += ".lock";
  Fd lock(::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
  if (lock.get() < 0) {
    return internal_error(fmt::format("cannot open {}: {}", lock_path.string(), errno_text()));
  }
  while (::flock(lock.get(), LOCK_EX) != 0) {
    if (errno != EINTR) {
      return internal_error(fmt::format("cannot lock {}: {}", lock_path.string(), errno_text()));
    }
  }
  auto credentials = load_credentials_file(path);
  if (!credentials.ok()) return credentials.status();
  SAPI_RETURN_IF_ERROR(edit(*credentials));
  return save_credentials_file(path, *credentials);
}

Credential generate_credential(std::string name, bool temporary, int64_t now,
                               std::optional<int64_t> expires_at, std::vector<std::string> routes) {
  Credential c;
  c.name = std::move(name);
  c.access_key_id = (temporary ? "ASIA" : "AKIA") + random_base32(16);
  c.secret_access_key = base64(random_bytes(30));  // 40 characters
  if (temporary) c.session_token = base64(random_bytes(96));
  c.created_at = now;
  c.expires_at = expires_at;
  c.routes = std::move(routes);
  return c;
}

CredentialStore::CredentialStore(fs::path path, std::chrono::milliseconds check_interval)
    : path_(std::move(path)),
      check_interval_(check_interval),
      snapshot_(std::make_shared<const Snapshot>()) {}

CredentialStore::Stamp CredentialStore::stamp_of() const {
  struct stat st {};
  if (::stat(path_.c_str(), &st) != 0) return Stamp{};
  return Stamp{static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec,
               static_cast<int64_t>(st.st_size), static_cast<uint64_t>(st.st_ino)};
}

void CredentialStore::reload_locked(const Stamp& stamp) const {
  stamp_ = stamp;
  auto loaded = load_credentials_file(path_);
  if (!loaded.ok()) {
    last_error_ = loaded.status().message();
    return;
  }
  last_error_.clear();
  snapshot_ = std::make_shared<const Snapshot>(std::move(loaded).value());
}

Status CredentialStore::load() {
  std::lock_guard lock(mu_);
  snapshot_ = std::make_shared<const Snapshot>();
  reload_locked(stamp_of());
  next_check_ = std::chrono::steady_clock::now() + check_interval_;
  if (!last_error_.empty()) return failed_precondition(last_error_);
  return {};
}

void CredentialStore::maybe_reload() const {
  auto now = std::chrono::steady_clock::now();
  if (now < next_check_) return;
  next_check_ = now + check_interval_;
  Stamp stamp = stamp_of();
  if (stamp == stamp_) return;
  reload_locked(stamp);
  if (listener_) listener_(snapshot_->size(), last_error_);
}

std::optional<Credential> CredentialStore::find(std::string_view access_key_id) const {
  std::shared_ptr<const Snapshot> snapshot;
  {
    std::lock_guard lock(mu_);
    maybe_reload();
    snapshot = snapshot_;
  }
  for (const Credential& c : *snapshot) {
    if (c.access_key_id == access_key_id) return c;
  }
  return std::nullopt;
}

size_t CredentialStore::size() const {
  std::lock_guard lock(mu_);
  maybe_reload();
  return snapshot_->size();
}

std::string CredentialStore::last_error() const {
  std::lock_guard lock(mu_);
  return last_error_;
}

}  // namespace sapi::auth
