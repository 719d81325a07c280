// A full spool: WhenFull::kBlock refuses, WhenFull::kDropOldest drops whole
// oldest batches, counted and logged.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "agent/spool/spool.h"
#include "tests/agent/spool/spool_test_fixture.h"

namespace edgelog {
namespace {

using spool_test::MakeBatch;
using spool_test::RecordBytes;
using spool_test::SpoolTest;
using IdList = std::vector<int>;
using Seqs = std::vector<uint64_t>;

class SpoolFullTest : public SpoolTest {
 protected:
  // Room for exactly `n` batches of the default size.
  void RoomFor(int n, WhenFull when_full) {
    options_.max_bytes = static_cast<uint64_t>(n) * RecordBytes(MakeBatch(1));
    options_.when_full = when_full;
  }
};

TEST_F(SpoolFullTest, BlockRefusesWithNoSpaceWhenFullAndWritesNothing) {
  RoomFor(3, WhenFull::kBlock);
  auto spool = Open();
  ASSERT_TRUE(spool);
  AppendAndSync(*spool, {1, 2, 3});
  std::string before = env_.ReadFile(SegmentPath("000001.seg"));
  auto refused = spool->Append(MakeBatch(4));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(Code::kNoSpace, refused.status().code());
  EXPECT_TRUE(before == env_.ReadFile(SegmentPath("000001.seg"))) << "nothing written";
  EXPECT_FALSE(spool->has_unsynced());
  EXPECT_EQ(3u, spool->stats().appended);
  EXPECT_EQ(0u, spool->stats().dropped_batches);
  EXPECT_EQ((IdList{1, 2, 3}), Ids(TakeAll(*spool)));
}

TEST_F(SpoolFullTest, BlockCountsTakenAndUnsyncedBatchesUntilTheyAreAcked) {
  RoomFor(2, WhenFull::kBlock);
  auto spool = Open();
  ASSERT_TRUE(spool);
  AppendAndSync(*spool, {1});
  ASSERT_TRUE(spool->TakeNext().has_value());           // being sent
  ASSERT_TRUE(spool->Append(MakeBatch(2)).ok());        // not synced
  EXPECT_EQ(Code::kNoSpace, spool->Append(MakeBatch(3)).status().code());
}

// The parts left of a record partly answered replace it: not refused,
// though the record still counts until it is closed.
TEST_F(SpoolFullTest, BlockTakesPartsReplacingARecordPastTheCap) {
  RoomFor(2, WhenFull::kBlock);
  auto spool = Open();
  ASSERT_TRUE(spool);
  AppendAndSync(*spool, {1, 2});
  ASSERT_TRUE(spool->TakeNext().has_value());  // record 1, partly answered
  EXPECT_EQ(Code::kNoSpace, spool->Append(MakeBatch(3)).status().code());
  ASSERT_TRUE(spool->Append(MakeBatch(11), /*replacing=*/true).ok());
  ASSERT_TRUE(spool->Sync().ok());
}

// Nor is another record dropped to make room for them.
TEST_F(SpoolFullTest, DropOldestDropsNothingForPartsReplacingARecord) {
  RoomFor(2, WhenFull::kDropOldest);
  auto spool = Open();
  ASSERT_TRUE(spool);
  AppendAndSync(*spool, {1, 2});
  ASSERT_TRUE(spool->TakeNext().has_value());  // record 1, partly answered
  ASSERT_TRUE(spool->Append(MakeBatch(11), /*replacing=*/true).ok());
  ASSERT_TRUE(spool->Sync().ok());
  EXPECT_EQ(0u, spool->stats().dropped_batches);
  EXPECT_EQ((IdList{2, 11}), Ids(TakeAll(*spool)));
}

TEST_F(SpoolFullTest, BlockAcceptsAgainOnceAcksMakeRoom) {
  RoomFor(2, WhenFull::kBlock);
  auto spool = Open();
  ASSERT_TRUE(spool);
  Seqs seqs = AppendAndSync(*spool, {1, 2});
  ASSERT_FALSE(spool->Append(MakeBatch(3)).ok());
  ASSERT_TRUE(spool->TakeNext().has_value());
  spool->Ack(seqs[0]);
  auto again = spool->Append(MakeBatch(3));
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  ASSERT_TRUE(spool->Sync().ok());
  EXPECT_EQ((IdList{2, 3}), Ids(TakeAll(*spool)));
}

TEST_F(SpoolFullTest, DropOldestDropsWholeOldestBatchesAndCountsThem) {
  RoomFor(3, WhenFull::kDropOldest);
  auto spool = Open();
  ASSERT_TRUE(spool);
  AppendAndSync(*spool, {1, 2, 3});
  uint64_t before = spool->bytes();
  AppendAndSync(*spool, {4, 5});
  EXPECT_EQ(2u, spool->stats().dropped_batches);
  EXPECT_EQ(MakeBatch(1).event_count + MakeBatch(2).event_count, spool->stats().dropped_events);
  EXPECT_EQ(before + RecordBytes(MakeBatch(4)) + RecordBytes(MakeBatch(5)) -
                spool->stats().dropped_bytes,
            spool->bytes())
      << "dropped bytes are what left the buffer";
  EXPECT_LE(spool->bytes(), options_.max_bytes);
  EXPECT_EQ(5u, spool->stats().appended);
  EXPECT_EQ((IdList{3, 4, 5}), Ids(TakeAll(*spool)));
}

TEST_F(SpoolFullTest, DropOldestDropsAsManyBatchesAsALargeOneNeeds) {
  RoomFor(4, WhenFull::kDropOldest);
  auto spool = Open();
  ASSERT_TRUE(spool);
  AppendAndSync(*spool, {1, 2, 3, 4});
  // A record more than twice the size of a small one: three must go.
  SpooledBatch large = MakeBatch(5, 600);
  ASSERT_GT(RecordBytes(large), 2 * RecordBytes(MakeBatch(1)));
  ASSERT_LT(RecordBytes(large), 3 * RecordBytes(MakeBatch(1)));
  AppendAndSync(*spool, {5}, 600);
  EXPECT_EQ(3u, spool->stats().dropped_batches);
  EXPECT_LE(spool->bytes(), options_.max_bytes);
  EXPECT_EQ((IdList{4, 5}), Ids(TakeAll(*spool)));
}

TEST_F(SpoolFullTest, DropOldestLogsTheDropsAtMostOncePerMinute) {
  RoomFor(1, WhenFull::kDropOldest);
  auto spool = Open();
  ASSERT_TRUE(spool);
  AppendAndSync(*spool, {1, 2, 3});
  EXPECT_EQ(1, log_.Count(LogLevel::kWarning, "dropped the oldest"));
  clock_.Advance(60000);
  AppendAndSync(*spool, {4});
  EXPECT_EQ(2, log_.Count(LogLevel::kWarning, "dropped the oldest"));
  EXPECT_EQ(1, log_.Count(LogLevel::kWarning, "so far 3 batches"));
}

TEST_F(SpoolFullTest, DroppedBatchesStayDroppedAfterReopening) {
  RoomFor(2, WhenFull::kDropOldest);
  {
    auto spool = Open();
    ASSERT_TRUE(spool);
    AppendAndSync(*spool, {1, 2, 3, 4});
  }
  auto spool = Open();
  ASSERT_TRUE(spool);
  EXPECT_EQ((IdList{3, 4}), Ids(TakeAll(*spool)));
}

// During an outage the sender holds the oldest batches (taken, retried):
// the cap must still hold, by dropping the oldest of those that wait.
TEST_F(SpoolFullTest, DropOldestKeepsTheCapWhileTheOldestBatchesAreBeingSent) {
  RoomFor(3, WhenFull::kDropOldest);
  auto spool = Open();
  ASSERT_TRUE(spool);
  AppendAndSync(*spool, {1, 2, 3});
  ASSERT_TRUE(spool->TakeNext().has_value());  // batch 1 is in flight
  AppendAndSync(*spool, {4, 5});
  EXPECT_LE(spool->bytes(), options_.max_bytes)
      << "the buffer grew past its cap; dropped " << spool->stats().dropped_batches
      << " batches";
  EXPECT_EQ(2u, spool->stats().dropped_batches);
  EXPECT_EQ((IdList{4, 5}), Ids(TakeAll(*spool))) << "2 and 3 dropped, 1 still in flight";
}

}  // namespace
}  // namespace edgelog
