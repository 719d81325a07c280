// Filters: the agent's include/exclude filters. A record passes when every
// include expression matches it and no exclude expression does.
#include "agent/tail/filters.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace edgelog {
namespace {

FilterSpec Include(std::string expression) { return {FilterType::kInclude, std::move(expression)}; }
FilterSpec Exclude(std::string expression) { return {FilterType::kExclude, std::move(expression)}; }

// Compiled filters; a compile error fails the test.
Filters Must(const std::vector<FilterSpec>& specs) {
  auto filters = Filters::Compile(specs);
  if (!filters.ok()) {
    ADD_FAILURE() << filters.status().ToString();
    return Filters();
  }
  return std::move(filters).value();
}

TEST(FiltersTest, NoFiltersPassEveryRecord) {
  Filters none = Must({});
  EXPECT_TRUE(none.empty());
  EXPECT_TRUE(none.Pass("anything"));
  EXPECT_TRUE(none.Pass(""));
  EXPECT_TRUE(Filters().Pass("a default-constructed Filters passes too"));
}

TEST(FiltersTest, AnIncludeMatchesAnywhereInTheRecord) {
  Filters f = Must({Include("ERROR")});
  EXPECT_FALSE(f.empty());
  EXPECT_TRUE(f.Pass("ERROR at start"));
  EXPECT_TRUE(f.Pass("2024-06-15 [ERROR] in the middle"));
  EXPECT_FALSE(f.Pass("INFO all good"));
  EXPECT_FALSE(f.Pass("error in lower case"));
}

TEST(FiltersTest, AnExcludeDropsEveryMatchingRecord) {
  Filters f = Must({Exclude("DEBUG|TRACE")});
  EXPECT_FALSE(f.Pass("DEBUG noisy"));
  EXPECT_FALSE(f.Pass("x TRACE y"));
  EXPECT_TRUE(f.Pass("INFO kept"));
}

TEST(FiltersTest, EveryIncludeMustMatch) {
  Filters f = Must({Include("ERROR"), Include("payment")});
  EXPECT_TRUE(f.Pass("ERROR payment declined"));
  EXPECT_FALSE(f.Pass("ERROR login failed"));
  EXPECT_FALSE(f.Pass("INFO payment accepted"));
}

TEST(FiltersTest, NoExcludeMayMatch) {
  Filters f = Must({Exclude("health"), Exclude("metrics")});
  EXPECT_TRUE(f.Pass("GET /api"));
  EXPECT_FALSE(f.Pass("GET /health"));
  EXPECT_FALSE(f.Pass("GET /metrics"));
}

TEST(FiltersTest, IncludesAndExcludesCombine) {
  Filters f = Must({Include("ERROR"), Exclude("timeout")});
  EXPECT_TRUE(f.Pass("ERROR disk full"));
  EXPECT_FALSE(f.Pass("ERROR timeout talking to db"));
  EXPECT_FALSE(f.Pass("INFO ok"));
  EXPECT_FALSE(f.Pass("INFO timeout"));
}

TEST(FiltersTest, TheOrderOfFiltersDoesNotMatter) {
  const std::vector<std::string> records = {"ERROR disk full", "ERROR timeout", "INFO ok",
                                            "WARN timeout", ""};
  Filters include_first = Must({Include("ERROR"), Exclude("timeout")});
  Filters exclude_first = Must({Exclude("timeout"), Include("ERROR")});
  for (const std::string& r : records) {
    EXPECT_EQ(include_first.Pass(r), exclude_first.Pass(r)) << r;
  }
}

TEST(FiltersTest, TheSameExpressionIncludedAndExcludedPassesNothing) {
  Filters f = Must({Include("x"), Exclude("x")});
  EXPECT_FALSE(f.Pass("x"));
  EXPECT_FALSE(f.Pass("y"));
}

TEST(FiltersTest, AnEmptyRecordFailsAnIncludeThatNeedsText) {
  EXPECT_FALSE(Must({Include("a")}).Pass(""));
  EXPECT_TRUE(Must({Exclude("a")}).Pass(""));
}

TEST(FiltersTest, ExpressionsUseGoRegexpSyntax) {
  EXPECT_TRUE(Must({Include("(?i)error")}).Pass("Error: mixed case"));
  EXPECT_TRUE(Must({Include("^\\d{4}-\\d{2}-\\d{2}")}).Pass("2024-06-15 line"));
  EXPECT_TRUE(Must({Include("(?P<level>WARN|ERROR)")}).Pass("WARN x"));
  EXPECT_TRUE(Must({Include("\\bid=\\w+")}).Pass("user id=abc"));
}

TEST(FiltersTest, AnchorsApplyToTheWholeMultiLineRecord) {
  // As in Go, '^' and '$' mean the ends of the text unless (?m) says lines.
  const std::string record = "INFO request\n  ERROR in detail";
  EXPECT_FALSE(Must({Include("^ERROR")}).Pass(record));
  EXPECT_TRUE(Must({Include("(?m)^  ERROR")}).Pass(record));
  EXPECT_TRUE(Must({Include("detail$")}).Pass(record));
  EXPECT_FALSE(Must({Include("request$")}).Pass(record));
}

TEST(FiltersTest, DotDoesNotCrossNewlinesUnlessAsked) {
  const std::string record = "begin\nend";
  EXPECT_FALSE(Must({Include("begin.end")}).Pass(record));
  EXPECT_TRUE(Must({Include("(?s)begin.end")}).Pass(record));
}

TEST(FiltersTest, ExpressionsMatchUtf8Characters) {
  EXPECT_TRUE(Must({Include("^caf.$")}).Pass("caf\u00e9"));
  EXPECT_TRUE(Must({Include("\\p{Greek}")}).Pass("alpha \u03b1"));
  EXPECT_FALSE(Must({Include("\\p{Greek}")}).Pass("alpha a"));
}

TEST(FiltersTest, CopiesFilterAlike) {
  Filters original = Must({Include("keep"), Exclude("drop")});
  Filters copy = original;
  EXPECT_TRUE(copy.Pass("keep"));
  EXPECT_FALSE(copy.Pass("keep drop"));
  EXPECT_FALSE(copy.Pass("other"));
}

TEST(FiltersTest, AnInvalidExpressionIsInvalidArgumentNamingIt) {
  auto filters = Filters::Compile({Include("ok"), Exclude("([unclosed")});
  ASSERT_FALSE(filters.ok());
  EXPECT_EQ(Code::kInvalidArgument, filters.status().code());
  EXPECT_NE(std::string::npos, filters.status().message().find("([unclosed"))
      << filters.status().message();
}

TEST(FiltersTest, PerlOnlySyntaxIsRejectedAsGoRejectsIt) {
  for (const char* expression : {"(?=lookahead)", "(?<!behind)x", "(a)\\1", "a++"}) {
    auto filters = Filters::Compile({Include(expression)});
    EXPECT_FALSE(filters.ok()) << expression;
  }
}

}  // namespace
}  // namespace edgelog
