#include "agent/run/ack_tracker.h"

#include <gtest/gtest.h>

namespace edgelog {
namespace {

TEST(AckTrackerTest, ASourceStartsAtItsStartOffset) {
  AckTracker t;
  t.AddSource(0, 0);
  t.AddSource(1, 500);
  EXPECT_EQ(0u, t.delivered(0));
  EXPECT_EQ(500u, t.delivered(1));
  EXPECT_FALSE(t.TakeChanged());
}

TEST(AckTrackerTest, OffsetAdvancesOnlyWhenTheBatchIsAcked) {
  AckTracker t;
  t.AddSource(0, 0);
  t.OnRecord(0, 1, 10);
  t.OnRecord(0, 1, 20);
  EXPECT_EQ(0u, t.delivered(0));
  EXPECT_EQ(1u, t.pending_batches());
  EXPECT_FALSE(t.TakeChanged());
  t.OnAck(1);
  EXPECT_EQ(20u, t.delivered(0)) << "past the last record of the batch";
  EXPECT_EQ(0u, t.pending_batches());
  EXPECT_TRUE(t.TakeChanged());
  EXPECT_FALSE(t.TakeChanged()) << "changed is reported once";
}

TEST(AckTrackerTest, OffsetAdvancesOnlyPastAContiguousPrefixOfAckedBatches) {
  AckTracker t;
  t.AddSource(0, 0);
  t.OnRecord(0, 1, 10);
  t.OnRecord(0, 2, 20);
  t.OnRecord(0, 3, 30);
  t.OnAck(2);
  EXPECT_EQ(0u, t.delivered(0)) << "batch 1 may still be lost";
  EXPECT_FALSE(t.TakeChanged());
  t.OnAck(3);
  EXPECT_EQ(0u, t.delivered(0));
  t.OnAck(1);
  EXPECT_EQ(30u, t.delivered(0)) << "1, 2 and 3 are all acknowledged now";
  EXPECT_TRUE(t.TakeChanged());
  EXPECT_EQ(0u, t.pending_batches());
}

TEST(AckTrackerTest, OutOfOrderAcksStopAtTheFirstGap) {
  AckTracker t;
  t.AddSource(0, 100);
  for (uint64_t b = 1; b <= 5; ++b) t.OnRecord(0, b, 100 + 10 * b);
  t.OnAck(1);
  EXPECT_EQ(110u, t.delivered(0));
  t.OnAck(3);
  t.OnAck(5);
  EXPECT_EQ(110u, t.delivered(0));
  t.OnAck(2);
  EXPECT_EQ(130u, t.delivered(0)) << "up to 3; 4 is still out";
  t.OnAck(4);
  EXPECT_EQ(150u, t.delivered(0));
}

TEST(AckTrackerTest, AnUnknownOrRepeatedAckChangesNothing) {
  AckTracker t;
  t.AddSource(0, 0);
  t.OnRecord(0, 1, 10);
  t.OnAck(99);
  EXPECT_EQ(0u, t.delivered(0));
  EXPECT_FALSE(t.TakeChanged());
  t.OnAck(1);
  EXPECT_TRUE(t.TakeChanged());
  t.OnAck(1);
  EXPECT_EQ(10u, t.delivered(0));
  EXPECT_FALSE(t.TakeChanged());
}

TEST(AckTrackerTest, SkippedBytesWithNothingPendingCountAsDeliveredAtOnce) {
  AckTracker t;
  t.AddSource(0, 0);
  t.OnSkipped(0, 1);
  EXPECT_EQ(1u, t.delivered(0));
  EXPECT_TRUE(t.TakeChanged());
  t.OnRecord(0, 1, 5);
  t.OnAck(1);
  t.OnSkipped(0, 6);
  EXPECT_EQ(6u, t.delivered(0));
}

TEST(AckTrackerTest, SkippedBytesAfterPendingRecordsWaitForThem) {
  AckTracker t;
  t.AddSource(0, 0);
  t.OnRecord(0, 1, 10);
  t.OnSkipped(0, 11);  // an empty line after the record
  EXPECT_EQ(0u, t.delivered(0)) << "skipping must not jump over undelivered data";
  EXPECT_FALSE(t.TakeChanged());
  t.OnAck(1);
  EXPECT_EQ(11u, t.delivered(0));
}

TEST(AckTrackerTest, SkippedBytesBetweenTwoBatchesWaitForTheEarlierOne) {
  AckTracker t;
  t.AddSource(0, 0);
  t.OnRecord(0, 1, 10);
  t.OnSkipped(0, 11);
  t.OnRecord(0, 2, 20);
  t.OnAck(2);
  EXPECT_EQ(0u, t.delivered(0));
  t.OnAck(1);
  EXPECT_EQ(20u, t.delivered(0));
}

TEST(AckTrackerTest, SkippedBytesAfterAnAckedButBlockedBatchWaitForTheGap) {
  AckTracker t;
  t.AddSource(0, 0);
  t.OnRecord(0, 1, 10);
  t.OnRecord(0, 2, 20);
  t.OnAck(2);
  t.OnSkipped(0, 21);
  EXPECT_EQ(0u, t.delivered(0));
  t.OnAck(1);
  EXPECT_EQ(21u, t.delivered(0));
}

TEST(AckTrackerTest, SeveralSourcesInOneBatchAllAdvanceWithItsAck) {
  AckTracker t;
  t.AddSource(0, 0);
  t.AddSource(1, 0);
  t.AddSource(2, 7);
  t.OnRecord(0, 1, 10);
  t.OnRecord(1, 1, 100);
  t.OnRecord(0, 1, 15);
  t.OnRecord(1, 1, 110);
  EXPECT_EQ(1u, t.pending_batches());
  t.OnAck(1);
  EXPECT_EQ(15u, t.delivered(0));
  EXPECT_EQ(110u, t.delivered(1));
  EXPECT_EQ(7u, t.delivered(2)) << "a source without records in the batch stays";
  EXPECT_EQ(0u, t.pending_batches());
}

TEST(AckTrackerTest, SourcesSharingBatchesAdvanceIndependently) {
  AckTracker t;
  t.AddSource(0, 0);
  t.AddSource(1, 0);
  t.OnRecord(0, 1, 10);
  t.OnRecord(1, 2, 100);
  t.OnRecord(0, 3, 20);
  t.OnAck(2);
  EXPECT_EQ(0u, t.delivered(0));
  EXPECT_EQ(100u, t.delivered(1)) << "source 1 waits for nothing of source 0";
  t.OnAck(3);
  EXPECT_EQ(0u, t.delivered(0));
  t.OnAck(1);
  EXPECT_EQ(20u, t.delivered(0));
}

TEST(AckTrackerTest, AfterTruncationTheLowerOffsetWins) {
  AckTracker t;
  t.AddSource(0, 0);
  t.OnRecord(0, 1, 1000);
  t.OnAck(1);
  ASSERT_EQ(1000u, t.delivered(0));
  // The file was truncated; reading starts again at 0.
  t.OnRecord(0, 2, 12);
  t.OnAck(2);
  EXPECT_EQ(12u, t.delivered(0));
  EXPECT_TRUE(t.TakeChanged());
}

TEST(AckTrackerTest, TruncationWhileABatchIsPendingEndsAtTheNewOffset) {
  AckTracker t;
  t.AddSource(0, 0);
  t.OnRecord(0, 1, 1000);  // before the truncation
  t.OnRecord(0, 2, 12);    // after it
  t.OnAck(2);
  EXPECT_EQ(0u, t.delivered(0));
  t.OnAck(1);
  EXPECT_EQ(12u, t.delivered(0));
}

TEST(AckTrackerTest, SkippedBytesAfterTruncationMoveTheOffsetDown) {
  AckTracker t;
  t.AddSource(0, 500);
  t.OnSkipped(0, 1);  // the truncated file starts with an empty line
  EXPECT_EQ(1u, t.delivered(0));
  EXPECT_TRUE(t.TakeChanged());
}

TEST(AckTrackerTest, SourcesAddedLaterKeepTheirOwnOffsets) {
  AckTracker t;
  t.AddSource(0, 0);
  t.OnRecord(0, 1, 10);
  t.AddSource(1, 40);
  t.OnRecord(1, 1, 50);
  t.OnAck(1);
  EXPECT_EQ(10u, t.delivered(0));
  EXPECT_EQ(50u, t.delivered(1));
}

}  // namespace
}  // namespace edgelog
