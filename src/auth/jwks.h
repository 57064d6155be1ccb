#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"

typedef struct evp_pkey_st EVP_PKEY;

namespace sapi::auth {

// One verification key of a JSON Web Key Set (RFC 7517). Only RSA signature keys of at
// least 2048 bits become usable; any other key keeps its kid and the reason it cannot be
// used, so that a token naming it gets a precise answer instead of "unknown key".
class Jwk {
 public:
  Jwk(std::string kid, std::optional<std::string> alg, EVP_PKEY* key);  // takes ownership
  Jwk(std::string kid, std::string unusable_reason);
  ~Jwk();
  Jwk(const Jwk&) = delete;
  Jwk& operator=(const Jwk&) = delete;

  const std::string& kid() const { return kid_; }
  // The key's declared algorithm, if the JWK has "alg".
  const std::optional<std::string>& alg() const { return alg_; }
  // Null when the key cannot verify tokens; see unusable_reason().
  EVP_PKEY* key() const { return key_; }
  const std::string& unusable_reason() const { return unusable_reason_; }

 private:
  std::string kid_;
  std::optional<std::string> alg_;
  EVP_PKEY* key_ = nullptr;
  std::string unusable_reason_;
};

// An immutable key set, by kid.
class KeySet {
 public:
  KeySet() = default;
  explicit KeySet(std::map<std::string, std::shared_ptr<const Jwk>, std::less<>> keys)
      : keys_(std::move(keys)) {}

  // The key with this kid, or null.
  std::shared_ptr<const Jwk> find(std::string_view kid) const;
  size_t size() const { return keys_.size(); }

 private:
  std::map<std::string, std::shared_ptr<const Jwk>, std::less<>> keys_;
};

// Parses a JWKS document ({"keys":[...]}). Fails on malformed JSON, duplicate JSON keys, a
// missing "keys" array, a key without a string kid, or two keys with the same kid. Keys
// that are well-formed but unusable (not RSA, use other than "sig", under 2048 bits, bad
// modulus) are kept with their reason.
Result<std::shared_ptr<const KeySet>> parse_jwks(std::string_view json);

// The public JWK members of an RSA key: {"kty":"RSA","n":...,"e":...} plus kid, use and
// alg; used by the local issuer to publish its key.
Result<std::string> rsa_public_jwk_json(EVP_PKEY* key, std::string_view kid);

// The RFC 7638 SHA-256 thumbprint of an RSA public key, base64url: a stable kid.
Result<std::string> rsa_jwk_thumbprint(EVP_PKEY* key);

}  // namespace sapi::auth
