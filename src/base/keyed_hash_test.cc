#include "base/keyed_hash.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include <cstdint>
#include <cstring>
#include <set>
#include <string>

namespace sapi {
namespace {

uint64_t siphash_with_zero_key(std::string_view s) {
  unsigned char key[crypto_shorthash_KEYBYTES] = {};
  unsigned char out[crypto_shorthash_BYTES];
  crypto_shorthash(out, reinterpret_cast<const unsigned char*>(s.data()), s.size(), key);
  uint64_t h;
  std::memcpy(&h, out, sizeof h);
  return h;
}

TEST(KeyedHash, SameStringSameHashWithinTheProcess) {
  std::string a = "0192f3c4-7a1b-7c2d-8e3f-405162738495";
  std::string b = a;  // another buffer with the same bytes
  EXPECT_EQ(keyed_hash(a), keyed_hash(b));
  EXPECT_EQ(KeyedHash{}(a), keyed_hash(std::string_view(b)));
}

TEST(KeyedHash, IsUnderASecretKey) {
  // Neither the unkeyed standard hash nor SipHash under a known (zero) key: either would let
  // a caller compute collisions. Each comparison fails by chance with odds of 2^-64.
  for (std::string_view s : {"", "a", "player-1", "0192f3c4-7a1b-7c2d-8e3f-405162738495"}) {
    EXPECT_NE(keyed_hash(s), siphash_with_zero_key(s)) << s;
    EXPECT_NE(keyed_hash(s), std::hash<std::string_view>{}(s)) << s;
  }
}

TEST(KeyedHash, SpreadsNearbyIds) {
  std::set<size_t> hashes, low_bits;
  for (int i = 0; i < 4096; ++i) {
    size_t h = keyed_hash("ticket-" + std::to_string(i));
    hashes.insert(h);
    low_bits.insert(h & 0xFFF);
  }
  EXPECT_EQ(hashes.size(), 4096u);
  // 4096 random values in 4096 buckets fill about 63% of them; a weak mix fills far fewer.
  EXPECT_GT(low_bits.size(), 2400u);
}

TEST(KeyedMap, FindsByStringView) {
  KeyedMap<int> m;
  m.emplace("player-1", 1);
  m.emplace("player-2", 2);
  std::string_view key = "player-2";
  auto it = m.find(key);
  ASSERT_NE(it, m.end());
  EXPECT_EQ(it->second, 2);
  EXPECT_EQ(m.find(std::string_view("player-3")), m.end());
  KeyedSet s{"t-1"};
  EXPECT_EQ(s.count(std::string_view("t-1")), 1u);
}

}  // namespace
}  // namespace sapi
