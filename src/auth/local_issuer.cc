#include "auth/local_issuer.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "auth/base64url.h"
#include "auth/crypto.h"

namespace sapi::auth {
namespace {

namespace json = boost::json;
namespace fs = std::filesystem;

Result<std::string> private_key_pem(EVP_PKEY* key) {
  BIO* bio = BIO_new(BIO_s_mem());
  if (bio == nullptr) return internal_error("out of memory");
  int ok = PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  std::string pem = ok == 1 && len > 0 ? std::string(data, static_cast<size_t>(len)) : "";
  BIO_free(bio);
  if (pem.empty()) return internal_error("cannot encode the signing key");
  return pem;
}

Status write_new_file(const fs::path& path, const std::string& content) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return internal_error(fmt::format("cannot create {}", path.string()));
  ssize_t n = ::write(fd, content.data(), content.size());
  bool ok = n == static_cast<ssize_t>(content.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) return internal_error(fmt::format("cannot write {}", path.string()));
  return {};
}

// Creates a key and links it into place; losing the race to another process is fine.
Status create_key_file(const fs::path& path) {
  EVP_PKEY* key = EVP_RSA_gen(2048);
  if (key == nullptr) return internal_error("RSA key generation failed");
  auto pem = private_key_pem(key);
  EVP_PKEY_free(key);
  if (!pem.ok()) return pem.status();
  fs::path tmp = path;
  tmp += fmt::format(".{}.{}.tmp", ::getpid(), hex_encode(random_bytes(4)));
  SAPI_RETURN_IF_ERROR(write_new_file(tmp, pem.value()));
  int rc = ::link(tmp.c_str(), path.c_str());
  int err = errno;
  ::unlink(tmp.c_str());
  if (rc != 0 && err != EEXIST)
    return internal_error(fmt::format("cannot create {}", path.string()));
  return {};
}

Result<EVP_PKEY*> read_key_file(const fs::path& path) {
  FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return not_found(fmt::format("cannot open {}", path.string()));
  EVP_PKEY* key = PEM_read_PrivateKey(f, nullptr, nullptr, nullptr);
  std::fclose(f);
  if (key == nullptr || EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA ||
      EVP_PKEY_get_bits(key) < 2048) {
    EVP_PKEY_free(key);
    return internal_error(fmt::format("{} is not an RSA-2048 private key", path.string()));
  }
  return key;
}

}  // namespace

Result<std::string> sign_rs256(EVP_PKEY* key, std::string_view header_json,
                               std::string_view payload_json) {
  std::string input = base64url_encode(header_json) + "." + base64url_encode(payload_json);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  if (ctx == nullptr) return internal_error("out of memory");
  std::string sig(static_cast<size_t>(EVP_PKEY_get_size(key)), '\0');
  size_t len = sig.size();
  bool ok = EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, key) == 1 &&
            EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &len,
                           reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1;
  EVP_MD_CTX_free(ctx);
  if (!ok) return internal_error("RS256 signing failed");
  sig.resize(len);
  return input + "." + base64url_encode(sig);
}

Result<std::unique_ptr<LocalIssuer>> LocalIssuer::load_or_create(const fs::path& data_dir,
                                                                 std::string issuer,
                                                                 std::string client_id) {
  std::error_code ec;
  fs::create_directories(data_dir, ec);
  fs::path path = data_dir / kKeyFile;
  if (!fs::exists(path, ec)) SAPI_RETURN_IF_ERROR(create_key_file(path));
  auto key = read_key_file(path);
  if (!key.ok()) return key.status();
  auto kid = rsa_jwk_thumbprint(key.value());
  if (!kid.ok()) {
    EVP_PKEY_free(key.value());
    return kid.status();
  }
  return std::make_unique<LocalIssuer>(key.value(), kid.value(), std::move(issuer),
                                       std::move(client_id));
}

LocalIssuer::LocalIssuer(EVP_PKEY* key, std::string kid, std::string issuer, std::string client_id)
    : key_(key),
      kid_(std::move(kid)),
      issuer_(std::move(issuer)),
      client_id_(std::move(client_id)) {
  auto jwk = rsa_public_jwk_json(key_, kid_);
  assert(jwk.ok() && "a loaded RSA private key always has a public half");
  jwks_json_ = R"({"keys":[)" + jwk.value() + "]}";
  auto set = parse_jwks(jwks_json_);
  assert(set.ok());
  key_set_ = set.value();
}

LocalIssuer::~LocalIssuer() { EVP_PKEY_free(key_); }

Result<std::string> LocalIssuer::issue(const std::string& player, std::chrono::seconds ttl,
                                       Clock::TimePoint now,
                                       const std::vector<std::string>& groups) const {
  int64_t iat = epoch_seconds(now);
  json::object header{{"kid", kid_}, {"alg", "RS256"}};
  json::object payload{{"sub", player},
                       {"aud", client_id_},
                       {"email_verified", false},
                       {"token_use", "id"},
                       {"auth_time", iat},
                       {"iss", issuer_},
                       {"cognito:username", player},
                       {"exp", iat + ttl.count()},
                       {"iat", iat},
                       {"jti", hex_encode(random_bytes(16))}};
  if (!groups.empty()) {
    json::array g;
    for (const auto& name : groups) g.emplace_back(name);
    payload["cognito:groups"] = std::move(g);
  }
  return sign_rs256(key_, json::serialize(header), json::serialize(payload));
}

}  // namespace sapi::auth
