#include "agent/text/utf8.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace edgelog {
namespace {

const std::string kFffd(kReplacementCharacter);

// The sanitised form of `s` and the number of replacements made.
std::string Sanitize(std::string_view s, size_t* replacements = nullptr) {
  std::string out;
  size_t n = AppendSanitizedUtf8(s, &out);
  if (replacements != nullptr) *replacements = n;
  return out;
}

// U+FFFD repeated `n` times.
std::string Fffd(size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += kFffd;
  return out;
}

// --- ValidUtf8PrefixLength ---------------------------------------------------

TEST(Utf8Test, ReplacementCharacterIsEfBfBd) {
  EXPECT_EQ(std::string_view("\xEF\xBF\xBD"), kReplacementCharacter);
}

TEST(Utf8Test, EmptyInputIsValid) {
  EXPECT_EQ(0u, ValidUtf8PrefixLength(""));
}

TEST(Utf8Test, OneToFourByteSequencesAreValid) {
  // U+0041, U+00E9, U+20AC, U+1F600, and the edges of each length.
  const std::string valid[] = {
      "A",   "\x7F",          "\xC2\x80",         "\xC3\xA9",
      "\xDF\xBF",             "\xE0\xA0\x80",     "\xE2\x82\xAC",
      "\xED\x9F\xBF",         "\xEE\x80\x80",     "\xEF\xBF\xBF",
      "\xF0\x90\x80\x80",     "\xF0\x9F\x98\x80", "\xF4\x8F\xBF\xBF",
  };
  for (const std::string& s : valid) {
    EXPECT_EQ(s.size(), ValidUtf8PrefixLength(s)) << "sequence of " << s.size();
  }
}

TEST(Utf8Test, NulByteIsValidUtf8) {
  std::string s("a\0b", 3);
  EXPECT_EQ(3u, ValidUtf8PrefixLength(s));
}

TEST(Utf8Test, LongAsciiRunThenInvalidByteGivesExactPrefix) {
  // The ASCII fast path reads eight bytes at a time: put the bad byte at
  // every position relative to an eight-byte word.
  for (size_t at = 0; at < 40; ++at) {
    std::string s(48, 'x');
    s[at] = '\x80';
    EXPECT_EQ(at, ValidUtf8PrefixLength(s)) << "bad byte at " << at;
  }
}

TEST(Utf8Test, PrefixStopsBeforeTheFirstInvalidSequence) {
  EXPECT_EQ(3u, ValidUtf8PrefixLength("abc\xC0\x80xyz"));
  EXPECT_EQ(4u, ValidUtf8PrefixLength("\xE2\x82\xAC" "a\xED\xA0\x80"));
  EXPECT_EQ(1u, ValidUtf8PrefixLength("a\xE2\x82"));  // truncated at the end
}

// --- AppendSanitizedUtf8 -----------------------------------------------------

TEST(Utf8Test, ValidTextIsCopiedUnchangedWithNoReplacements) {
  const std::string text = "plain \xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 \xE2\x80\xA8 end";
  size_t replacements = 99;
  EXPECT_EQ(text, Sanitize(text, &replacements));
  EXPECT_EQ(0u, replacements);
}

TEST(Utf8Test, SanitizingAppendsToExistingOutput) {
  std::string out = "head:";
  AppendSanitizedUtf8("a\xFF", &out);
  EXPECT_EQ("head:a" + kFffd, out);
}

TEST(Utf8Test, OverlongTwoByteNulBecomesTwoReplacements) {
  // C0 can never start a sequence; 80 is then a lone continuation byte.
  size_t n = 0;
  EXPECT_EQ(Fffd(2), Sanitize("\xC0\x80", &n));
  EXPECT_EQ(2u, n);
}

TEST(Utf8Test, OverlongThreeByteFormBecomesThreeReplacements) {
  // E0 must be followed by A0..BF: E0 alone is a maximal subpart.
  size_t n = 0;
  EXPECT_EQ(Fffd(3), Sanitize("\xE0\x80\x80", &n));
  EXPECT_EQ(3u, n);
}

TEST(Utf8Test, OverlongFourByteFormBecomesFourReplacements) {
  size_t n = 0;
  EXPECT_EQ(Fffd(4), Sanitize("\xF0\x80\x80\x80", &n));
  EXPECT_EQ(4u, n);
}

TEST(Utf8Test, SurrogateBecomesThreeReplacements) {
  // ED A0 80 would be U+D800; ED must be followed by 80..9F.
  size_t n = 0;
  EXPECT_EQ("a" + Fffd(3) + "b", Sanitize("a\xED\xA0\x80" "b", &n));
  EXPECT_EQ(3u, n);
}

TEST(Utf8Test, CodePointAboveMaximumBecomesFourReplacements) {
  // F4 90 80 80 would be U+110000; F4 must be followed by 80..8F.
  size_t n = 0;
  EXPECT_EQ(Fffd(4), Sanitize("\xF4\x90\x80\x80", &n));
  EXPECT_EQ(4u, n);
}

TEST(Utf8Test, BytesThatNeverAppearInUtf8BecomeOneReplacementEach) {
  for (int b : {0xC0, 0xC1, 0xF5, 0xF8, 0xFC, 0xFE, 0xFF}) {
    std::string s = "x" + std::string(1, static_cast<char>(b)) + "y";
    size_t n = 0;
    EXPECT_EQ("x" + kFffd + "y", Sanitize(s, &n)) << "byte " << b;
    EXPECT_EQ(1u, n) << "byte " << b;
  }
}

TEST(Utf8Test, EachLoneContinuationByteBecomesOneReplacement) {
  size_t n = 0;
  EXPECT_EQ("a" + Fffd(3) + "b", Sanitize("a\x80\xBF\x9F" "b", &n));
  EXPECT_EQ(3u, n);
}

TEST(Utf8Test, TruncatedSequenceFollowedByAsciiIsOneReplacement) {
  size_t n = 0;
  EXPECT_EQ(kFffd + "A", Sanitize("\xE1\x80" "A", &n));
  EXPECT_EQ(1u, n);
}

TEST(Utf8Test, TruncatedFourByteSequenceFollowedByValidCharacterIsOneReplacement) {
  size_t n = 0;
  EXPECT_EQ(kFffd + "\xC3\xA9", Sanitize("\xF0\x9F\x98\xC3\xA9", &n));
  EXPECT_EQ(1u, n);
}

TEST(Utf8Test, TruncatedSequencesAtTheEndBecomeOneReplacement) {
  const std::string tails[] = {"\xC3", "\xE2", "\xE2\x82", "\xF0", "\xF0\x9F",
                               "\xF0\x9F\x98"};
  for (const std::string& tail : tails) {
    size_t n = 0;
    EXPECT_EQ("ok" + kFffd, Sanitize("ok" + tail, &n)) << tail.size() << " bytes";
    EXPECT_EQ(1u, n);
  }
}

TEST(Utf8Test, UnicodeStandardMaximalSubpartExampleIsReplacedAsSpecified) {
  // Unicode 15, §3.9, Table 3-8: 61 F1 80 80 E1 80 C2 62 80 63 80 BF 64
  // becomes 61 FFFD FFFD FFFD 62 FFFD 63 FFFD FFFD 64.
  size_t n = 0;
  EXPECT_EQ("a" + Fffd(3) + "b" + kFffd + "c" + Fffd(2) + "d",
            Sanitize("\x61\xF1\x80\x80\xE1\x80\xC2\x62\x80\x63\x80\xBF\x64", &n));
  EXPECT_EQ(6u, n);
}

TEST(Utf8Test, SanitizedOutputIsAlwaysValid) {
  // Every two-byte input, each with some ASCII around it.
  for (int a = 0; a < 256; ++a) {
    for (int b = 0; b < 256; ++b) {
      std::string s = "<";
      s.push_back(static_cast<char>(a));
      s.push_back(static_cast<char>(b));
      s.push_back('>');
      std::string out = Sanitize(s);
      ASSERT_EQ(out.size(), ValidUtf8PrefixLength(out)) << a << " " << b;
      ASSERT_EQ('<', out.front());
      ASSERT_EQ('>', out.back());
    }
  }
}

// --- Utf8BoundaryAtOrBefore --------------------------------------------------

TEST(Utf8Test, BoundaryOfShortTextIsItsWholeLength) {
  EXPECT_EQ(3u, Utf8BoundaryAtOrBefore("abc", 3));
  EXPECT_EQ(3u, Utf8BoundaryAtOrBefore("abc", 100));
  EXPECT_EQ(0u, Utf8BoundaryAtOrBefore("", 0));
}

TEST(Utf8Test, BoundaryBacksUpToTheStartOfASplitCharacter) {
  // "a" + U+1F600 (4 bytes) + "b".
  const std::string s = "a\xF0\x9F\x98\x80" "b";
  EXPECT_EQ(1u, Utf8BoundaryAtOrBefore(s, 1));
  EXPECT_EQ(1u, Utf8BoundaryAtOrBefore(s, 2));
  EXPECT_EQ(1u, Utf8BoundaryAtOrBefore(s, 3));
  EXPECT_EQ(1u, Utf8BoundaryAtOrBefore(s, 4));
  EXPECT_EQ(5u, Utf8BoundaryAtOrBefore(s, 5));
}

TEST(Utf8Test, BoundaryCutsNeverSplitACharacter) {
  const std::string s =
      "x\xC3\xA9y\xE2\x82\xAC\xF0\x9F\x98\x80z\xE2\x80\xA8\xC2\x80\xF4\x8F\xBF\xBF";
  for (size_t max = 0; max <= s.size() + 1; ++max) {
    size_t cut = Utf8BoundaryAtOrBefore(s, max);
    EXPECT_LE(cut, max);
    EXPECT_EQ(cut, ValidUtf8PrefixLength(s.substr(0, cut))) << "max " << max;
    EXPECT_EQ(s.size() - cut, ValidUtf8PrefixLength(s.substr(cut))) << "max " << max;
    // The cut is the largest boundary at or before max.
    if (cut < s.size() && cut + 1 <= max) {
      size_t next = cut + 1;
      while (next < s.size() && (static_cast<unsigned char>(s[next]) & 0xC0) == 0x80) {
        ++next;
      }
      EXPECT_GT(next, max) << "a later boundary fits at max " << max;
    }
  }
}

TEST(Utf8Test, RepeatedBoundaryCutsProgressAndReassemble) {
  std::string s;
  for (int i = 0; i < 50; ++i) s += "\xF0\x9F\x98\x80" "a\xC3\xA9\xE2\x82\xAC";
  std::string_view rest = s;
  std::string joined;
  while (!rest.empty()) {
    size_t cut = Utf8BoundaryAtOrBefore(rest, 4);
    ASSERT_GT(cut, 0u);
    ASSERT_LE(cut, 4u);
    joined.append(rest.substr(0, cut));
    rest.remove_prefix(cut);
  }
  EXPECT_EQ(s, joined);
}

// --- WithoutIncompleteTail ---------------------------------------------------

TEST(Utf8Test, CompleteTextHasNoIncompleteTail) {
  for (const std::string s : {"", "abc", "a\xC3\xA9", "a\xE2\x82\xAC", "a\xF0\x9F\x98\x80"}) {
    EXPECT_EQ(s.size(), WithoutIncompleteTail(s)) << s;
  }
}

TEST(Utf8Test, IncompleteTailIsLeftOut) {
  EXPECT_EQ(1u, WithoutIncompleteTail("a\xC3"));
  EXPECT_EQ(1u, WithoutIncompleteTail("a\xE2"));
  EXPECT_EQ(1u, WithoutIncompleteTail("a\xE2\x82"));
  EXPECT_EQ(1u, WithoutIncompleteTail("a\xF0"));
  EXPECT_EQ(1u, WithoutIncompleteTail("a\xF0\x9F"));
  EXPECT_EQ(1u, WithoutIncompleteTail("a\xF0\x9F\x98"));
  EXPECT_EQ(0u, WithoutIncompleteTail("\xF0\x9F\x98"));
}

TEST(Utf8Test, IncompleteTailAfterACompleteMultiByteCharacterIsLeftOut) {
  EXPECT_EQ(3u, WithoutIncompleteTail("\xE2\x82\xAC\xF0\x9F"));
  EXPECT_EQ(2u, WithoutIncompleteTail("\xC3\xA9\xE2"));
}

TEST(Utf8Test, TailThatCanNeverBecomeValidIsNotHeldBack) {
  // The contract holds back only a tail that is "incomplete (but so far
  // valid)". These tails are invalid already; more bytes cannot fix them.
  EXPECT_EQ(2u, WithoutIncompleteTail("a\xFF"));      // never in UTF-8
  EXPECT_EQ(2u, WithoutIncompleteTail("a\xC0"));      // overlong lead
  EXPECT_EQ(3u, WithoutIncompleteTail("a\xED\xA0"));  // surrogate prefix
  EXPECT_EQ(3u, WithoutIncompleteTail("a\xF4\x90"));  // above U+10FFFF
}

TEST(Utf8Test, ReaderCuttingAtIncompleteTailNeverSplitsACharacter) {
  const std::string s = "ab\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80" "cd";
  for (size_t end = 0; end <= s.size(); ++end) {
    size_t keep = WithoutIncompleteTail(std::string_view(s).substr(0, end));
    EXPECT_LE(keep, end);
    EXPECT_EQ(keep, ValidUtf8PrefixLength(s.substr(0, keep))) << "end " << end;
    EXPECT_EQ(s.size() - keep, ValidUtf8PrefixLength(s.substr(keep))) << "end " << end;
  }
}

}  // namespace
}  // namespace edgelog
