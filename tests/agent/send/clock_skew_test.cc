#include "agent/send/clock_skew.h"

#include <gtest/gtest.h>

namespace edgelog {
namespace {

TEST(ParseHttpDateTest, ReadsImfFixdate) {
  EXPECT_EQ(784111777000, ParseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT"));
  EXPECT_EQ(1795310887000, ParseHttpDate("Sun, 22 Nov 2026 01:28:07 GMT"));
  EXPECT_EQ(951782400000, ParseHttpDate("Tue, 29 Feb 2000 00:00:00 GMT"));
}

TEST(ParseHttpDateTest, RefusesEverythingElse) {
  for (const char* bad :
       {"", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994",
        "Sun, 06 Nov 1994 08:49:37 UTC", "Sun, 06 Xyz 1994 08:49:37 GMT",
        "Sun, 06 Nov 1994 24:49:37 GMT", "Sun, 6 Nov 1994 08:49:37 GMT ",
        "Sun, 06 Nov 19x4 08:49:37 GMT"}) {
    EXPECT_FALSE(ParseHttpDate(bad).has_value()) << bad;
  }
}

TEST(ClockSkewTest, SmallDifferencesAreNotApplied) {
  ClockSkew skew;
  int64_t aws = *ParseHttpDate("Sun, 22 Nov 2026 01:28:07 GMT");
  EXPECT_FALSE(skew.Observe("Sun, 22 Nov 2026 01:28:07 GMT", aws + 20000));
  EXPECT_EQ(0, skew.offset_ms());
  EXPECT_EQ(aws, skew.AwsNowMs(aws));
}

TEST(ClockSkewTest, AClockTenMinutesBehindIsCorrectedOnceAndDescribed) {
  ClockSkew skew;
  int64_t aws = *ParseHttpDate("Sun, 22 Nov 2026 01:28:07 GMT");
  int64_t local = aws - 600000;
  EXPECT_TRUE(skew.Observe("Sun, 22 Nov 2026 01:28:07 GMT", local));
  EXPECT_NEAR(600000, skew.offset_ms(), 1000);
  EXPECT_NEAR(aws, skew.AwsNowMs(local), 1000);
  EXPECT_FALSE(skew.Observe("Sun, 22 Nov 2026 01:28:08 GMT", local + 1000)) << "same offset";
  EXPECT_EQ("the system clock is 10 min 0 s behind AWS's", skew.Describe());
  // The clock was set right: the offset goes.
  EXPECT_TRUE(skew.Observe("Sun, 22 Nov 2026 01:28:09 GMT", aws + 2000));
  EXPECT_EQ(0, skew.offset_ms());
}

TEST(ClockSkewTest, AClockAheadIsCorrectedTheOtherWay) {
  ClockSkew skew;
  int64_t aws = *ParseHttpDate("Sun, 22 Nov 2026 01:28:07 GMT");
  EXPECT_TRUE(skew.Observe("Sun, 22 Nov 2026 01:28:07 GMT", aws + 3723000));
  EXPECT_LT(skew.offset_ms(), 0);
  EXPECT_EQ("the system clock is 1 h 2 min 2 s ahead of AWS's", skew.Describe());
}

}  // namespace
}  // namespace edgelog
