#pragma once

// Test-only: RSA keys and token builders shared by the auth unit tests.

#include <openssl/evp.h>
#include <openssl/rsa.h>

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <string>

#include "auth/jwks.h"
#include "auth/local_issuer.h"

namespace sapi::auth::testing {

// A generated RSA key, freed at exit. Generation is slow, so each size is made once.
inline EVP_PKEY* rsa_key(int bits, int which = 0) {
  static EVP_PKEY* keys[3][2] = {};
  int slot = bits == 2048 ? 0 : bits == 1024 ? 1 : 2;
  if (keys[slot][which] == nullptr) keys[slot][which] = EVP_RSA_gen(static_cast<unsigned>(bits));
  return keys[slot][which];
}

inline std::string jwks_with(EVP_PKEY* key, const std::string& kid) {
  return R"({"keys":[)" + rsa_public_jwk_json(key, kid).value() + "]}";
}

inline std::string sign(EVP_PKEY* key, const boost::json::object& header,
                        const boost::json::object& payload) {
  return sign_rs256(key, boost::json::serialize(header), boost::json::serialize(payload)).value();
}

}  // namespace sapi::auth::testing
