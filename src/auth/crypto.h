#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

struct evp_mac_ctx_st;  // OpenSSL's EVP_MAC_CTX

namespace sapi::auth {

// Digests and MACs on OpenSSL 3 EVP, shared by JWT verification (token cache keys) and
// SigV4 (canonical request hashes, signing keys). Inputs are raw bytes in string_views;
// outputs are raw bytes unless the name says hex.

using Sha256Digest = std::array<uint8_t, 32>;

// SHA-256 of `data`.
Sha256Digest sha256(std::string_view data);

// SHA-256 of `data` as 64 lowercase hex digits (SigV4's HexEncode(Hash(...))).
std::string sha256_hex(std::string_view data);

// HMAC-SHA256 of `data` under `key`, as 32 raw bytes in a string (so that it can be fed
// straight back as the next key of a SigV4 key derivation).
std::string hmac_sha256(std::string_view key, std::string_view data);

// HMAC-SHA256 of `data` under `key` as raw bytes, without allocating.
Sha256Digest hmac_sha256_digest(std::string_view key, std::string_view data);

// HMAC-SHA256 under one fixed key, for a key that signs many messages (a SigV4 signing key):
// the key's inner and outer digest states are computed once, when it is built, so each mac()
// hashes only the message and needs no re-keying. Not safe to share between threads while
// mac() runs; each thread keeps its own.
class HmacSha256Key {
 public:
  // `key` must not be empty.
  explicit HmacSha256Key(std::string_view key);
  ~HmacSha256Key();
  HmacSha256Key(HmacSha256Key&& other) noexcept;
  HmacSha256Key& operator=(HmacSha256Key&& other) noexcept;
  HmacSha256Key(const HmacSha256Key&) = delete;
  HmacSha256Key& operator=(const HmacSha256Key&) = delete;

  // HMAC-SHA256 of `data` under the key, as hmac_sha256_digest(key, data) would give.
  Sha256Digest mac(std::string_view data);

 private:
  ::evp_mac_ctx_st* ctx_;
};

// HMAC-SHA256 as 64 lowercase hex digits.
std::string hmac_sha256_hex(std::string_view key, std::string_view data);

// Lowercase hex of raw bytes.
std::string hex_encode(std::string_view bytes);

// True when `a` and `b` are equal, in time that depends only on their lengths (for
// comparing signatures and MACs an attacker may probe).
bool constant_time_equal(std::string_view a, std::string_view b);

// Cryptographically secure random bytes. Aborts if the system RNG fails (cannot happen on a
// working Linux).
std::string random_bytes(size_t n);

}  // namespace sapi::auth
