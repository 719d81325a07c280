// Spool::Open: what comes back after a restart, a crash, a torn write or a
// damaged segment.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "agent/spool/spool.h"
#include "tests/agent/spool/spool_test_fixture.h"

namespace edgelog {
namespace {

using spool_test::BodyFor;
using spool_test::kCorruptDir;
using spool_test::kDir;
using spool_test::MakeBatch;
using spool_test::RecordBytes;
using spool_test::SameContents;
using spool_test::SpoolTest;
using IdList = std::vector<int>;
using Seqs = std::vector<uint64_t>;
using Names = std::vector<std::string>;

class SpoolRecoveryTest : public SpoolTest {
 protected:
  // Three batches per segment: 1-3 in 000001.seg, 4-6 in 000002.seg, 7 in
  // 000003.seg, all synced; the spool is closed.
  Seqs WriteThreeSegments() {
    options_.segment_bytes = 3 * RecordBytes(MakeBatch(1));
    auto spool = Open();
    if (!spool) return {};
    Seqs seqs = AppendAndSync(*spool, {1, 2, 3, 4, 5, 6, 7});
    EXPECT_EQ((Names{"000001.seg", "000002.seg", "000003.seg"}), Segments());
    return seqs;
  }
};

TEST_F(SpoolRecoveryTest, ReopeningReturnsExactlyTheUnackedDurableBatchesByteForByte) {
  Seqs seqs;
  {
    auto spool = Open();
    ASSERT_TRUE(spool);
    seqs = AppendAndSync(*spool, {1, 2, 3, 4, 5});
    TakeAll(*spool);
    spool->Ack(seqs[0]);
    spool->Ack(seqs[2]);
    ASSERT_TRUE(spool->Sync().ok());
  }
  auto spool = Open();
  ASSERT_TRUE(spool);
  EXPECT_EQ(3u, spool->stats().recovered);
  EXPECT_EQ(3u, spool->ready_count());
  std::vector<SpooledBatch> back = TakeAll(*spool);
  ASSERT_EQ((IdList{2, 4, 5}), Ids(back));
  const size_t index[] = {1, 3, 4};
  for (size_t i = 0; i < back.size(); ++i) {
    EXPECT_EQ(seqs[index[i]], back[i].seq);
    EXPECT_TRUE(SameContents(MakeBatch(static_cast<int>(index[i]) + 1), back[i]));
  }
}

TEST_F(SpoolRecoveryTest, SeqNumbersContinueAfterReopening) {
  {
    auto spool = Open();
    ASSERT_TRUE(spool);
    Seqs seqs = AppendAndSync(*spool, {1, 2, 3});
    TakeAll(*spool);
    spool->Ack(seqs[0]);
    ASSERT_TRUE(spool->Sync().ok());
  }
  auto spool = Open();
  ASSERT_TRUE(spool);
  auto seq = spool->Append(MakeBatch(4));
  ASSERT_TRUE(seq.ok());
  EXPECT_EQ(4u, *seq);
}

TEST_F(SpoolRecoveryTest, ReopeningTwiceReturnsTheSameBatches) {
  WriteThreeSegments();
  for (int run = 0; run < 3; ++run) {
    auto spool = Open();
    ASSERT_TRUE(spool);
    EXPECT_EQ((IdList{1, 2, 3, 4, 5, 6, 7}), Ids(TakeAll(*spool))) << "run " << run;
  }
}

TEST_F(SpoolRecoveryTest, AfterACrashOnlyWhatSyncDeclaredDurableComesBack) {
  {
    auto spool = Open();
    ASSERT_TRUE(spool);
    AppendAndSync(*spool, {1, 2});
    ASSERT_TRUE(spool->Append(MakeBatch(3)).ok());  // never synced
  }
  env_.SimulateCrash(/*keep_unsynced_bytes=*/false);
  auto spool = Open();
  ASSERT_TRUE(spool);
  EXPECT_EQ((IdList{1, 2}), Ids(TakeAll(*spool)));
  EXPECT_EQ(0u, spool->stats().torn_tails);
}

TEST_F(SpoolRecoveryTest, AnAckSyncedBeforeACrashKeepsItsBatchFromComingBack) {
  {
    auto spool = Open();
    ASSERT_TRUE(spool);
    Seqs seqs = AppendAndSync(*spool, {1, 2});
    TakeAll(*spool);
    spool->Ack(seqs[1]);
    ASSERT_TRUE(spool->Sync().ok());
  }
  env_.SimulateCrash(/*keep_unsynced_bytes=*/false);
  auto spool = Open();
  ASSERT_TRUE(spool);
  EXPECT_EQ((IdList{1}), Ids(TakeAll(*spool)));
}

TEST_F(SpoolRecoveryTest, ATornTailIsCutCountedAndNeverDelivered) {
  {
    auto spool = Open();
    ASSERT_TRUE(spool);
    AppendAndSync(*spool, {1, 2});
  }
  std::string path = SegmentPath("000001.seg");
  std::string good = env_.ReadFile(path);
  std::string record;
  AppendRecord(RecordType::kBatch, EncodeBatch(MakeBatch(3)), &record);
  env_.WriteFile(path, good + record.substr(0, record.size() / 2));  // cut short
  {
    auto spool = Open();
    ASSERT_TRUE(spool);
    EXPECT_EQ(1u, spool->stats().torn_tails);
    EXPECT_EQ(good, env_.ReadFile(path)) << "the torn record is cut off";
    EXPECT_GE(log_.Count(LogLevel::kWarning, "cut off"), 1);
    EXPECT_EQ((IdList{1, 2}), Ids(TakeAll(*spool)));
    AppendAndSync(*spool, {4});
  }
  auto spool = Open();
  ASSERT_TRUE(spool);
  EXPECT_EQ(0u, spool->stats().torn_tails) << "cut once, for good";
  EXPECT_EQ((IdList{1, 2, 4}), Ids(TakeAll(*spool)));
}

TEST_F(SpoolRecoveryTest, AGarbledSegmentIsSetAsideAndItsGoodRecordsAreStillDelivered) {
  WriteThreeSegments();
  std::string path = SegmentPath("000001.seg");
  std::string bytes = env_.ReadFile(path);
  std::string damaged = bytes;
  size_t second = RecordBytes(MakeBatch(1));  // batch 2 starts here
  for (size_t i = second + 30; i < second + 40; ++i) damaged[i] = '#';
  env_.WriteFile(path, damaged);

  auto spool = Open();
  ASSERT_TRUE(spool);
  EXPECT_EQ(1u, spool->stats().corrupt_segments);
  EXPECT_FALSE(env_.Exists(path));
  bool set_aside = false;
  std::string aside = env_.ReadFile(std::string(kCorruptDir) + "/000001.seg", &set_aside);
  EXPECT_TRUE(set_aside) << "moved to corrupt/";
  EXPECT_TRUE(aside == damaged) << "its bytes untouched";
  EXPECT_GE(log_.Count(LogLevel::kError, "damaged"), 1);
  // Batch 1 came before the damage and 3 after it; the damaged 2 stays in
  // corrupt/ for a human.
  std::vector<SpooledBatch> back = TakeAll(*spool);
  EXPECT_EQ((IdList{1, 3, 4, 5, 6, 7}), Ids(back));
  ASSERT_FALSE(back.empty());
  EXPECT_EQ(1u, back[0].seq);
  EXPECT_TRUE(SameContents(MakeBatch(1), back[0]));
}

TEST_F(SpoolRecoveryTest, ASalvagedBatchOnceAckedDoesNotComeBackAndCorruptIsNotReadAgain) {
  WriteThreeSegments();
  std::string path = SegmentPath("000001.seg");
  std::string bytes = env_.ReadFile(path);
  bytes[RecordBytes(MakeBatch(1)) + 30] ^= 0x01;
  env_.WriteFile(path, bytes);
  {
    auto spool = Open();
    ASSERT_TRUE(spool);
    std::vector<SpooledBatch> back = TakeAll(*spool);
    ASSERT_EQ((IdList{1, 3, 4, 5, 6, 7}), Ids(back));
    spool->Ack(back[0].seq);
    spool->Ack(back[1].seq);
    ASSERT_TRUE(spool->Sync().ok());
  }
  auto spool = Open();
  ASSERT_TRUE(spool);
  EXPECT_EQ(0u, spool->stats().corrupt_segments);
  EXPECT_EQ((IdList{4, 5, 6, 7}), Ids(TakeAll(*spool)));
}

// The set-aside segment is evidence (and holds the batches after the
// damage): a crash right after opening must not make it vanish.
TEST_F(SpoolRecoveryTest, TheSetAsideSegmentSurvivesACrash) {
  WriteThreeSegments();
  std::string path = SegmentPath("000001.seg");
  std::string bytes = env_.ReadFile(path);
  bytes[RecordBytes(MakeBatch(1)) + 30] ^= 0x01;
  env_.WriteFile(path, bytes);
  { ASSERT_TRUE(Open()); }
  env_.SimulateCrash(/*keep_unsynced_bytes=*/false);
  bool kept = false;
  std::string aside = env_.ReadFile(std::string(kCorruptDir) + "/000001.seg", &kept);
  EXPECT_TRUE(kept && aside == bytes) << "corrupt/000001.seg is missing or changed after a crash (was the "
                       "corrupt/ directory synced after the rename?)";
  auto spool = Open();
  ASSERT_TRUE(spool);
  EXPECT_EQ((IdList{1, 3, 4, 5, 6, 7}), Ids(TakeAll(*spool)));
}

TEST_F(SpoolRecoveryTest, TheSpoolOpensOverAnyJunkAndDeliversWhatIsGood) {
  {
    auto spool = Open();
    ASSERT_TRUE(spool);
    AppendAndSync(*spool, {1, 2});
  }
  std::string malformed;  // checksummed, yet not a batch
  AppendRecord(RecordType::kBatch, "xx", &malformed);
  std::string header_only(kRecordHeaderBytes, '\xff');
  const std::pair<const char*, std::string> junk[] = {
      {"000002.seg", BodyFor(99, 5000)},  // random bytes
      {"000003.seg", ""},
      {"000004.seg", header_only},
      {"000005.seg", malformed},
      {"000006.seg", std::string(100, '\0')},
      {"notes.txt", "not a segment"},
      {"7.seg", "short name"},
      {"000008.seg.tmp", "not a segment either"},
  };
  for (const auto& [name, data] : junk) env_.WriteFile(SegmentPath(name), data);
  ASSERT_TRUE(env_.CreateDirs(std::string(kDir) + "/000009.seg").ok());  // a directory

  auto spool = Open();
  ASSERT_TRUE(spool) << "the spool always opens";
  EXPECT_EQ((IdList{1, 2}), Ids(TakeAll(*spool)));
  AppendAndSync(*spool, {3});
  EXPECT_EQ((IdList{3}), Ids(TakeAll(*spool)));
  EXPECT_EQ("not a segment", env_.ReadFile(SegmentPath("notes.txt"))) << "others' files stay";
}

TEST_F(SpoolRecoveryTest, ASegmentOfOnlyAcksIsDeletedAtOpen) {
  {
    auto spool = Open();
    ASSERT_TRUE(spool);
    Seqs seqs = AppendAndSync(*spool, {1});
    TakeAll(*spool);
    spool->Ack(seqs[0]);
    ASSERT_TRUE(spool->Sync().ok());
  }
  auto spool = Open();
  ASSERT_TRUE(spool);
  EXPECT_TRUE(spool->empty());
  EXPECT_EQ(0u, Segments().size()) << "a segment is created when something is written";
}

TEST_F(SpoolRecoveryTest, FilesThatAreNotSegmentsAreReportedAndLeftAlone) {
  env_.WriteFile(SegmentPath("notes.txt"), "mine");
  env_.WriteFile(SegmentPath("000001.seg.bak"), "");
  auto spool = Open();
  ASSERT_TRUE(spool);
  EXPECT_EQ(1, log_.Count(LogLevel::kWarning, "notes.txt"));
  EXPECT_EQ(1, log_.Count(LogLevel::kWarning, "000001.seg.bak"));
  EXPECT_TRUE(env_.Exists(SegmentPath("notes.txt")));
}

}  // namespace
}  // namespace edgelog
