#include "agent/text/ascii.h"

#include <gtest/gtest.h>

namespace edgelog {
namespace {

TEST(AsciiTest, LowerTouchesOnlyAsciiLetters) {
  EXPECT_EQ("x-amz-date: 20260115t", AsciiLower("X-Amz-Date: 20260115T"));
  EXPECT_EQ("\xc3\x89t\xc3\xa9", AsciiLower("\xc3\x89T\xc3\xa9"));
}

TEST(AsciiTest, TrimRemovesSpaceTabCrLfAtBothEnds) {
  EXPECT_EQ("a b", TrimAsciiSpace(" \t a b\r\n"));
  EXPECT_EQ("", TrimAsciiSpace(" \r\n\t "));
  EXPECT_EQ("x", TrimAsciiSpace("x"));
}

}  // namespace
}  // namespace edgelog
