#include "agent/config/suggest.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace edgelog {
namespace {

TEST(SuggestTest, DistanceToItselfIsZero) {
  EXPECT_EQ(0u, EditDistance("", ""));
  EXPECT_EQ(0u, EditDistance("log_group_name", "log_group_name"));
}

TEST(SuggestTest, DistanceToEmptyIsTheLength) {
  EXPECT_EQ(3u, EditDistance("abc", ""));
  EXPECT_EQ(4u, EditDistance("", "abcd"));
}

TEST(SuggestTest, InsertDeleteAndSubstituteCostOneEach) {
  EXPECT_EQ(1u, EditDistance("log_groupname", "log_group_name"));  // insert
  EXPECT_EQ(1u, EditDistance("file_paths", "file_path"));          // delete
  EXPECT_EQ(1u, EditDistance("regoon", "region"));                 // substitute
}

TEST(SuggestTest, TranspositionCostsTwo) {
  // Plain Levenshtein: a swap is two substitutions.
  EXPECT_EQ(2u, EditDistance("ab", "ba"));
  EXPECT_EQ(2u, EditDistance("regoin", "region"));
}

TEST(SuggestTest, ClassicExamplesHaveTheirKnownDistances) {
  EXPECT_EQ(3u, EditDistance("kitten", "sitting"));
  EXPECT_EQ(2u, EditDistance("flaw", "lawn"));
  EXPECT_EQ(8u, EditDistance("rosettacode", "raisethysword"));
}

TEST(SuggestTest, DistanceIsSymmetric) {
  const std::vector<std::pair<std::string, std::string>> pairs = {
      {"kitten", "sitting"}, {"", "abc"}, {"force_flush_interval", "flush"}, {"ab", "ba"}};
  for (const auto& [a, b] : pairs) EXPECT_EQ(EditDistance(a, b), EditDistance(b, a)) << a;
}

TEST(SuggestTest, ClosestCandidateIsSuggested) {
  std::vector<std::string> keys = {"file_path", "log_group_name", "log_stream_name",
                                   "retention_in_days"};
  EXPECT_EQ("log_group_name", ClosestMatch("log_groupname", keys));
  EXPECT_EQ("log_stream_name", ClosestMatch("log_stream_nme", keys));
  EXPECT_EQ("retention_in_days", ClosestMatch("retention_days", keys));
  EXPECT_EQ("file_path", ClosestMatch("filepath", keys));
}

TEST(SuggestTest, ExactMatchIsItsOwnSuggestion) {
  EXPECT_EQ("region", ClosestMatch("region", {"debug", "region"}));
}

TEST(SuggestTest, NoCandidatesMeansNoSuggestion) {
  EXPECT_EQ("", ClosestMatch("anything", {}));
}

TEST(SuggestTest, FarCandidateIsNotSuggested) {
  EXPECT_EQ("", ClosestMatch("zzzzzzzzzzzz", {"file_path", "log_group_name"}));
}

TEST(SuggestTest, LongWordAllowsAThirdOfItsLengthAndNoMore) {
  // Nine letters: up to three edits.
  EXPECT_EQ("abcdefXYZ", ClosestMatch("abcdefghi", {"abcdefXYZ"}));
  EXPECT_EQ("", ClosestMatch("abcdefghi", {"abcdeWXYZ"}));
}

TEST(SuggestTest, ShortWordAllowsTwoEditsAndNoMore) {
  EXPECT_EQ("abX", ClosestMatch("abc", {"abX"}));
  EXPECT_EQ("aXY", ClosestMatch("abc", {"aXY"}));
  EXPECT_EQ("", ClosestMatch("abc", {"XYZ"}));
}

TEST(SuggestTest, CloserCandidateWinsWhateverItsPosition) {
  EXPECT_EQ("region", ClosestMatch("regionn", {"regional_x", "region"}));
  EXPECT_EQ("region", ClosestMatch("regionn", {"region", "regional_x"}));
}

}  // namespace
}  // namespace edgelog
