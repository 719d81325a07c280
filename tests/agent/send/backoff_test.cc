#include "agent/send/backoff.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

namespace edgelog {
namespace {

TEST(BackoffTest, CeilingStartsAtTheBaseAndDoublesWithEachAttempt) {
  BackoffPolicy p{/*base_ms=*/200, /*cap_ms=*/20000};
  EXPECT_EQ(200, BackoffCeilingMs(p, 0));
  EXPECT_EQ(400, BackoffCeilingMs(p, 1));
  EXPECT_EQ(800, BackoffCeilingMs(p, 2));
  EXPECT_EQ(1600, BackoffCeilingMs(p, 3));
  EXPECT_EQ(12800, BackoffCeilingMs(p, 6));
}

TEST(BackoffTest, CeilingStopsAtTheCap) {
  BackoffPolicy p{200, 20000};
  EXPECT_EQ(20000, BackoffCeilingMs(p, 7));  // 25600 capped
  EXPECT_EQ(20000, BackoffCeilingMs(p, 8));
  EXPECT_EQ(20000, BackoffCeilingMs(p, 30));
}

TEST(BackoffTest, HugeAttemptNumbersDoNotOverflow) {
  BackoffPolicy p{200, 20000};
  for (int attempt : {31, 62, 63, 64, 1000, 1 << 30}) {
    EXPECT_EQ(20000, BackoffCeilingMs(p, attempt)) << attempt;
  }
}

TEST(BackoffTest, NegativeAttemptIsTreatedAsTheFirst) {
  EXPECT_EQ(200, BackoffCeilingMs(BackoffPolicy{200, 20000}, -5));
}

TEST(BackoffTest, DefaultPolicyIsTwoHundredMillisecondsCappedAtTwentySeconds) {
  BackoffPolicy p;
  EXPECT_EQ(200, BackoffCeilingMs(p, 0));
  EXPECT_EQ(20000, BackoffCeilingMs(p, 100));
}

TEST(BackoffTest, JitteredDelayStaysWithinZeroAndTheCeiling) {
  BackoffPolicy p{100, 5000};
  std::mt19937_64 rng(12345);
  for (int attempt = 0; attempt < 12; ++attempt) {
    int64_t ceiling = BackoffCeilingMs(p, attempt);
    for (int i = 0; i < 500; ++i) {
      int64_t d = BackoffDelayMs(p, attempt, rng);
      ASSERT_GE(d, 0) << "attempt " << attempt;
      ASSERT_LE(d, ceiling) << "attempt " << attempt;
    }
  }
}

TEST(BackoffTest, JitterIsFullSpreadingOverTheWholeRange) {
  // Full jitter: delays use the whole [0, ceiling], not just its top.
  BackoffPolicy p{1000, 1000};
  std::mt19937_64 rng(7);
  int low = 0, high = 0;
  for (int i = 0; i < 1000; ++i) {
    int64_t d = BackoffDelayMs(p, 0, rng);
    if (d < 250) ++low;
    if (d > 750) ++high;
  }
  EXPECT_GT(low, 100);
  EXPECT_GT(high, 100);
}

TEST(BackoffTest, SameSeedGivesTheSameDelays) {
  BackoffPolicy p;
  std::mt19937_64 a(42), b(42), c(43);
  std::vector<int64_t> da, db, dc;
  for (int attempt = 0; attempt < 20; ++attempt) {
    da.push_back(BackoffDelayMs(p, attempt, a));
    db.push_back(BackoffDelayMs(p, attempt, b));
    dc.push_back(BackoffDelayMs(p, attempt, c));
  }
  EXPECT_EQ(da, db);
  EXPECT_NE(da, dc);
}

}  // namespace
}  // namespace edgelog
