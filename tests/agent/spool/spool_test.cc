#include "agent/spool/spool.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "tests/agent/spool/spool_test_fixture.h"

namespace edgelog {
namespace {

using spool_test::kDir;
using spool_test::MakeBatch;
using spool_test::RecordBytes;
using spool_test::SameContents;
using spool_test::SpoolTest;
using testing::MemEnv;
using IdList = std::vector<int>;
using Seqs = std::vector<uint64_t>;

TEST_F(SpoolTest, AnEmptySpoolOpensEmptyAndHasNothingToTake) {
  auto spool = Open();
  ASSERT_TRUE(spool);
  EXPECT_TRUE(spool->empty());
  EXPECT_EQ(0u, spool->ready_count());
  EXPECT_EQ(0u, spool->bytes());
  EXPECT_FALSE(spool->TakeNext().has_value());
}

TEST_F(SpoolTest, SyncedBatchesAreTakenOldestFirstWithTheirContents) {
  auto spool = Open();
  ASSERT_TRUE(spool);
  Seqs seqs = AppendAndSync(*spool, {1, 2, 3});
  EXPECT_EQ((Seqs{1, 2, 3}), seqs);
  EXPECT_EQ(3u, spool->ready_count());
  std::vector<SpooledBatch> taken = TakeAll(*spool);
  ASSERT_EQ(3u, taken.size());
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(seqs[i], taken[i].seq);
    EXPECT_TRUE(SameContents(MakeBatch(i + 1), taken[i])) << "batch " << i + 1;
  }
}

TEST_F(SpoolTest, ABatchKeepsItsReadTimeAndTheOldestNotTakenIsKnown) {
  auto spool = Open();
  ASSERT_TRUE(spool);
  EXPECT_FALSE(spool->OldestNotTakenMs().has_value());
  SpooledBatch first = MakeBatch(1), second = MakeBatch(2);
  first.read_at_ms = 500;
  second.read_at_ms = 900;
  ASSERT_TRUE(spool->Append(first).ok());
  ASSERT_TRUE(spool->Append(second).ok());
  ASSERT_TRUE(spool->Sync().ok());
  EXPECT_EQ(2u, spool->batch_count());
  EXPECT_EQ(1u, spool->segment_count());
  EXPECT_EQ(500, spool->OldestNotTakenMs());
  auto taken = spool->TakeNext();
  ASSERT_TRUE(taken.has_value());
  EXPECT_EQ(500, taken->read_at_ms);
  EXPECT_EQ(900, spool->OldestNotTakenMs()) << "a taken batch is the queue's to count";
  ASSERT_TRUE(spool->TakeNext().has_value());
  EXPECT_FALSE(spool->OldestNotTakenMs().has_value());
  EXPECT_EQ(2u, spool->batch_count()) << "taken, not acknowledged";
}

TEST_F(SpoolTest, ABatchIsNotTakeableBeforeSync) {
  auto spool = Open();
  ASSERT_TRUE(spool);
  ASSERT_TRUE(spool->Append(MakeBatch(1)).ok());
  EXPECT_TRUE(spool->has_unsynced());
  EXPECT_FALSE(spool->empty());
  EXPECT_EQ(0u, spool->ready_count());
  EXPECT_FALSE(spool->TakeNext().has_value());
  ASSERT_TRUE(spool->Sync().ok());
  EXPECT_FALSE(spool->has_unsynced());
  EXPECT_EQ(1u, spool->ready_count());
  EXPECT_TRUE(spool->TakeNext().has_value());
}

TEST_F(SpoolTest, SyncReturnsExactlyTheSeqsItMadeDurable) {
  auto spool = Open();
  ASSERT_TRUE(spool);
  auto none = spool->Sync();
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(Seqs{}, *none);
  auto a = spool->Append(MakeBatch(1));
  auto b = spool->Append(MakeBatch(2));
  ASSERT_TRUE(a.ok() && b.ok());
  auto first = spool->Sync();
  ASSERT_TRUE(first.ok());
  EXPECT_EQ((Seqs{*a, *b}), *first);
  auto c = spool->Append(MakeBatch(3));
  ASSERT_TRUE(c.ok());
  auto second = spool->Sync();
  ASSERT_TRUE(second.ok());
  EXPECT_EQ((Seqs{*c}), *second);
  auto again = spool->Sync();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(Seqs{}, *again);
}

TEST_F(SpoolTest, ATakenBatchIsNotTakenAgainAndStaysUntilAcked) {
  auto spool = Open();
  ASSERT_TRUE(spool);
  Seqs seqs = AppendAndSync(*spool, {1, 2});
  auto first = spool->TakeNext();
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(seqs[0], first->seq);
  EXPECT_EQ(1u, spool->ready_count());
  auto second = spool->TakeNext();
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(seqs[1], second->seq);
  EXPECT_FALSE(spool->TakeNext().has_value());
  EXPECT_FALSE(spool->empty()) << "taken batches wait for their ack";
  spool->Ack(seqs[0]);
  spool->Ack(seqs[1]);
  EXPECT_TRUE(spool->empty());
  EXPECT_EQ(0u, spool->bytes());
  EXPECT_EQ(2u, spool->stats().acked);
}

TEST_F(SpoolTest, BytesCountTheRecordsOfUnacknowledgedBatches) {
  auto spool = Open();
  ASSERT_TRUE(spool);
  Seqs seqs = AppendAndSync(*spool, {1, 2});
  EXPECT_EQ(RecordBytes(MakeBatch(1)) + RecordBytes(MakeBatch(2)), spool->bytes());
  spool->TakeNext();
  spool->Ack(seqs[0]);
  EXPECT_EQ(RecordBytes(MakeBatch(2)), spool->bytes());
}

TEST_F(SpoolTest, AckingAnUnknownSeqDoesNothing) {
  auto spool = Open();
  ASSERT_TRUE(spool);
  AppendAndSync(*spool, {1});
  spool->Ack(999);
  EXPECT_EQ(1u, spool->ready_count());
  EXPECT_EQ(0u, spool->stats().acked);
}

TEST_F(SpoolTest, SegmentsRotateOnceTheyReachSegmentBytes) {
  options_.segment_bytes = 3 * RecordBytes(MakeBatch(1));  // three batches each
  auto spool = Open();
  ASSERT_TRUE(spool);
  AppendAndSync(*spool, {1, 2, 3, 4, 5, 6, 7});
  EXPECT_EQ((std::vector<std::string>{"000001.seg", "000002.seg", "000003.seg"}), Segments());
  EXPECT_EQ((IdList{1, 2, 3, 4, 5, 6, 7}), Ids(TakeAll(*spool)));
}

TEST_F(SpoolTest, AFullyAckedSegmentIsDeletedButOnlyOnceOlderOnesAre) {
  options_.segment_bytes = 2 * RecordBytes(MakeBatch(1));  // two batches each
  auto spool = Open();
  ASSERT_TRUE(spool);
  Seqs seqs = AppendAndSync(*spool, {1, 2, 3, 4, 5});
  ASSERT_EQ((std::vector<std::string>{"000001.seg", "000002.seg", "000003.seg"}), Segments());
  TakeAll(*spool);
  // Segment 2 is done first, but segment 1 still waits: 2 stays (its acks
  // may be all that says batches of older segments are done).
  spool->Ack(seqs[2]);
  spool->Ack(seqs[3]);
  EXPECT_EQ((std::vector<std::string>{"000001.seg", "000002.seg", "000003.seg"}), Segments());
  spool->Ack(seqs[0]);
  EXPECT_EQ((std::vector<std::string>{"000001.seg", "000002.seg", "000003.seg"}), Segments());
  spool->Ack(seqs[1]);
  EXPECT_EQ((std::vector<std::string>{"000003.seg"}), Segments())
      << "segments 1 and 2 go together, oldest first";
}

TEST_F(SpoolTest, TheSegmentBeingWrittenIsKeptEvenWhenAllItsBatchesAreAcked) {
  auto spool = Open();
  ASSERT_TRUE(spool);
  Seqs seqs = AppendAndSync(*spool, {1});
  TakeAll(*spool);
  spool->Ack(seqs[0]);
  ASSERT_TRUE(spool->Sync().ok());
  EXPECT_EQ((std::vector<std::string>{"000001.seg"}), Segments());
  // And it still takes batches.
  AppendAndSync(*spool, {2});
  EXPECT_EQ((IdList{2}), Ids(TakeAll(*spool)));
}

TEST_F(SpoolTest, StatsCountAppendsAndAcks) {
  auto spool = Open();
  ASSERT_TRUE(spool);
  Seqs seqs = AppendAndSync(*spool, {1, 2, 3});
  TakeAll(*spool);
  spool->Ack(seqs[1]);
  EXPECT_EQ(3u, spool->stats().appended);
  EXPECT_EQ(1u, spool->stats().acked);
  EXPECT_EQ(0u, spool->stats().recovered);
  EXPECT_EQ(0u, spool->stats().dropped_batches);
}

TEST_F(SpoolTest, TheSeqOfTheArgumentIsIgnored) {
  auto spool = Open();
  ASSERT_TRUE(spool);
  SpooledBatch b = MakeBatch(1);
  b.seq = 12345;
  auto seq = spool->Append(b);
  ASSERT_TRUE(seq.ok());
  EXPECT_EQ(1u, *seq);
  ASSERT_TRUE(spool->Sync().ok());
  auto taken = spool->TakeNext();
  ASSERT_TRUE(taken.has_value());
  EXPECT_EQ(1u, taken->seq);
}

// A batch whose segment is damaged after it was written cannot be read back:
// it is dropped and counted, and the next one is handed out instead.
// The path of the one file in corrupt/ named PREFIX...SUFFIX ("" if none).
std::string CorruptFile(MemEnv& env, const std::string& prefix, const std::string& suffix) {
  std::string dir = std::string(kDir) + "/corrupt";
  auto names = env.ListDir(dir);
  std::string found;
  if (!names.ok()) return found;
  for (const std::string& n : *names) {
    if (n.rfind(prefix, 0) == 0 && n.size() > suffix.size() &&
        n.compare(n.size() - suffix.size(), suffix.size(), suffix) == 0) {
      EXPECT_EQ("", found) << "two files named " << prefix << "..." << suffix;
      found = dir + "/" + n;
    }
  }
  return found;
}

TEST_F(SpoolTest, APoisonBatchIsSetAsideWithItsReasonAndTheNextOneGoesOn) {
  auto spool = Open();
  ASSERT_TRUE(spool);
  AppendAndSync(*spool, {1, 2});
  std::string path = SegmentPath("000001.seg");
  std::string bytes = env_.ReadFile(path);
  bytes[20] = static_cast<char>(bytes[20] ^ 0x40);  // inside the first record
  env_.WriteFile(path, bytes);
  auto taken = spool->TakeNext();
  ASSERT_TRUE(taken.has_value());
  EXPECT_TRUE(SameContents(MakeBatch(2), *taken));
  EXPECT_EQ(1u, spool->stats().dropped_batches);
  EXPECT_EQ(1u, spool->stats().set_aside);
  EXPECT_EQ(MakeBatch(1).event_count, spool->stats().dropped_events);
  EXPECT_GE(log_.Count(LogLevel::kError, "cannot be sent"), 1);
  // The record as it is on disk, and why, for a human.
  std::string kept = env_.ReadFile(CorruptFile(env_, "batch-1-", ".rec"));
  EXPECT_EQ(bytes.substr(0, kept.size()), kept);
  EXPECT_FALSE(kept.empty());
  EXPECT_NE("", env_.ReadFile(CorruptFile(env_, "batch-1-", ".txt")));
  // It is done with (acknowledged as dropped): nothing else waits.
  spool->Ack(taken->seq);
  EXPECT_TRUE(spool->empty());
  EXPECT_FALSE(spool->TakeNext().has_value());
}

// Refuses to open segments for reading while `refuse` is set (EMFILE).
class NoDescriptorEnv : public EnvWrapper {
 public:
  explicit NoDescriptorEnv(Env& target) : EnvWrapper(target) {}
  StatusOr<std::unique_ptr<ReadableFile>> OpenReadable(const std::string& path) override {
    if (refuse) return Status::Unavailable("open " + path + ": Too many open files");
    if (path == refuse_path) return Status::IoError("read " + path + ": Input/output error");
    return target().OpenReadable(path);
  }
  bool refuse = false;
  std::string refuse_path;  // fails with EIO, for good
};

TEST_F(SpoolTest, ABatchThatCannotBeReadNowIsReadLaterNotDropped) {
  NoDescriptorEnv env(env_);
  auto spool = Open(&env);
  ASSERT_TRUE(spool);
  AppendAndSync(*spool, {1, 2});
  env.refuse = true;
  EXPECT_FALSE(spool->TakeNext().has_value());
  EXPECT_FALSE(spool->TakeNext().has_value());
  EXPECT_EQ(0u, spool->stats().dropped_batches);
  EXPECT_EQ(1, log_.Count(LogLevel::kError, "Too many open files")) << "said once";
  env.refuse = false;
  EXPECT_EQ((IdList{1, 2}), Ids(TakeAll(*spool)));
}

// A record that cannot be read for good (a bad block: EIO every time) holds
// up the batches behind it for 5 minutes, not for ever.
TEST_F(SpoolTest, ARecordUnreadableForFiveMinutesIsSetAsideAndTheRestGoOn) {
  // Batch 1 sits alone in 000001.seg, batch 2 in 000002.seg.
  for (int id : {1, 2}) {
    auto spool = Open();
    ASSERT_TRUE(spool);
    AppendAndSync(*spool, {id});
  }
  NoDescriptorEnv env(env_);
  auto reopened = Open(&env);
  ASSERT_TRUE(reopened);
  env.refuse = true;
  EXPECT_FALSE(reopened->TakeNext().has_value());
  clock_.Advance(5 * 60 * 1000 - 1);
  EXPECT_FALSE(reopened->TakeNext().has_value()) << "given up before 5 minutes";
  clock_.Advance(1);
  env.refuse = false;  // the next segment reads; the first stays bad below
  env.refuse_path = SegmentPath("000001.seg");
  auto next = reopened->TakeNext();
  ASSERT_TRUE(next.has_value()) << "the batches behind an unreadable one wait for ever";
  EXPECT_TRUE(SameContents(MakeBatch(2), *next));
  EXPECT_EQ(1u, reopened->stats().set_aside);
}

// A segment removed by hand: its batches are gone; the next ones go on.
TEST_F(SpoolTest, ABatchWhoseSegmentWasRemovedIsSetAsideAtOnce) {
  for (int id : {1, 2}) {
    auto spool = Open();
    ASSERT_TRUE(spool);
    AppendAndSync(*spool, {id});
  }
  auto reopened = Open();
  ASSERT_TRUE(reopened);
  ASSERT_TRUE(env_.Remove(SegmentPath("000001.seg")).ok());
  auto next = reopened->TakeNext();
  ASSERT_TRUE(next.has_value());
  EXPECT_TRUE(SameContents(MakeBatch(2), *next));
}

// A record whose checksum is right but whose batch does not decode (written
// by a broken build, say): kept for a human at start, never sent, and the
// batches after it are.
TEST_F(SpoolTest, AChecksummedButMalformedBatchIsKeptAsideAtStart) {
  {
    auto spool = Open();
    ASSERT_TRUE(spool);
    AppendAndSync(*spool, {1});
  }
  std::string bad;
  AppendRecord(RecordType::kBatch, "not a batch payload", &bad);
  env_.AppendToFile(SegmentPath("000001.seg"), bad);
  {
    auto spool = Open();
    ASSERT_TRUE(spool);
    AppendAndSync(*spool, {2});
    EXPECT_EQ((IdList{1, 2}), Ids(TakeAll(*spool)));
    EXPECT_EQ(1u, spool->stats().set_aside);
  }
  EXPECT_EQ(std::string(bad), env_.ReadFile(CorruptFile(env_, "batch-unnumbered-", ".rec")));
}

}  // namespace
}  // namespace edgelog
