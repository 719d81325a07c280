#include "agent/aws/uri.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

namespace edgelog {
namespace {

TEST(UriTest, UnreservedCharactersAreNotEncoded) {
  const std::string unreserved =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";
  EXPECT_EQ(unreserved, UriEncode(unreserved, SlashMode::kEncode));
}

TEST(UriTest, ReservedCharactersAreEncodedWithUpperCaseHex) {
  EXPECT_EQ("a%20b%2Bc%3Dd%26e%3F%23",
            UriEncode("a b+c=d&e?#", SlashMode::kEncode));
  EXPECT_EQ("%21%2A%27%28%29%3A%40%2C%3B%24",
            UriEncode("!*'():@,;$", SlashMode::kEncode));
  EXPECT_EQ("%7B%7D%5B%5D%7C%5C%5E%60",
            UriEncode("{}[]|\\^`", SlashMode::kEncode));
}

TEST(UriTest, EveryOtherByteIsEncodedAsPercentAndTwoUpperCaseHexDigits) {
  const std::string unreserved_punctuation = "-._~";
  for (int b = 0; b < 256; ++b) {
    char c = static_cast<char>(b);
    bool alnum = (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') ||
                 (b >= '0' && b <= '9');
    if (alnum || unreserved_punctuation.find(c) != std::string::npos) continue;
    char expected[4];
    std::snprintf(expected, sizeof(expected), "%%%02X", b);
    EXPECT_EQ(expected, UriEncode(std::string(1, c), SlashMode::kEncode))
        << "byte " << b;
  }
}

TEST(UriTest, SlashIsKeptOnlyWithSlashModeKeep) {
  EXPECT_EQ("/a/b/", UriEncode("/a/b/", SlashMode::kKeep));
  EXPECT_EQ("%2Fa%2Fb%2F", UriEncode("/a/b/", SlashMode::kEncode));
}

TEST(UriTest, Utf8IsEncodedBytewise) {
  EXPECT_EQ("%E1%88%B4", UriEncode("\xE1\x88\xB4", SlashMode::kEncode));
  EXPECT_EQ("caf%C3%A9", UriEncode("caf\xC3\xA9", SlashMode::kKeep));
}

TEST(UriTest, NulByteIsEncodedNotTruncated) {
  EXPECT_EQ("a%00b", UriEncode(std::string("a\0b", 3), SlashMode::kEncode));
}

TEST(UriTest, PercentSignIsEncodedSoEncodedInputIsEncodedTwice) {
  EXPECT_EQ("a%2520b", UriEncode("a%20b", SlashMode::kKeep));
}

TEST(UriTest, EmptyStringEncodesAndDecodesToEmpty) {
  EXPECT_EQ("", UriEncode("", SlashMode::kEncode));
  EXPECT_EQ("", PercentDecode(""));
}

TEST(UriTest, PercentDecodeAcceptsUpperAndLowerCaseHex) {
  EXPECT_EQ("\xE1\x88\xB4", PercentDecode("%e1%88%B4"));
  EXPECT_EQ("a b", PercentDecode("a%20b"));
}

TEST(UriTest, PercentDecodeDecodesAnEscapeAtTheVeryEnd) {
  EXPECT_EQ("aA", PercentDecode("a%41"));
}

TEST(UriTest, PercentDecodeKeepsMalformedEscapesAsIs) {
  EXPECT_EQ("%", PercentDecode("%"));
  EXPECT_EQ("%4", PercentDecode("%4"));
  EXPECT_EQ("100%", PercentDecode("100%"));
  EXPECT_EQ("%G1x", PercentDecode("%G1x"));
  EXPECT_EQ("%1", PercentDecode("%%31"));  // "%" kept, then "%31" is "1"
}

TEST(UriTest, PercentDecodeLeavesPlusAlone) {
  EXPECT_EQ("a+b", PercentDecode("a+b"));
}

TEST(UriTest, PercentDecodeDecodesOnlyOnce) {
  EXPECT_EQ("%41", PercentDecode("%2541"));
}

TEST(UriTest, DecodeThenEncodeGivesTheCanonicalForm) {
  // Needless escapes are dropped, lower-case hex becomes upper-case, and a
  // literal '+' is escaped.
  EXPECT_EQ("~A%2F%3A%2B",
            UriEncode(PercentDecode("%7e%41%2f:+"), SlashMode::kEncode));
}

}  // namespace
}  // namespace edgelog
