#include "auth/jwks.h"

#include <fmt/format.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "auth/base64url.h"
#include "auth/crypto.h"
#include "auth/jwt_json.h"

namespace sapi::auth {
namespace {

namespace json = boost::json;

constexpr int kMinRsaBits = 2048;
// Larger moduli are legal but make each verification slow; 8192 is the most anyone issues.
constexpr int kMaxRsaBits = 8192;

struct BnFree {
  void operator()(BIGNUM* b) const { BN_free(b); }
};
using BnPtr = std::unique_ptr<BIGNUM, BnFree>;

Result<BnPtr> decode_bignum(const json::object& jwk, std::string_view name) {
  const json::value* v = jwk.if_contains(name);
  if (v == nullptr || !v->is_string()) return invalid_argument(fmt::format("missing {}", name));
  auto bytes = base64url_decode(std::string_view(v->as_string()));
  if (!bytes.ok() || bytes->empty()) return invalid_argument(fmt::format("bad {}", name));
  BIGNUM* bn = BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes->data()),
                         static_cast<int>(bytes->size()), nullptr);
  if (bn == nullptr) return internal_error("out of memory");
  return BnPtr(bn);
}

Result<EVP_PKEY*> rsa_key_from_jwk(const json::object& jwk) {
  auto n = decode_bignum(jwk, "n");
  if (!n.ok()) return n.status();
  auto e = decode_bignum(jwk, "e");
  if (!e.ok()) return e.status();
  int bits = BN_num_bits(n->get());
  if (bits < kMinRsaBits) {
    return invalid_argument(fmt::format("RSA modulus of {} bits is under {}", bits, kMinRsaBits));
  }
  if (bits > kMaxRsaBits) return invalid_argument("RSA modulus is too large");
  if (!BN_is_odd(e->get()) || BN_is_one(e->get())) return invalid_argument("bad RSA exponent");

  OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
  if (bld == nullptr) return internal_error("out of memory");
  OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n->get());
  OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e->get());
  OSSL_PARAM* params = OSSL_PARAM_BLD_to_param(bld);
  OSSL_PARAM_BLD_free(bld);
  if (params == nullptr) return internal_error("out of memory");
  EVP_PKEY* key = nullptr;
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr);
  bool ok = ctx != nullptr && EVP_PKEY_fromdata_init(ctx) == 1 &&
            EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_PUBLIC_KEY, params) == 1;
  EVP_PKEY_CTX_free(ctx);
  OSSL_PARAM_free(params);
  if (!ok) return invalid_argument("RSA key rejected by OpenSSL");
  return key;
}

std::shared_ptr<const Jwk> build_jwk(std::string kid, const json::object& jwk) {
  const json::value* kty = jwk.if_contains("kty");
  if (kty == nullptr || !kty->is_string() || kty->as_string() != "RSA") {
    return std::make_shared<const Jwk>(std::move(kid), "key type is not RSA");
  }
  const json::value* use = jwk.if_contains("use");
  if (use != nullptr && (!use->is_string() || use->as_string() != "sig")) {
    return std::make_shared<const Jwk>(std::move(kid), "key is not a signature key");
  }
  std::optional<std::string> alg;
  if (const json::value* a = jwk.if_contains("alg")) {
    if (!a->is_string())
      return std::make_shared<const Jwk>(std::move(kid), "key alg is not a string");
    alg = std::string(a->as_string());
  }
  auto key = rsa_key_from_jwk(jwk);
  if (!key.ok()) return std::make_shared<const Jwk>(std::move(kid), key.status().message());
  return std::make_shared<const Jwk>(std::move(kid), std::move(alg), key.value());
}

Result<std::string> bn_param_b64(EVP_PKEY* key, const char* name) {
  BIGNUM* bn = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &bn) != 1) return internal_error("not an RSA key");
  BnPtr owned(bn);
  std::string bytes(static_cast<size_t>(BN_num_bytes(bn)), '\0');
  BN_bn2bin(bn, reinterpret_cast<unsigned char*>(bytes.data()));
  return base64url_encode(bytes);
}

}  // namespace

Jwk::Jwk(std::string kid, std::optional<std::string> alg, EVP_PKEY* key)
    : kid_(std::move(kid)), alg_(std::move(alg)), key_(key) {}

Jwk::Jwk(std::string kid, std::string unusable_reason)
    : kid_(std::move(kid)), unusable_reason_(std::move(unusable_reason)) {}

Jwk::~Jwk() { EVP_PKEY_free(key_); }

std::shared_ptr<const Jwk> KeySet::find(std::string_view kid) const {
  auto it = keys_.find(kid);
  return it == keys_.end() ? nullptr : it->second;
}

Result<std::shared_ptr<const KeySet>> parse_jwks(std::string_view text) {
  auto doc = parse_json_object_strict(text);
  if (!doc.ok()) return invalid_argument("JWKS: " + doc.status().message());
  const json::value* keys = doc->if_contains("keys");
  if (keys == nullptr || !keys->is_array()) return invalid_argument("JWKS has no keys array");
  std::map<std::string, std::shared_ptr<const Jwk>, std::less<>> by_kid;
  for (const json::value& entry : keys->as_array()) {
    if (!entry.is_object()) return invalid_argument("JWKS entry is not an object");
    const json::value* kid = entry.as_object().if_contains("kid");
    if (kid == nullptr || !kid->is_string() || kid->as_string().empty()) {
      return invalid_argument("JWKS entry has no kid");
    }
    std::string id(kid->as_string());
    if (by_kid.count(id) != 0) return invalid_argument("JWKS repeats a kid");
    by_kid.emplace(id, build_jwk(id, entry.as_object()));
  }
  return std::make_shared<const KeySet>(std::move(by_kid));
}

Result<std::string> rsa_public_jwk_json(EVP_PKEY* key, std::string_view kid) {
  auto n = bn_param_b64(key, OSSL_PKEY_PARAM_RSA_N);
  if (!n.ok()) return n.status();
  auto e = bn_param_b64(key, OSSL_PKEY_PARAM_RSA_E);
  if (!e.ok()) return e.status();
  json::object jwk{{"kty", "RSA"},   {"kid", kid},     {"use", "sig"},
                   {"alg", "RS256"}, {"n", n.value()}, {"e", e.value()}};
  return json::serialize(jwk);
}

Result<std::string> rsa_jwk_thumbprint(EVP_PKEY* key) {
  auto n = bn_param_b64(key, OSSL_PKEY_PARAM_RSA_N);
  if (!n.ok()) return n.status();
  auto e = bn_param_b64(key, OSSL_PKEY_PARAM_RSA_E);
  if (!e.ok()) return e.status();
  // RFC 7638: required members only, lexicographic order, no whitespace.
  std::string canonical = fmt::format(R"({{"e":"{}","kty":"RSA","n":"{}"}})", e.value(), n.value());
  Sha256Digest d = sha256(canonical);
  return base64url_encode(std::string_view(reinterpret_cast<const char*>(d.data()), d.size()));
}

}  // namespace sapi::auth
