#include "agent/batch/batcher.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "tests/agent/batch/batcher_test_fixture.h"

namespace edgelog {
namespace {

using batcher_test::EventsOf;
using batcher_test::kDay;
using batcher_test::kInterval;
using batcher_test::kT0;
using batcher_test::MustAdd;
using batcher_test::Options;
using batcher_test::PopAll;
using batcher_test::Targets;

// --- joining and sealing -----------------------------------------------------

TEST(BatcherTest, NothingIsSealedBeforeALimitOrTheInterval) {
  Batcher b(Targets(1), Options());
  MustAdd(b, 0, kT0, "a");
  MustAdd(b, 0, kT0 + 1, "b");
  EXPECT_FALSE(b.HasSealed());
  EXPECT_EQ(0u, b.sealed_bytes());
  EXPECT_GT(b.open_bytes(), 0u);
}

TEST(BatcherTest, EventsOfOneStreamJoinOneBatch) {
  Batcher b(Targets(1), Options());
  uint64_t id = MustAdd(b, 0, kT0, "a");
  EXPECT_EQ(id, MustAdd(b, 0, kT0, "b"));
  EXPECT_EQ(id, MustAdd(b, 0, kT0, "c"));
  ASSERT_TRUE(b.SealAll().ok());
  std::vector<Batch> batches = PopAll(b);
  ASSERT_EQ(1u, batches.size());
  EXPECT_EQ(id, batches[0].id);
  EXPECT_EQ(3u, batches[0].event_count);
}

TEST(BatcherTest, SealAllWithNothingOpenSealsNothing) {
  Batcher b(Targets(2), Options());
  ASSERT_TRUE(b.SealAll().ok());
  EXPECT_FALSE(b.HasSealed());
  EXPECT_FALSE(b.NextDueMs().has_value());
}

TEST(BatcherTest, EventAfterASealStartsANewBatch) {
  Batcher b(Targets(1), Options());
  uint64_t first = MustAdd(b, 0, kT0, "a");
  ASSERT_TRUE(b.SealAll().ok());
  uint64_t second = MustAdd(b, 0, kT0, "b");
  EXPECT_NE(first, second);
  ASSERT_TRUE(b.SealAll().ok());
  std::vector<Batch> batches = PopAll(b);
  ASSERT_EQ(2u, batches.size());
  EXPECT_EQ("a", EventsOf(batches[0]).at(0).message);
  EXPECT_EQ("b", EventsOf(batches[1]).at(0).message);
}

// --- the flush interval ------------------------------------------------------

TEST(BatcherTest, SealDueOneMillisecondBeforeTheIntervalSealsNothing) {
  Batcher b(Targets(1), Options(kInterval));
  MustAdd(b, 0, kT0, "a", /*now=*/1000);
  ASSERT_TRUE(b.SealDue(1000 + kInterval - 1).ok());
  EXPECT_FALSE(b.HasSealed());
}

TEST(BatcherTest, SealDueAtTheIntervalSealsTheBatch) {
  Batcher b(Targets(1), Options(kInterval));
  MustAdd(b, 0, kT0, "a", /*now=*/1000);
  ASSERT_TRUE(b.SealDue(1000 + kInterval).ok());
  ASSERT_TRUE(b.HasSealed());
  EXPECT_EQ(1u, b.PopSealed().event_count);
  EXPECT_EQ(0u, b.open_bytes());
}

TEST(BatcherTest, IntervalCountsFromTheFirstEventOfTheBatch) {
  Batcher b(Targets(1), Options(kInterval));
  MustAdd(b, 0, kT0, "a", /*now=*/1000);
  MustAdd(b, 0, kT0, "b", /*now=*/1000 + kInterval - 1);
  ASSERT_TRUE(b.SealDue(1000 + kInterval).ok());
  ASSERT_TRUE(b.HasSealed());
  EXPECT_EQ(2u, b.PopSealed().event_count);
}

TEST(BatcherTest, NextDueIsTheFirstEventTimePlusTheInterval) {
  Batcher b(Targets(1), Options(kInterval));
  EXPECT_FALSE(b.NextDueMs().has_value());
  MustAdd(b, 0, kT0, "a", /*now=*/1000);
  MustAdd(b, 0, kT0, "b", /*now=*/3000);
  ASSERT_TRUE(b.NextDueMs().has_value());
  EXPECT_EQ(1000 + kInterval, *b.NextDueMs());
  ASSERT_TRUE(b.SealDue(*b.NextDueMs()).ok());
  EXPECT_FALSE(b.NextDueMs().has_value());
}

TEST(BatcherTest, NextDueIsTheEarliestOverAllStreams) {
  Batcher b(Targets(3), Options(kInterval));
  MustAdd(b, 2, kT0, "a", /*now=*/3000);
  MustAdd(b, 0, kT0, "b", /*now=*/2000);
  MustAdd(b, 1, kT0, "c", /*now=*/4000);
  EXPECT_EQ(2000 + kInterval, b.NextDueMs());
  ASSERT_TRUE(b.SealDue(2000 + kInterval).ok());
  std::vector<Batch> batches = PopAll(b);
  ASSERT_EQ(1u, batches.size());
  EXPECT_EQ(0u, batches[0].stream);
  EXPECT_EQ(3000 + kInterval, b.NextDueMs());
}

TEST(BatcherTest, BatchSealedByALimitRestartsTheInterval) {
  Batcher b(Targets(1), Options(kInterval));
  MustAdd(b, 0, kT0, "a", /*now=*/0);
  MustAdd(b, 0, kT0 + kDay + 1, "b", /*now=*/4000);  // seals the first batch
  EXPECT_EQ(4000 + kInterval, b.NextDueMs());
  ASSERT_TRUE(b.SealDue(kInterval).ok());
  EXPECT_EQ(1u, PopAll(b).size());  // only the one the span sealed
}

// --- how old the lines held are ----------------------------------------------

TEST(BatcherTest, ABatchKeepsWhenItsFirstEventWasRead) {
  Batcher b(Targets(2), Options());
  ASSERT_TRUE(b.Add(0, kT0, "a", /*now_ms=*/1000).ok());
  ASSERT_TRUE(b.Add(0, kT0, "b", /*now_ms=*/1700).ok());
  ASSERT_TRUE(b.Add(1, kT0, "c", /*now_ms=*/1200).ok());
  std::vector<int64_t> oldest(3, INT64_MAX);
  b.NoteOldest(&oldest);
  EXPECT_EQ((std::vector<int64_t>{1000, 1200, INT64_MAX}), oldest);
  ASSERT_TRUE(b.SealAll().ok());
  std::vector<int64_t> sealed(2, 1100);  // a younger one known elsewhere stays
  b.NoteOldest(&sealed);
  EXPECT_EQ((std::vector<int64_t>{1000, 1100}), sealed);
  std::vector<Batch> batches = PopAll(b);
  ASSERT_EQ(2u, batches.size());
  EXPECT_EQ(1000, batches[0].read_at_ms);
  EXPECT_EQ(1200, batches[1].read_at_ms);
  std::vector<int64_t> none(2, INT64_MAX);
  b.NoteOldest(&none);
  EXPECT_EQ((std::vector<int64_t>{INT64_MAX, INT64_MAX}), none);
}

}  // namespace
}  // namespace edgelog
