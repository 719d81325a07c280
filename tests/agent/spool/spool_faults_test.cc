// The spool under single, targeted disk faults (the sweeps in
// spool_sweep_test.cc visit every fault point; these pin down contracts).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "agent/spool/spool.h"
#include "tests/agent/spool/spool_test_fixture.h"
#include "tests/support/fault_env.h"

namespace edgelog {
namespace {

using spool_test::MakeBatch;
using spool_test::RecordBytes;
using spool_test::SpoolTest;
using testing::FaultEnv;
using testing::FaultKind;
using testing::FaultPersistence;
using IdList = std::vector<int>;
using Seqs = std::vector<uint64_t>;

class SpoolFaultsTest : public SpoolTest {
 protected:
  // The next counted call fails (FaultEnv counts from FailCall on).
  void FailNextCall(FaultKind kind,
                    FaultPersistence persistence = FaultPersistence::kOnce) {
    faults_.FailCall(1, kind, persistence);
  }
  // What a restart after power loss finds.
  IdList IdsAfterCrash(bool keep_unsynced_bytes) {
    env_.SimulateCrash(keep_unsynced_bytes);
    auto spool = Open();
    return spool ? Ids(TakeAll(*spool)) : IdList{-1};
  }

  FaultEnv faults_{env_};
};

TEST_F(SpoolFaultsTest, AFailedSyncDeclaresNothingDurableAndCutsItsBatches) {
  {
    auto spool = Open(&faults_);
    ASSERT_TRUE(spool);
    AppendAndSync(*spool, {1});
    ASSERT_TRUE(spool->Append(MakeBatch(2)).ok());
    ASSERT_TRUE(spool->Append(MakeBatch(3)).ok());
    FailNextCall(FaultKind::kIoError);
    auto synced = spool->Sync();
    ASSERT_FALSE(synced.ok());
    EXPECT_TRUE(faults_.fired());
    EXPECT_EQ((IdList{1}), Ids(TakeAll(*spool)));
    EXPECT_FALSE(spool->has_unsynced());
  }
  // Even if the OS wrote them after all, they do not come back: the caller
  // still has them and appends them again.
  EXPECT_EQ((IdList{1}), IdsAfterCrash(/*keep_unsynced_bytes=*/true));
}

TEST_F(SpoolFaultsTest, AfterAFailedSyncTheBatchesCanBeAppendedAndSyncedAgain) {
  {
    auto spool = Open(&faults_);
    ASSERT_TRUE(spool);
    AppendAndSync(*spool, {1});
    ASSERT_TRUE(spool->Append(MakeBatch(2)).ok());
    FailNextCall(FaultKind::kIoError);
    ASSERT_FALSE(spool->Sync().ok());
    auto again = spool->Append(MakeBatch(2));
    ASSERT_TRUE(again.ok()) << again.status().ToString();
    auto synced = spool->Sync();
    ASSERT_TRUE(synced.ok()) << synced.status().ToString();
    EXPECT_EQ((Seqs{*again}), *synced);
  }
  EXPECT_EQ((IdList{1, 2}), IdsAfterCrash(/*keep_unsynced_bytes=*/false));
}

TEST_F(SpoolFaultsTest, ADiskFullAppendIsReportedAsNoSpaceAndCanBeRetried) {
  auto spool = Open(&faults_);
  ASSERT_TRUE(spool);
  FailNextCall(FaultKind::kNoSpace);
  auto refused = spool->Append(MakeBatch(1));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(Code::kNoSpace, refused.status().code());
  EXPECT_FALSE(spool->has_unsynced());
  AppendAndSync(*spool, {1});
  EXPECT_EQ((IdList{1}), Ids(TakeAll(*spool)));
}

TEST_F(SpoolFaultsTest, AShortWriteLeavesNothingALaterAppendTripsOver) {
  {
    auto spool = Open(&faults_);
    ASSERT_TRUE(spool);
    AppendAndSync(*spool, {1});
    FailNextCall(FaultKind::kShortWrite);
    ASSERT_FALSE(spool->Append(MakeBatch(2)).ok());
    AppendAndSync(*spool, {2, 3});
    EXPECT_EQ((IdList{1, 2, 3}), Ids(TakeAll(*spool)));
  }
  env_.SimulateCrash(/*keep_unsynced_bytes=*/true);
  auto spool = Open();
  ASSERT_TRUE(spool);
  EXPECT_EQ((IdList{1, 2, 3}), Ids(TakeAll(*spool)));
  EXPECT_EQ(0u, spool->stats().torn_tails);
  EXPECT_EQ(0u, spool->stats().corrupt_segments);
}

TEST_F(SpoolFaultsTest, AShortWriteThatCannotBeCleanedUpIsCutAsATornTailAtOpen) {
  {
    auto spool = Open(&faults_);
    ASSERT_TRUE(spool);
    AppendAndSync(*spool, {1});
    FailNextCall(FaultKind::kShortWrite, FaultPersistence::kFromThenOn);
    ASSERT_FALSE(spool->Append(MakeBatch(2)).ok());
  }
  env_.SimulateCrash(/*keep_unsynced_bytes=*/true);
  auto spool = Open();
  ASSERT_TRUE(spool);
  EXPECT_EQ((IdList{1}), Ids(TakeAll(*spool)));
  EXPECT_EQ(1u, spool->stats().torn_tails);
}

// Ack() may start a new segment: the batches still unsynced in the old one
// must be made durable by the next Sync all the same.
TEST_F(SpoolFaultsTest, ABatchAppendedJustBeforeAnAckStartsASegmentIsDurableAfterSync) {
  options_.segment_bytes = 2 * RecordBytes(MakeBatch(1));
  Seqs synced;
  {
    auto spool = Open();
    ASSERT_TRUE(spool);
    Seqs first = AppendAndSync(*spool, {1});
    ASSERT_TRUE(spool->TakeNext().has_value());
    auto second = spool->Append(MakeBatch(2));  // fills segment 1, not synced
    ASSERT_TRUE(second.ok());
    spool->Ack(first[0]);  // starts segment 2 for its record
    auto result = spool->Sync();
    ASSERT_TRUE(result.ok());
    synced = *result;
    ASSERT_EQ((Seqs{*second}), synced) << "Sync declared batch 2 durable";
  }
  EXPECT_EQ((IdList{2}), IdsAfterCrash(/*keep_unsynced_bytes=*/false))
      << "batch 2 was declared durable, then lost";
}

// Append() syncs before it leaves a full segment. When that sync fails, the
// batches appended earlier must not vanish unreported: either a later Sync
// declares them durable, or the caller is told.
TEST_F(SpoolFaultsTest, AFailedSyncInsideAppendDoesNotSilentlyForgetEarlierAppends) {
  options_.segment_bytes = RecordBytes(MakeBatch(1));  // one batch per segment
  auto spool = Open(&faults_);
  ASSERT_TRUE(spool);
  AppendAndSync(*spool, {1});
  auto earlier = spool->Append(MakeBatch(2));  // OK: in segment 2, unsynced
  ASSERT_TRUE(earlier.ok());
  FailNextCall(FaultKind::kIoError);  // the sync before segment 3
  ASSERT_FALSE(spool->Append(MakeBatch(3)).ok());
  auto retried = spool->Append(MakeBatch(3));
  ASSERT_TRUE(retried.ok()) << retried.status().ToString();
  auto synced = spool->Sync();
  ASSERT_TRUE(synced.ok());
  EXPECT_TRUE(std::count(synced->begin(), synced->end(), *earlier) == 1)
      << "batch 2 (seq " << *earlier << ") was appended without error, a Sync then "
      << "succeeded, yet it was not declared durable: the caller cannot know it is gone";
}

// An ack record is made durable by the next successful Sync, even when a
// Sync failed in between: otherwise a delivered batch is sent again.
TEST_F(SpoolFaultsTest, AnAckBeforeAFailedSyncIsDurableAfterTheNextSuccessfulSync) {
  {
    auto spool = Open(&faults_);
    ASSERT_TRUE(spool);
    Seqs seqs = AppendAndSync(*spool, {1, 2});
    ASSERT_TRUE(spool->TakeNext().has_value());
    ASSERT_TRUE(spool->Append(MakeBatch(3)).ok());
    spool->Ack(seqs[0]);
    FailNextCall(FaultKind::kIoError);
    ASSERT_FALSE(spool->Sync().ok());
    AppendAndSync(*spool, {3});  // what the caller does after a failed Sync
  }
  EXPECT_EQ((IdList{2, 3}), IdsAfterCrash(/*keep_unsynced_bytes=*/false))
      << "batch 1 was acked and a Sync succeeded after the ack";
}

// A full disk or an unwritable directory with a busy writer: every append
// fails. The segment counter must not run through names meanwhile (it used
// to reach 000100.seg here, and leave empty files behind).
TEST_F(SpoolFaultsTest, FailingOpensAreRetriedUnderTheSameName) {
  auto spool = Open(&faults_);
  ASSERT_TRUE(spool);
  AppendAndSync(*spool, {1});
  faults_.FailCall(1, FaultKind::kNoSpace, FaultPersistence::kFromThenOn);
  for (int i = 0; i < 100; ++i) ASSERT_FALSE(spool->Append(MakeBatch(2)).ok());
  faults_.FailCall(0, FaultKind::kIoError, FaultPersistence::kOnce);
  AppendAndSync(*spool, {2});
  EXPECT_EQ((std::vector<std::string>{"000001.seg", "000002.seg"}), Segments());
  EXPECT_EQ((IdList{1, 2}), Ids(TakeAll(*spool)));
}

TEST_F(SpoolFaultsTest, FailingWritesReuseTheirEmptySegment) {
  auto spool = Open(&faults_);
  ASSERT_TRUE(spool);
  AppendAndSync(*spool, {1});
  for (int i = 0; i < 100; ++i) {
    // The write fails; then each time the old segment is closed (counted
    // call 1) and the next one opened (2), and the write into it fails (3).
    faults_.FailCall(i == 0 ? 1 : 3, FaultKind::kNoSpace, FaultPersistence::kOnce);
    ASSERT_FALSE(spool->Append(MakeBatch(2)).ok());
    ASSERT_TRUE(faults_.fired());
  }
  faults_.FailCall(0, FaultKind::kIoError, FaultPersistence::kOnce);
  AppendAndSync(*spool, {2});
  EXPECT_EQ((std::vector<std::string>{"000001.seg", "000002.seg"}), Segments());
  EXPECT_EQ((IdList{1, 2}), Ids(TakeAll(*spool)));
}

// Past 999999 the names have seven digits and more; recovery reads them.
TEST_F(SpoolFaultsTest, SegmentNamesPastSixDigitsAreRecovered) {
  env_.WriteFile(SegmentPath("999999.seg"), "");
  {
    auto spool = Open();
    ASSERT_TRUE(spool);
    AppendAndSync(*spool, {1});
    AppendAndSync(*spool, {2});
  }
  EXPECT_EQ((std::vector<std::string>{"1000000.seg"}), Segments());
  env_.SimulateCrash(/*keep_unsynced_bytes=*/false);
  auto spool = Open();
  ASSERT_TRUE(spool);
  EXPECT_EQ(2u, spool->stats().recovered);
  EXPECT_EQ((IdList{1, 2}), Ids(TakeAll(*spool)));
}

// A failed sync whose clean-up (the cut) fails too: the forgotten records
// may still reach the disk whole. The copies appended again must be the
// only ones that come back.
TEST_F(SpoolFaultsTest, ABatchWhoseCutFailedDoesNotComeBackBesideItsCopy) {
  {
    auto spool = Open(&faults_);
    ASSERT_TRUE(spool);
    AppendAndSync(*spool, {1});
    ASSERT_TRUE(spool->Append(MakeBatch(2)).ok());
    // The sync fails, and so does every call after it: the cut as well.
    faults_.FailCall(1, FaultKind::kIoError, FaultPersistence::kFromThenOn);
    ASSERT_FALSE(spool->Sync().ok());
    faults_.FailCall(0, FaultKind::kIoError, FaultPersistence::kOnce);
    AppendAndSync(*spool, {2});  // the caller appends it again
  }
  EXPECT_EQ((IdList{1, 2}), IdsAfterCrash(/*keep_unsynced_bytes=*/true));
}

}  // namespace
}  // namespace edgelog
