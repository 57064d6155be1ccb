#include "auth/crypto.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace sapi::auth {
namespace {

TEST(Sha256, MatchesTheFips180Vectors) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(HmacSha256, MatchesRfc4231TestCases) {
  // Test case 1: key 0x0b * 20, data "Hi There".
  EXPECT_EQ(hmac_sha256_hex(std::string(20, '\x0b'), "Hi There"),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  // Test case 2: key "Jefe".
  EXPECT_EQ(hmac_sha256_hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  // Test case 6: a key longer than the block size is hashed first.
  EXPECT_EQ(hmac_sha256_hex(std::string(131, '\xaa'),
                            "Test Using Larger Than Block-Size Key - Hash Key First"),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST(HmacSha256, RawFormIsThirtyTwoBytesOfTheHexForm) {
  std::string raw = hmac_sha256("key", "data");
  EXPECT_EQ(raw.size(), 32u);
  EXPECT_EQ(hex_encode(raw), hmac_sha256_hex("key", "data"));
}

TEST(HmacSha256, EmptyKeyAndDataWork) {
  EXPECT_EQ(hmac_sha256_hex("", ""),
            "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
}

TEST(HmacSha256, EachCallUsesItsOwnKeyWhenOneThreadSwitchesKeys) {
  // The per-thread context is reused: a key (long, short or empty) must not carry over.
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(hmac_sha256_hex(std::string(131, '\xaa'),
                              "Test Using Larger Than Block-Size Key - Hash Key First"),
              "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
    EXPECT_EQ(hmac_sha256_hex("", ""),
              "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
    EXPECT_EQ(hmac_sha256_hex("Jefe", "what do ya want for nothing?"),
              "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  }
}

std::string hex_of(const Sha256Digest& d) {
  return hex_encode(std::string_view(reinterpret_cast<const char*>(d.data()), d.size()));
}

TEST(HmacSha256Key, KeyedOnceGivesTheRfc4231MacForEveryMessage) {
  HmacSha256Key jefe("Jefe");
  HmacSha256Key long_key(std::string(131, '\xaa'));
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(hex_of(jefe.mac("what do ya want for nothing?")),
              "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    // Other keys used in between, here and through the one-shot form, do not disturb it.
    EXPECT_EQ(hex_of(long_key.mac("Test Using Larger Than Block-Size Key - Hash Key First")),
              "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
    EXPECT_EQ(hmac_sha256_hex(std::string(20, '\x0b'), "Hi There"),
              "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
    EXPECT_EQ(jefe.mac("another message"), hmac_sha256_digest("Jefe", "another message"));
  }
}

TEST(HmacSha256Key, MovedKeyKeepsItsKey) {
  HmacSha256Key first("Jefe");
  HmacSha256Key moved(std::move(first));
  HmacSha256Key assigned("other");
  assigned = std::move(moved);
  EXPECT_EQ(hex_of(assigned.mac("what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(Sha256, ThreadsHashingAtOnceGetTheRightDigests) {
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 2000; ++i) {
        if (sha256_hex("abc") !=
                "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" ||
            hmac_sha256_hex("Jefe", "what do ya want for nothing?") !=
                "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843") {
          ++wrong;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(wrong.load(), 0);
}

TEST(ConstantTimeEqual, ComparesContentAndLength) {
  EXPECT_TRUE(constant_time_equal("", ""));
  EXPECT_TRUE(constant_time_equal("abc", "abc"));
  EXPECT_FALSE(constant_time_equal("abc", "abd"));
  EXPECT_FALSE(constant_time_equal("abc", "abcd"));
  EXPECT_FALSE(constant_time_equal("", "a"));
}

TEST(RandomBytes, GivesTheRequestedLengthAndVaries) {
  EXPECT_EQ(random_bytes(0).size(), 0u);
  EXPECT_EQ(random_bytes(16).size(), 16u);
  EXPECT_NE(random_bytes(16), random_bytes(16));
}

}  // namespace
}  // namespace sapi::auth
