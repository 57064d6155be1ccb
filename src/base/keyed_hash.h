#pragma once

// Hashing for strings that callers choose (ticket ids, player ids of a party): SipHash-2-4
// (libsodium) under a key drawn at random once per process. With an unkeyed hash such as
// std::hash, anyone can compute ids that share one hash value and pile them into one
// bucket, so that every look-up of that table walks all of them; under a secret key nobody
// outside the process can predict which ids collide.

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

namespace sapi {

size_t keyed_hash(std::string_view s);

// For hash tables keyed by caller-chosen strings. Transparent: look-ups by string_view
// need no std::string.
struct KeyedHash {
  using is_transparent = void;
  using is_avalanching = void;  // boost::unordered: the bits are mixed already
  size_t operator()(std::string_view s) const { return keyed_hash(s); }
};

template <class V>
using KeyedMap = std::unordered_map<std::string, V, KeyedHash, std::equal_to<>>;
using KeyedSet = std::unordered_set<std::string, KeyedHash, std::equal_to<>>;

}  // namespace sapi
