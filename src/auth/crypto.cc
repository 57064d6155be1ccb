#include "auth/crypto.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include <cassert>
#include <cstdlib>
#include <memory>
#include <utility>

namespace sapi::auth {

namespace {

// OpenSSL 3's one-shot calls (EVP_Digest with EVP_sha256(), EVP_Q_mac) look the algorithm up
// in the provider store and allocate a context on every call, which costs more than hashing
// a token. The algorithms are fetched once and each thread keeps its own contexts.
const EVP_MD* sha256_md() {
  static EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  if (md == nullptr) std::abort();
  return md;
}

struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
struct MacCtxFree {
  void operator()(EVP_MAC_CTX* c) const { EVP_MAC_CTX_free(c); }
};

EVP_MD_CTX* digest_ctx() {
  thread_local std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  if (!ctx) std::abort();
  return ctx.get();
}

// An HMAC context with its digest set to SHA-256; EVP_MAC_init with a key starts it over.
EVP_MAC_CTX* hmac_ctx() {
  static EVP_MAC* const mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  if (mac == nullptr) std::abort();
  thread_local std::unique_ptr<EVP_MAC_CTX, MacCtxFree> ctx = [] {
    std::unique_ptr<EVP_MAC_CTX, MacCtxFree> c(EVP_MAC_CTX_new(mac));
    char digest[] = "SHA256";
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string("digest", digest, 0),
                           OSSL_PARAM_construct_end()};
    if (!c || EVP_MAC_CTX_set_params(c.get(), params) != 1) std::abort();
    return c;
  }();
  return ctx.get();
}

}  // namespace

Sha256Digest sha256(std::string_view data) {
  Sha256Digest out{};
  unsigned int len = 0;
  EVP_MD_CTX* ctx = digest_ctx();
  // These fail only on allocation failure.
  if (EVP_DigestInit_ex2(ctx, sha256_md(), nullptr) != 1 ||
      EVP_DigestUpdate(ctx, data.data(), data.size()) != 1 ||
      EVP_DigestFinal_ex(ctx, out.data(), &len) != 1 || len != out.size()) {
    std::abort();
  }
  return out;
}

std::string sha256_hex(std::string_view data) {
  Sha256Digest d = sha256(data);
  return hex_encode(std::string_view(reinterpret_cast<const char*>(d.data()), d.size()));
}

Sha256Digest hmac_sha256_digest(std::string_view key, std::string_view data) {
  Sha256Digest out{};
  size_t len = 0;
  // EVP_MAC_init with a null key keeps the previous key, so an empty key (whose data() may
  // be null) takes the one-shot path instead.
  if (key.empty()) {
    static constexpr unsigned char kNoKey[1] = {0};
    unsigned char* rc = EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, kNoKey, 0,
                                  reinterpret_cast<const unsigned char*>(data.data()), data.size(),
                                  out.data(), out.size(), &len);
    if (rc == nullptr || len != out.size()) std::abort();
    return out;
  }
  EVP_MAC_CTX* ctx = hmac_ctx();
  if (EVP_MAC_init(ctx, reinterpret_cast<const unsigned char*>(key.data()), key.size(), nullptr) !=
          1 ||
      EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1 ||
      EVP_MAC_final(ctx, out.data(), &len, out.size()) != 1 || len != out.size()) {
    std::abort();
  }
  return out;
}

HmacSha256Key::HmacSha256Key(std::string_view key) : ctx_(EVP_MAC_CTX_dup(hmac_ctx())) {
  assert(!key.empty());
  if (ctx_ == nullptr || EVP_MAC_init(ctx_, reinterpret_cast<const unsigned char*>(key.data()),
                                      key.size(), nullptr) != 1) {
    std::abort();
  }
}

HmacSha256Key::~HmacSha256Key() { EVP_MAC_CTX_free(ctx_); }

HmacSha256Key::HmacSha256Key(HmacSha256Key&& other) noexcept
    : ctx_(std::exchange(other.ctx_, nullptr)) {}

HmacSha256Key& HmacSha256Key::operator=(HmacSha256Key&& other) noexcept {
  if (this != &other) {
    EVP_MAC_CTX_free(ctx_);
    ctx_ = std::exchange(other.ctx_, nullptr);
  }
  return *this;
}

Sha256Digest HmacSha256Key::mac(std::string_view data) {
  assert(ctx_ != nullptr);
  Sha256Digest out{};
  size_t len = 0;
  // A null key starts the context over from the inner state kept since the key was set.
  if (EVP_MAC_init(ctx_, nullptr, 0, nullptr) != 1 ||
      EVP_MAC_update(ctx_, reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1 ||
      EVP_MAC_final(ctx_, out.data(), &len, out.size()) != 1 || len != out.size()) {
    std::abort();
  }
  return out;
}

std::string hmac_sha256(std::string_view key, std::string_view data) {
  Sha256Digest d = hmac_sha256_digest(key, data);
  return std::string(reinterpret_cast<const char*>(d.data()), d.size());
}

std::string hmac_sha256_hex(std::string_view key, std::string_view data) {
  return hex_encode(hmac_sha256(key, data));
}

std::string hex_encode(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.resize(bytes.size() * 2);
  for (size_t i = 0; i < bytes.size(); ++i) {
    auto b = static_cast<unsigned char>(bytes[i]);
    out[2 * i] = kDigits[b >> 4];
    out[2 * i + 1] = kDigits[b & 0xF];
  }
  return out;
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string random_bytes(size_t n) {
  std::string out(n, '\0');
  if (n > 0 && RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1) {
    std::abort();
  }
  return out;
}

}  // namespace sapi::auth
