#include "agent/tail/tailer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "agent/base/cloudwatch_limits.h"
#include "tests/support/capture_logger.h"
#include "tests/support/mem_env.h"

namespace edgelog {
namespace {

using testing::CaptureLogger;
using testing::MemEnv;

constexpr int64_t kNow = 1768473000000;

// What the tailer handed over, in order.
struct Seen {
  bool skipped = false;  // OnSkipped rather than OnRecord
  uint32_t source = 0;
  std::string message;
  uint64_t end_offset = 0;
  int64_t timestamp_ms = 0;
};

class RecordingSink : public RecordSink {
 public:
  void OnRecord(const Record& r) override {
    seen.push_back({false, r.source, std::string(r.message), r.end_offset, r.timestamp_ms});
  }
  void OnSkipped(uint32_t source, uint64_t end_offset) override {
    seen.push_back({true, source, "", end_offset, 0});
  }

  std::vector<std::string> Messages() const {
    std::vector<std::string> out;
    for (const Seen& s : seen) {
      if (!s.skipped) out.push_back(s.message);
    }
    return out;
  }
  std::vector<Seen> Records() const {
    std::vector<Seen> out;
    for (const Seen& s : seen) {
      if (!s.skipped) out.push_back(s);
    }
    return out;
  }
  void Clear() { seen.clear(); }

  std::vector<Seen> seen;
};

using Lines = std::vector<std::string>;

class TailerTest : public ::testing::Test {
 protected:
  void Start(std::vector<std::string> patterns, std::vector<Checkpoint> checkpoints = {}) {
    tailer_ = std::make_unique<Tailer>(env_, log_, std::move(patterns),
                                       std::move(checkpoints), TailerOptions{});
    tailer_->Discover();
  }
  // Reads until the tailer has nothing new.
  size_t ReadAll() {
    size_t total = 0;
    for (int i = 0; i < 100; ++i) {
      size_t n = tailer_->Read(8 << 20, kNow, sink_);
      if (n == 0) return total;
      total += n;
    }
    ADD_FAILURE() << "Read never ran out of data";
    return total;
  }
  FileId IdOf(const std::string& path) {
    auto info = env_.Stat(path);
    EXPECT_TRUE(info.ok()) << path;
    return info.ok() ? info->id : FileId{};
  }

