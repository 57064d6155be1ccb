#include "auth/base64url.h"

#include <gtest/gtest.h>

namespace sapi::auth {
namespace {

TEST(Base64Url, EncodesRfc4648VectorsWithoutPadding) {
  EXPECT_EQ(base64url_encode(""), "");
  EXPECT_EQ(base64url_encode("f"), "Zg");
  EXPECT_EQ(base64url_encode("fo"), "Zm8");
  EXPECT_EQ(base64url_encode("foo"), "Zm9v");
  EXPECT_EQ(base64url_encode("foob"), "Zm9vYg");
  EXPECT_EQ(base64url_encode("fooba"), "Zm9vYmE");
  EXPECT_EQ(base64url_encode("foobar"), "Zm9vYmFy");
}

TEST(Base64Url, UsesTheUrlSafeAlphabet) {
  EXPECT_EQ(base64url_encode("\xfb\xff\xbf"), "-_-_");
  EXPECT_EQ(base64url_decode("-_-_").value(), "\xfb\xff\xbf");
}

TEST(Base64Url, RoundTripsEveryByte) {
  std::string all;
  for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
  for (size_t n = 0; n <= all.size(); n += 37) {
    auto decoded = base64url_decode(base64url_encode(all.substr(0, n)));
    ASSERT_TRUE(decoded.ok());
    EXPECT_EQ(decoded.value(), all.substr(0, n));
  }
}

TEST(Base64Url, RejectsPadding) {
  EXPECT_FALSE(base64url_decode("Zg==").ok());
  EXPECT_FALSE(base64url_decode("Zm8=").ok());
}

TEST(Base64Url, RejectsWhitespaceAndStandardAlphabetCharacters) {
  EXPECT_FALSE(base64url_decode("Zm9v Yg").ok());
  EXPECT_FALSE(base64url_decode("Zm9v\nYg").ok());
  EXPECT_FALSE(base64url_decode("+/+/").ok());
  EXPECT_FALSE(base64url_decode("Zm9v.").ok());
  EXPECT_FALSE(base64url_decode(std::string_view("Zm\0v", 4)).ok());
}

TEST(Base64Url, RejectsImpossibleLengths) { EXPECT_FALSE(base64url_decode("Zm9vY").ok()); }

TEST(Base64Url, RejectsNonCanonicalTrailingBits) {
  // "Zh" decodes to 'f' only if the low bits are ignored; the canonical form is "Zg".
  EXPECT_TRUE(base64url_decode("Zg").ok());
  EXPECT_FALSE(base64url_decode("Zh").ok());
  EXPECT_FALSE(base64url_decode("Zm9").ok());
}

}  // namespace
}  // namespace sapi::auth
