#include "agent/text/glob_match.h"

#include <gtest/gtest.h>

namespace edgelog {
namespace {

TEST(GlobMatchTest, LiteralPatternMatchesOnlyItself) {
  EXPECT_TRUE(MatchComponent("app.log", "app.log"));
  EXPECT_FALSE(MatchComponent("app.log", "app.lo"));
  EXPECT_FALSE(MatchComponent("app.log", "app.logs"));
  EXPECT_FALSE(MatchComponent("app.log", "App.log"));
}

TEST(GlobMatchTest, EmptyPatternMatchesOnlyEmptyName) {
  EXPECT_TRUE(MatchComponent("", ""));
  EXPECT_FALSE(MatchComponent("", "a"));
}

TEST(GlobMatchTest, StarMatchesAnyRunIncludingEmpty) {
  EXPECT_TRUE(MatchComponent("*", ""));
  EXPECT_TRUE(MatchComponent("*", "anything.at.all"));
  EXPECT_TRUE(MatchComponent("*.log", ".log"));
  EXPECT_TRUE(MatchComponent("*.log", "app.log"));
  EXPECT_FALSE(MatchComponent("*.log", "app.log.1"));
  EXPECT_TRUE(MatchComponent("app*", "app"));
  EXPECT_TRUE(MatchComponent("a*b*c", "aXXbYYc"));
  EXPECT_TRUE(MatchComponent("a**b", "ab"));
}

TEST(GlobMatchTest, StarBacktracksToFindALaterMatch) {
  EXPECT_TRUE(MatchComponent("*.log", "a.log.b.log"));
  EXPECT_TRUE(MatchComponent("*ab", "aaab"));
  EXPECT_TRUE(MatchComponent("a*a*a", "aaaaa"));
  EXPECT_FALSE(MatchComponent("a*a*a", "aa"));
  EXPECT_TRUE(MatchComponent("*x*y", "xxyxy"));
  EXPECT_FALSE(MatchComponent("*x*y", "xxyxyz"));
}

TEST(GlobMatchTest, QuestionMarkMatchesExactlyOneCharacter) {
  EXPECT_TRUE(MatchComponent("app.?", "app.1"));
  EXPECT_FALSE(MatchComponent("app.?", "app."));
  EXPECT_FALSE(MatchComponent("app.?", "app.10"));
  EXPECT_TRUE(MatchComponent("???", "abc"));
}

TEST(GlobMatchTest, BracketMatchesOneOfItsCharacters) {
  EXPECT_TRUE(MatchComponent("log[123]", "log2"));
  EXPECT_FALSE(MatchComponent("log[123]", "log4"));
  EXPECT_FALSE(MatchComponent("log[123]", "log"));
  EXPECT_FALSE(MatchComponent("log[123]", "log12"));
}

TEST(GlobMatchTest, BracketRangeMatchesInclusively) {
  EXPECT_TRUE(MatchComponent("[a-c]", "a"));
  EXPECT_TRUE(MatchComponent("[a-c]", "c"));
  EXPECT_FALSE(MatchComponent("[a-c]", "d"));
  EXPECT_TRUE(MatchComponent("app.[0-9][0-9]", "app.42"));
  EXPECT_TRUE(MatchComponent("[a-cx-z]", "y"));
}

TEST(GlobMatchTest, NegatedBracketMatchesAnyOtherCharacter) {
  EXPECT_TRUE(MatchComponent("[!x]", "y"));
  EXPECT_FALSE(MatchComponent("[!x]", "x"));
  EXPECT_TRUE(MatchComponent("[^0-9]", "a"));
  EXPECT_FALSE(MatchComponent("[^0-9]", "5"));
}

TEST(GlobMatchTest, ClosingBracketFirstInBracketIsLiteral) {
  EXPECT_TRUE(MatchComponent("[]a]", "]"));
  EXPECT_TRUE(MatchComponent("[]a]", "a"));
  EXPECT_FALSE(MatchComponent("[]a]", "b"));
  EXPECT_TRUE(MatchComponent("[!]]", "x"));
  EXPECT_FALSE(MatchComponent("[!]]", "]"));
}

TEST(GlobMatchTest, DashAtTheEndOfBracketIsLiteral) {
  EXPECT_TRUE(MatchComponent("[a-]", "-"));
  EXPECT_TRUE(MatchComponent("[a-]", "a"));
  EXPECT_FALSE(MatchComponent("[a-]", "b"));
}

TEST(GlobMatchTest, UnclosedBracketIsTakenLiterally) {
  EXPECT_TRUE(MatchComponent("a[b", "a[b"));
  EXPECT_FALSE(MatchComponent("a[b", "ab"));
}

TEST(GlobMatchTest, BackslashQuotesTheNextCharacter) {
  EXPECT_TRUE(MatchComponent("\\*", "*"));
  EXPECT_FALSE(MatchComponent("\\*", "a"));
  EXPECT_TRUE(MatchComponent("a\\?", "a?"));
  EXPECT_FALSE(MatchComponent("a\\?", "ab"));
  EXPECT_TRUE(MatchComponent("\\[x]", "[x]"));
  EXPECT_FALSE(MatchComponent("\\[x]", "x"));
  EXPECT_TRUE(MatchComponent("[\\]]", "]"));
}

TEST(GlobMatchTest, TrailingBackslashMatchesItself) {
  EXPECT_TRUE(MatchComponent("a\\", "a\\"));
}

TEST(GlobMatchTest, StarAndBracketsCombine) {
  EXPECT_TRUE(MatchComponent("app-*.[0-9]", "app-2024.3"));
  EXPECT_FALSE(MatchComponent("app-*.[0-9]", "app-2024.x"));
  EXPECT_TRUE(MatchComponent("*[!.]", "abc"));
  EXPECT_FALSE(MatchComponent("*[!.]", "abc."));
}

TEST(GlobMatchTest, NonAsciiBytesMatchLiterallyAndByQuestionMarks) {
  EXPECT_TRUE(MatchComponent("caf\xC3\xA9.log", "caf\xC3\xA9.log"));
  EXPECT_TRUE(MatchComponent("*\xC3\xA9*", "caf\xC3\xA9.log"));
  // '?' matches one byte, so a two-byte character needs two.
  EXPECT_TRUE(MatchComponent("caf??.log", "caf\xC3\xA9.log"));
}

TEST(GlobMatchTest, HasGlobCharactersFindsStarQuestionMarkAndBracket) {
  EXPECT_TRUE(HasGlobCharacters("/var/log/*.log"));
  EXPECT_TRUE(HasGlobCharacters("/var/log/app.?"));
  EXPECT_TRUE(HasGlobCharacters("/var/log/app[12].log"));
  EXPECT_TRUE(HasGlobCharacters("/var/log/**/x.log"));
}

TEST(GlobMatchTest, PlainPathHasNoGlobCharacters) {
  EXPECT_FALSE(HasGlobCharacters("/var/log/app.log"));
  EXPECT_FALSE(HasGlobCharacters(""));
  EXPECT_FALSE(HasGlobCharacters("/var/log/my-app_1.0/{x}.log"));
}

}  // namespace
}  // namespace edgelog
