#include "agent/tail/tailer.h"

#include <gtest/gtest.h>

#include <string>

#include "tests/agent/tail/tailer_test_fixture.h"

namespace edgelog {
namespace {

using tailer_test::Lines;
using tailer_test::TailerTest;

TEST_F(TailerTest, ReadsFromTheCheckpointOfTheSameIdentity) {
  env_.WriteFile("/logs/app.log", "old1\nold2\nnew1\nnew2\n");
  Start({"/logs/app.log"}, {Checkpoint{IdOf("/logs/app.log"), "/logs/app.log", 10, {}}});
  EXPECT_EQ(10u, tailer_->source(0).start_offset);
  ReadAll();
  EXPECT_EQ((Lines{"new1", "new2"}), sink_.Messages());
  EXPECT_EQ(20u, sink_.Records().back().end_offset);
}

TEST_F(TailerTest, AFileRewrittenBeforeItsCheckpointIsReadFromTheStart) {
  // Same inode, same first bytes, but what came before the checkpoint
  // changed: the checkpoint no longer describes this content.
  env_.WriteFile("/logs/app.log", "header\nbbbb\nafter\n");
  Checkpoint c{IdOf("/logs/app.log"), "/logs/app.log", 12,
               FingerprintOf("header\n"), FingerprintOf("header\naaaa\n")};
  Start({"/logs/app.log"}, {c});
  EXPECT_EQ(0u, tailer_->source(0).start_offset);
  ReadAll();
  EXPECT_EQ((Lines{"header", "bbbb", "after"}), sink_.Messages());
}

TEST_F(TailerTest, AnUnchangedFileResumesAtItsCheckpointWhenBothFingerprintsMatch) {
  env_.WriteFile("/logs/app.log", "header\naaaa\nafter\n");
  Checkpoint c{IdOf("/logs/app.log"), "/logs/app.log", 12,
               FingerprintOf("header\n"), FingerprintOf("header\naaaa\n")};
  Start({"/logs/app.log"}, {c});
  EXPECT_EQ(12u, tailer_->source(0).start_offset);
  ReadAll();
  EXPECT_EQ(Lines{"after"}, sink_.Messages());
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
  EXPECT_EQ(1u, records[0].source)
      << "a truncated file's new generation is a source of its own, checkpointed apart";
  EXPECT_EQ(id, tailer_->source(1).file_id);
  EXPECT_FALSE(tailer_->source(0).open) << "the old generation is read";
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
  // The application may still write to the renamed file until it reopens
  // its log: the file stays open until a newer file gets data.
  EXPECT_TRUE(tailer_->source(0).open) << "closed while the writer may still use it";
  env_.WriteFile("/logs/app.log", "two\n");
  tailer_->Discover();
  ReadAll();
  ReadAll();
  EXPECT_FALSE(tailer_->source(0).open) << "still open after the writer moved on";
  EXPECT_EQ((Lines{"one", "two"}), sink_.Messages());
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

}  // namespace
}  // namespace edgelog
