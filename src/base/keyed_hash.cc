#include "base/keyed_hash.h"

#include <sodium.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>

namespace sapi {
namespace {

struct Key {
  unsigned char bytes[crypto_shorthash_KEYBYTES];
  Key() {
    // sodium_init fails only when the system has no source of randomness, and then no key
    // is secret: better to stop than to hash under a guessable one.
    if (sodium_init() < 0) std::abort();
    randombytes_buf(bytes, sizeof bytes);
  }
};

const Key& process_key() {
  static const Key key;
  return key;
}

}  // namespace

size_t keyed_hash(std::string_view s) {
  static_assert(crypto_shorthash_BYTES == sizeof(uint64_t));
  unsigned char out[crypto_shorthash_BYTES];
  crypto_shorthash(out, reinterpret_cast<const unsigned char*>(s.data()), s.size(),
                   process_key().bytes);
  uint64_t h;
  std::memcpy(&h, out, sizeof h);
  return static_cast<size_t>(h);
}

}  // namespace sapi
