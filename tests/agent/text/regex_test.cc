// Regex: RE2 with Go's syntax, searched (not anchored), errors as values.
#include "agent/text/regex.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace edgelog {
namespace {

// True when `pattern` compiles and is found in `text`; a pattern that does
// not compile fails the test.
bool Finds(std::string_view pattern, std::string_view text) {
  auto re = CompileRegex(pattern);
  if (!re.ok()) {
    ADD_FAILURE() << re.status().ToString();
    return false;
  }
  return SearchRegex(**re, text);
}

TEST(RegexTest, SearchFindsTheExpressionAnywhere) {
  EXPECT_TRUE(Finds("b", "abc"));
  EXPECT_TRUE(Finds("bc", "abc"));
  EXPECT_FALSE(Finds("cb", "abc"));
}

TEST(RegexTest, AnchorsMeanTheEndsOfTheText) {
  EXPECT_FALSE(Finds("^b", "abc"));
  EXPECT_TRUE(Finds("^a", "abc"));
  EXPECT_TRUE(Finds("c$", "abc"));
  EXPECT_FALSE(Finds("^b", "a\nb"));
  EXPECT_TRUE(Finds("(?m)^b", "a\nb"));
}

TEST(RegexTest, AnEmptyPatternMatchesEverything) {
  EXPECT_TRUE(Finds("", ""));
  EXPECT_TRUE(Finds("", "text"));
}

TEST(RegexTest, TextIsUtf8AndDotIsOneCharacter) {
  EXPECT_TRUE(Finds("^.$", "\u00e9"));      // two bytes
  EXPECT_TRUE(Finds("^.$", "\U0001F600"));  // four bytes
  EXPECT_FALSE(Finds("^..$", "\u00e9"));
  EXPECT_TRUE(Finds("^\\p{Han}+$", "\u65e5\u672c"));
}

TEST(RegexTest, PerlClassesAreAsciiAsInGo) {
  // Go's \s is [\t\n\f\r ]: neither \v nor non-ASCII spaces.
  EXPECT_TRUE(Finds("^\\s$", " "));
  EXPECT_TRUE(Finds("^\\s$", "\t"));
  EXPECT_FALSE(Finds("^\\s$", "\v"));
  EXPECT_FALSE(Finds("^\\s$", "\u00a0"));
  EXPECT_FALSE(Finds("^\\d$", "\u0663"));  // ARABIC-INDIC DIGIT THREE
  EXPECT_TRUE(Finds("^\\pN$", "\u0663"));
}

TEST(RegexTest, TextMayHoldNulBytes) {
  using namespace std::string_view_literals;
  EXPECT_TRUE(Finds("after", "before\0after"sv));
  EXPECT_TRUE(Finds("e\\x00a", "before\0after"sv));
  // Only the given length is searched.
  EXPECT_FALSE(Finds("tail", std::string_view("head tail", 4)));
}

TEST(RegexTest, GoSyntaxCompiles) {
  EXPECT_TRUE(Finds("(?P<year>\\d{4})-(?P<month>\\d{2})", "on 2024-06"));
  EXPECT_TRUE(Finds("(?i)warn", "WARNING"));
  EXPECT_TRUE(Finds("[[:alpha:]]+", "abc"));
  EXPECT_TRUE(Finds("\\Qa.b\\E", "a.b"));
  EXPECT_FALSE(Finds("\\Qa.b\\E", "axb"));
}

TEST(RegexTest, AnInvalidPatternIsInvalidArgumentQuotingItAndTheReason) {
  auto re = CompileRegex("(unclosed");
  ASSERT_FALSE(re.ok());
  EXPECT_EQ(Code::kInvalidArgument, re.status().code());
  const std::string& message = re.status().message();
  EXPECT_NE(std::string::npos, message.find("\"(unclosed\"")) << message;
  EXPECT_NE(std::string::npos, message.find("missing )")) << message;
}

TEST(RegexTest, BacktrackingOnlySyntaxIsRejected) {
  for (const char* pattern : {"(?=x)", "(?!x)", "(?<=x)y", "(a)\\1", "a*+"}) {
    EXPECT_FALSE(CompileRegex(pattern).ok()) << pattern;
  }
}

TEST(RegexTest, CompileErrorsAreNotPrinted) {
  ::testing::internal::CaptureStderr();
  auto re = CompileRegex("[z-a]");
  std::string printed = ::testing::internal::GetCapturedStderr();
  EXPECT_FALSE(re.ok());
  EXPECT_EQ("", printed);
}

TEST(RegexTest, APathologicalPatternRunsInLinearTime) {
  // (a+)+$ against many a's and a final '!' takes exponential time in a
  // backtracking engine; RE2 answers at once (a hang fails the run).
  std::string text(20000, 'a');
  text += '!';
  EXPECT_FALSE(Finds("^(a+)+$", text));
  EXPECT_TRUE(Finds("(a|aa)+!", text));
}

TEST(RegexTest, ACompiledRegexIsSharedByCopies) {
  auto re = CompileRegex("x+");
  ASSERT_TRUE(re.ok());
  Regex copy = *re;
  EXPECT_EQ(re->get(), copy.get());
  EXPECT_TRUE(SearchRegex(*copy, "axxb"));
}

}  // namespace
}  // namespace edgelog