  MemEnv env_;
  CaptureLogger log_;
  RecordingSink sink_;
  std::unique_ptr<Tailer> tailer_;
};

TEST_F(TailerTest, ReadsEveryLineOfANewFileFromItsStartWithItsEndOffset) {
  env_.WriteFile("/logs/app.log", "first\nsecond\nthird\n");
  Start({"/logs/*.log"});
  ASSERT_EQ(1u, tailer_->source_count());
  EXPECT_EQ(19u, ReadAll());
  auto records = sink_.Records();
  ASSERT_EQ(3u, records.size());
  EXPECT_EQ("first", records[0].message);
  EXPECT_EQ(6u, records[0].end_offset);
  EXPECT_EQ("second", records[1].message);
  EXPECT_EQ(13u, records[1].end_offset);
  EXPECT_EQ("third", records[2].message);
  EXPECT_EQ(19u, records[2].end_offset);
  for (const Seen& r : records) {
    EXPECT_EQ(0u, r.source);
    EXPECT_EQ(kNow, r.timestamp_ms);
  }
  EXPECT_EQ(0u, tailer_->source(0).start_offset);
  EXPECT_TRUE(tailer_->AtEnd());
}

TEST_F(TailerTest, ReportsTheSourceOfEachFileWithItsEntryPathAndIdentity) {
  env_.WriteFile("/a/one.log", "1\n");
  env_.WriteFile("/b/two.log", "2\n");
  Start({"/a/*.log", "/b/*.log"});
  ASSERT_EQ(2u, tailer_->source_count());
  EXPECT_EQ(0u, tailer_->source(0).entry);
  EXPECT_EQ("/a/one.log", tailer_->source(0).path);
  EXPECT_EQ(IdOf("/a/one.log"), tailer_->source(0).file_id);
  EXPECT_TRUE(tailer_->source(0).open);
  EXPECT_EQ(1u, tailer_->source(1).entry);
  EXPECT_EQ("/b/two.log", tailer_->source(1).path);
  ReadAll();
  Lines got = sink_.Messages();
  std::sort(got.begin(), got.end());
  EXPECT_EQ((Lines{"1", "2"}), got);
}

TEST_F(TailerTest, DiscoveringAgainDoesNotFollowAFileTwice) {
  env_.WriteFile("/logs/app.log", "a\n");
  Start({"/logs/*.log", "/logs/app.log"});  // two entries match the same file
  tailer_->Discover();
  tailer_->Discover();
  EXPECT_EQ(1u, tailer_->source_count());
  ReadAll();
  EXPECT_EQ(Lines{"a"}, sink_.Messages());
}

TEST_F(TailerTest, ReadsFromTheCheckpointOfTheSameIdentity) {
  env_.WriteFile("/logs/app.log", "old1\nold2\nnew1\nnew2\n");
  Start({"/logs/app.log"}, {Checkpoint{IdOf("/logs/app.log"), "/logs/app.log", 10, {}}});
  EXPECT_EQ(10u, tailer_->source(0).start_offset);
  ReadAll();
  EXPECT_EQ((Lines{"new1", "new2"}), sink_.Messages());
  EXPECT_EQ(20u, sink_.Records().back().end_offset);
}

TEST_F(TailerTest, ACheckpointFindsItsFileUnderANewName) {
  env_.WriteFile("/logs/app.log.1", "old\nnew\n");
  FileId id = IdOf("/logs/app.log.1");
  // Saved while the file was still called app.log.
  Start({"/logs/app.log*"}, {Checkpoint{id, "/logs/app.log", 4, {}}});
  ReadAll();
  EXPECT_EQ(Lines{"new"}, sink_.Messages());
}

TEST_F(TailerTest, ACheckpointOfAnotherIdentityIsIgnoredEvenForTheSamePath) {
  env_.WriteFile("/logs/app.log", "first\nsecond\n");
  FileId other = IdOf("/logs/app.log");
  other.inode += 1000;
  Start({"/logs/app.log"}, {Checkpoint{other, "/logs/app.log", 6, {}}});
  EXPECT_EQ(0u, tailer_->source(0).start_offset);
  ReadAll();
  EXPECT_EQ((Lines{"first", "second"}), sink_.Messages());
}

TEST_F(TailerTest, AFileShorterThanItsCheckpointIsReadFromTheStart) {
  env_.WriteFile("/logs/app.log", "short\n");
  Start({"/logs/app.log"}, {Checkpoint{IdOf("/logs/app.log"), "/logs/app.log", 1000, {}}});
  EXPECT_EQ(0u, tailer_->source(0).start_offset);
  ReadAll();
  EXPECT_EQ(Lines{"short"}, sink_.Messages());
  EXPECT_GE(log_.Count(LogLevel::kWarning, "shorter than its checkpoint"), 1);
}

TEST_F(TailerTest, AppendedLinesArePickedUpOnTheNextRead) {
  env_.WriteFile("/logs/app.log", "one\n");
  Start({"/logs/app.log"});
  ReadAll();
  EXPECT_EQ(0u, tailer_->Read(8 << 20, kNow, sink_)) << "nothing new yet";
  EXPECT_EQ(Lines{"one"}, sink_.Messages());
  env_.AppendToFile("/logs/app.log", "two\nthree\n");
  sink_.Clear();
  EXPECT_EQ(10u, ReadAll());
  auto records = sink_.Records();
  ASSERT_EQ(2u, records.size());
  EXPECT_EQ("two", records[0].message);
  EXPECT_EQ(8u, records[0].end_offset);
  EXPECT_EQ("three", records[1].message);
  EXPECT_EQ(14u, records[1].end_offset);
}

TEST_F(TailerTest, APartialLastLineIsHeldBackUntilItsNewlineArrives) {
  env_.WriteFile("/logs/app.log", "done\npart");
  Start({"/logs/app.log"});
  ReadAll();
  EXPECT_EQ(Lines{"done"}, sink_.Messages());
  EXPECT_TRUE(tailer_->AtEnd());
  env_.AppendToFile("/logs/app.log", "ial\n");
  sink_.Clear();
  ReadAll();
  auto records = sink_.Records();
  ASSERT_EQ(1u, records.size());
  EXPECT_EQ("partial", records[0].message);
  EXPECT_EQ(13u, records[0].end_offset);
}

TEST_F(TailerTest, CrLfLineEndsAreRemovedAndCountedInOffsets) {
  env_.WriteFile("/logs/app.log", "alpha\r\nbeta\r\n");
  Start({"/logs/app.log"});
  ReadAll();
  auto records = sink_.Records();
  ASSERT_EQ(2u, records.size());
  EXPECT_EQ("alpha", records[0].message);
  EXPECT_EQ(7u, records[0].end_offset);
  EXPECT_EQ("beta", records[1].message);
  EXPECT_EQ(13u, records[1].end_offset);
}

TEST_F(TailerTest, ACrLfSplitAcrossTwoWritesIsStillOneLineEnd) {
  env_.WriteFile("/logs/app.log", "alpha\r");
  Start({"/logs/app.log"});
  ReadAll();
  env_.AppendToFile("/logs/app.log", "\nbeta\n");
  ReadAll();
  EXPECT_EQ((Lines{"alpha", "beta"}), sink_.Messages());
}

TEST_F(TailerTest, EmptyLinesAreSkippedWithTheirEndOffsets) {
  env_.WriteFile("/logs/app.log", "a\n\n\r\nb\n");
  Start({"/logs/app.log"});
  ReadAll();
  ASSERT_EQ(4u, sink_.seen.size());
  EXPECT_FALSE(sink_.seen[0].skipped);
  EXPECT_EQ("a", sink_.seen[0].message);
  EXPECT_TRUE(sink_.seen[1].skipped);
  EXPECT_EQ(3u, sink_.seen[1].end_offset);
  EXPECT_TRUE(sink_.seen[2].skipped);
  EXPECT_EQ(5u, sink_.seen[2].end_offset);
  EXPECT_FALSE(sink_.seen[3].skipped);
  EXPECT_EQ("b", sink_.seen[3].message);
  EXPECT_EQ(7u, sink_.seen[3].end_offset);
  EXPECT_EQ(2u, tailer_->stats().empty_lines);
}

TEST_F(TailerTest, InvalidUtf8IsReplacedByTheReplacementCharacter) {
  env_.WriteFile("/logs/app.log", "ok\xFFok\ncut \xE6\x97\nfine \xE6\x97\xA5\n");
  Start({"/logs/app.log"});
  ReadAll();
  EXPECT_EQ((Lines{"ok\xEF\xBF\xBDok", "cut \xEF\xBF\xBD", "fine \xE6\x97\xA5"}),
            sink_.Messages());
  EXPECT_EQ(2u, tailer_->stats().invalid_utf8);
  EXPECT_EQ(22u, sink_.Records().back().end_offset);
}

TEST_F(TailerTest, ALineLongerThanOneEventArrivesInPartsOnlyTheLastCoveringItsEnd) {
  // 1.5 MiB in one line: one event holds at most 1,048,576 - 26 bytes.
  const size_t kLineBytes = 1536 * 1024;
  std::string line;
  line.reserve(kLineBytes);
  for (size_t i = 0; i < kLineBytes; ++i) line.push_back(static_cast<char>('a' + i % 26));
  env_.WriteFile("/logs/app.log", line + "\nnext\n");
  Start({"/logs/app.log"});
  ReadAll();
  auto records = sink_.Records();
  ASSERT_EQ(3u, records.size());
  EXPECT_EQ(1048550u, kMaxEventMessageBytes);
  EXPECT_EQ(kMaxEventMessageBytes, records[0].message.size());
  EXPECT_EQ(kLineBytes - kMaxEventMessageBytes, records[1].message.size());
  EXPECT_EQ(line, records[0].message + records[1].message);
  // Only the last part says the line is covered; the first never claims
  // more of the file than the bytes it carries.
  EXPECT_EQ(kLineBytes + 1, records[1].end_offset);
  EXPECT_LT(records[0].end_offset, records[1].end_offset);
  EXPECT_LE(records[0].end_offset, kMaxEventMessageBytes);
  EXPECT_EQ("next", records[2].message);
  EXPECT_EQ(kLineBytes + 6, records[2].end_offset);
  EXPECT_EQ(2u, tailer_->stats().split_parts);
}

TEST_F(TailerTest, ALineOfExactlyOneEventEndingInCrLfIsOneRecord) {
  std::string line(kMaxEventMessageBytes, 'x');
  env_.WriteFile("/logs/app.log", line + "\r\nnext\n");
  Start({"/logs/app.log"});
  ReadAll();
  auto records = sink_.Records();
  ASSERT_EQ(2u, records.size());
  EXPECT_EQ(line, records[0].message) << "the \\r is part of the line end";
  EXPECT_EQ(kMaxEventMessageBytes + 2, records[0].end_offset);
  EXPECT_EQ("next", records[1].message);
  EXPECT_EQ(0u, tailer_->stats().empty_lines);
  EXPECT_EQ(0u, tailer_->stats().split_parts);
}

TEST_F(TailerTest, ALineOneByteLongerThanAnEventArrivesInTwoParts) {
  std::string line(kMaxEventMessageBytes + 1, 'y');
  env_.WriteFile("/logs/app.log", line + "\n");
  Start({"/logs/app.log"});
  ReadAll();
  auto records = sink_.Records();
  ASSERT_EQ(2u, records.size());
  EXPECT_EQ(kMaxEventMessageBytes, records[0].message.size());
  EXPECT_EQ("y", records[1].message);
  EXPECT_EQ(kMaxEventMessageBytes + 2, records[1].end_offset);
}

TEST_F(TailerTest, ACheckpointOfADeletedFileDoesNotApplyToANewFileReusingItsInode) {
  // File systems reuse the inode of a deleted file for the next one created
  // (ext4 does so readily), which is why DESIGN §2 identifies a file by
  // device + inode + a fingerprint of its first bytes. MemEnv numbers inodes
  // in order, so the inode the next file will get is known in advance.
  env_.WriteFile("/probe", "");
  FileId next = IdOf("/probe");
  next.inode += 1;
  // The old app.log.1, delivered up to 12 and then deleted by logrotate.
  // Checkpoints carry a fingerprint of the file's first bytes.
  Checkpoint stale{next, "/logs/app.log.1", 12, FingerprintOf("old first\nold second\n")};
  env_.WriteFile("/logs/app.log", "new first\nnew second\n");
  ASSERT_EQ(next, IdOf("/logs/app.log")) << "test setup: inode not reused";
  Start({"/logs/app.log*"}, {stale});
  ReadAll();
  EXPECT_EQ((Lines{"new first", "new second"}), sink_.Messages());
}

TEST_F(TailerTest, ATruncatedFileIsReadAgainFromTheStart) {
  env_.WriteFile("/logs/app.log", "before one\nbefore two\n");
  Start({"/logs/app.log"});
  ReadAll();
  FileId id = IdOf("/logs/app.log");
  {
    // Truncate in place (same identity), as copytruncate or "> file" do.
    auto file = env_.OpenWritable("/logs/app.log", WriteMode::kTruncate);
    ASSERT_TRUE(file.ok());
    ASSERT_TRUE((*file)->Append("after\n").ok());
  }
  ASSERT_EQ(id, IdOf("/logs/app.log"));
  sink_.Clear();
  ReadAll();
  auto records = sink_.Records();
  ASSERT_EQ(1u, records.size());
  EXPECT_EQ("after", records[0].message);
  EXPECT_EQ(6u, records[0].end_offset);
  EXPECT_EQ(0u, records[0].source) << "a truncated file keeps its source";
  EXPECT_EQ(1u, tailer_->stats().truncations);
}

TEST_F(TailerTest, CopytruncateFollowedByMoreDataThanWasReadIsStillReadFromTheStart) {
  // copytruncate: logrotate copies app.log away and truncates it; a busy
  // writer may append more than the agent had read before the agent looks
  // again. The size alone then no longer shows the truncation; DESIGN §2
  // has the tailer detect copytruncate anyway (fingerprint of first bytes).
  env_.WriteFile("/logs/app.log", "short\n");
  Start({"/logs/app.log"});
  ReadAll();
  {
    auto file = env_.OpenWritable("/logs/app.log", WriteMode::kTruncate);
    ASSERT_TRUE(file.ok());
    ASSERT_TRUE((*file)->Append("a much longer line after rotation\n").ok());
  }
  sink_.Clear();
  ReadAll();
  EXPECT_EQ(Lines{"a much longer line after rotation"}, sink_.Messages());
}

TEST_F(TailerTest, ARenamedFileKeepsItsSourceAndNoLineIsReadTwice) {
  env_.WriteFile("/logs/app.log", "a\n");
  Start({"/logs/app*.log"});
  ReadAll();
  // Rotation by rename: the writer keeps appending to the renamed file for a
  // moment, then a new app.log appears.
  ASSERT_TRUE(env_.Rename("/logs/app.log", "/logs/app-1.log").ok());
  env_.AppendToFile("/logs/app-1.log", "b\n");
  env_.WriteFile("/logs/app.log", "c\n");
  tailer_->Discover();
  ReadAll();
  tailer_->Discover();
  ReadAll();

  ASSERT_EQ(2u, tailer_->source_count());
  EXPECT_EQ("/logs/app-1.log", tailer_->source(0).path);
  EXPECT_EQ("/logs/app.log", tailer_->source(1).path);
  auto records = sink_.Records();
  ASSERT_EQ(3u, records.size());
  EXPECT_EQ("a", records[0].message);
  EXPECT_EQ(0u, records[0].source);
  // "b" and "c" are in different files; only their sources matter.
  for (size_t i = 1; i < 3; ++i) {
    if (records[i].message == "b") {
      EXPECT_EQ(0u, records[i].source);
      EXPECT_EQ(4u, records[i].end_offset);
    } else {
      EXPECT_EQ("c", records[i].message);
      EXPECT_EQ(1u, records[i].source);
      EXPECT_EQ(2u, records[i].end_offset);
    }
  }
}

TEST_F(TailerTest, AFileNoLongerMatchedIsFinishedBeforeItIsClosed) {
  env_.WriteFile("/logs/app.log", "one\n");
  Start({"/logs/app.log"});
  ASSERT_TRUE(env_.Rename("/logs/app.log", "/logs/app.log.1").ok());
  tailer_->Discover();
  EXPECT_TRUE(tailer_->source(0).open) << "closed before it was read";
  ReadAll();
  EXPECT_EQ(Lines{"one"}, sink_.Messages());
  tailer_->Discover();
  EXPECT_FALSE(tailer_->source(0).open) << "still open after it was read to its end";
}

TEST_F(TailerTest, ADeletedFileIsFinishedThroughItsOpenDescriptor) {
  env_.WriteFile("/logs/app.log", "one\ntwo\n");
  Start({"/logs/app.log"});
  ASSERT_TRUE(env_.Remove("/logs/app.log").ok());
  tailer_->Discover();
  ReadAll();
  EXPECT_EQ((Lines{"one", "two"}), sink_.Messages());
  tailer_->Discover();
  EXPECT_FALSE(tailer_->source(0).open);
}

TEST_F(TailerTest, LinesWrittenAfterTheLastReadAreNotLostWhenTheFileIsRenamedAway) {
  // logrotate's default: app.log is renamed to app.log.1, which the pattern
  // does not match. Lines the application wrote between the agent's last
  // read and the rename must still be read from the renamed file.
  env_.WriteFile("/logs/app.log", "one\n");
  Start({"/logs/app.log"});
  ReadAll();
  env_.AppendToFile("/logs/app.log", "two\n");
  ASSERT_TRUE(env_.Rename("/logs/app.log", "/logs/app.log.1").ok());
  env_.WriteFile("/logs/app.log", "three\n");
  tailer_->Discover();
  ReadAll();
  tailer_->Discover();
  ReadAll();
  EXPECT_EQ((Lines{"one", "two", "three"}), sink_.Messages());
}

TEST_F(TailerTest, CompressedFilesAreNotFollowed) {
  env_.WriteFile("/logs/app.log", "plain\n");
  env_.WriteFile("/logs/app.log.1.gz", "\x1f\x8b binary");
  env_.WriteFile("/logs/app.log.2.zst", "binary");
  env_.WriteFile("/logs/app.log.3.xz", "binary");
  Start({"/logs/app.log*"});
  ASSERT_EQ(1u, tailer_->source_count());
  EXPECT_EQ("/logs/app.log", tailer_->source(0).path);
  ReadAll();
  EXPECT_EQ(Lines{"plain"}, sink_.Messages());
}

TEST_F(TailerTest, AFileThatAppearsLaterIsFollowedFromItsStart) {
  Start({"/logs/*.log"});
  EXPECT_EQ(0u, tailer_->source_count());
  EXPECT_EQ(0u, tailer_->Read(8 << 20, kNow, sink_));
  env_.WriteFile("/logs/late.log", "hello\n");
  tailer_->Discover();
  ReadAll();
  EXPECT_EQ(Lines{"hello"}, sink_.Messages());
}

TEST_F(TailerTest, AtEndOnlyOnceEveryOpenFileHasBeenReadToItsEnd) {
  env_.WriteFile("/logs/a.log", std::string(1000, 'a') + "\n");
  env_.WriteFile("/logs/b.log", std::string(1000, 'b') + "\n");
  Start({"/logs/*.log"});
  EXPECT_FALSE(tailer_->AtEnd());
  ReadAll();
  EXPECT_TRUE(tailer_->AtEnd());
}

TEST_F(TailerTest, ReadStopsNearMaxBytesAndTakesFilesInTurn) {
  Tailer tailer(env_, log_, {"/logs/*.log"}, {}, TailerOptions{/*read_chunk_bytes=*/4});
  env_.WriteFile("/logs/a.log", "a1\na2\na3\na4\n");
  env_.WriteFile("/logs/b.log", "b1\nb2\nb3\nb4\n");
  tailer.Discover();
  size_t n = tailer.Read(8, kNow, sink_);
  EXPECT_EQ(8u, n);
  // One chunk from each file in turn, so neither file starves.
  bool saw_a = false, saw_b = false;
  for (const Seen& s : sink_.seen) {
    saw_a = saw_a || s.message[0] == 'a';
    saw_b = saw_b || s.message[0] == 'b';
  }
  EXPECT_TRUE(saw_a && saw_b);
  while (tailer.Read(8, kNow, sink_) > 0) {
  }
  EXPECT_EQ(8u, sink_.Messages().size());
}

}  // namespace
}  // namespace edgelog
