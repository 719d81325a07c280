// max_open_files: with more files than descriptors allowed, files read to
// their end and idle are closed ("dormant") and reopened from their offset
// when they change. Closing and reopening must neither lose nor repeat a
// line, whatever happened to the file while it was closed.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "agent/tail/tailer.h"
#include "tests/agent/tail/tailer_scenarios_fixture.h"
#include "tests/support/descriptor_limit_env.h"

namespace edgelog::tailer_scenarios {
namespace {

constexpr char kApp[] = "/logs/app.log";

// Shows some files under another file's inode number, as a file system
// that reuses the inode of a deleted file does.
class InodeReuseEnv : public EnvWrapper {
 public:
  explicit InodeReuseEnv(Env& target) : EnvWrapper(target) {}
  // From now on the file with `actual` is reported with `shown`.
  void ShowAs(const FileId& actual, const FileId& shown) { alias_[actual.inode] = shown; }

  StatusOr<FileInfo> Stat(const std::string& path) override {
    auto info = target().Stat(path);
    if (info.ok()) info->id = Shown(info->id);
    return info;
  }
  StatusOr<std::unique_ptr<ReadableFile>> OpenReadable(const std::string& path) override {
    auto file = target().OpenReadable(path);
    if (!file.ok()) return file.status();
    return std::unique_ptr<ReadableFile>(std::make_unique<File>(*this, std::move(*file)));
  }

 private:
  class File : public ReadableFile {
   public:
    File(InodeReuseEnv& env, std::unique_ptr<ReadableFile> file)
        : env_(env), file_(std::move(file)) {}
    StatusOr<size_t> ReadAt(uint64_t offset, char* buf, size_t n) override {
      return file_->ReadAt(offset, buf, n);
    }
    StatusOr<FileInfo> Stat() override {
      auto info = file_->Stat();
      if (info.ok()) info->id = env_.Shown(info->id);
      return info;
    }

   private:
    InodeReuseEnv& env_;
    std::unique_ptr<ReadableFile> file_;
  };

  FileId Shown(const FileId& id) const {
    auto it = alias_.find(id.inode);
    return it == alias_.end() ? id : it->second;
  }

  std::map<uint64_t, FileId> alias_;
};

class TailerScenarioOpenFiles : public TailerScenario {
 protected:
  static std::string Path(char name) { return std::string("/logs/") + name + ".log"; }
  int OpenCount() const {
    int n = 0;
    for (uint32_t s = 0; s < tailer_->source_count(); ++s) n += tailer_->source(s).open;
    return n;
  }
  bool AnyDormant() const {
    for (uint32_t s = 0; s < tailer_->source_count(); ++s) {
      if (tailer_->source(s).dormant) return true;
    }
    return false;
  }
  // a.log read to its end and closed for room, b.log open.
  void MakeADormant() {
    options_.max_open_files = 1;
    env_.WriteFile(Path('a'), Text(Numbered("a", 1, 2)));
    env_.WriteFile(Path('b'), Text(Numbered("b", 1, 2)));
    Start({"/logs/*.log"});
    Settle();
    ASSERT_TRUE(tailer_->source(0).dormant) << "test setup: a.log is not dormant";
    ASSERT_EQ(Numbered("a", 1, 2), MessagesOf(IdOf(Path('a'))));
  }
};

TEST_F(TailerScenarioOpenFiles, FourFilesThroughTwoDescriptorsLoseAndRepeatNothing) {
  options_.max_open_files = 2;
  const std::string names = "abcd";
  std::map<char, Lines> expected;
  for (char c : names) {
    expected[c] = Numbered(std::string(1, c), 1, 3);
    env_.WriteFile(Path(c), Text(expected[c]));
  }
  Start({"/logs/*.log"});
  bool saw_dormant = false;
  for (int round = 0; round < 6; ++round) {
    for (char c : names) {
      if ((round + c) % 3 == 0) continue;  // not every file grows every round
      Lines more = Numbered(std::string(1, c) + "-round" + std::to_string(round), 1, 2);
      env_.AppendToFile(Path(c), Text(more));
      expected[c] = Concat({expected[c], more});
    }
    for (int pass = 0; pass < 8; ++pass) {
      Pass();
      ASSERT_LE(OpenCount(), 2) << "round " << round << " pass " << pass;
      saw_dormant |= AnyDormant();
    }
  }
  Settle();

  EXPECT_TRUE(saw_dormant) << "no file was ever closed for room";
  for (char c : names) {
    FileId id = IdOf(Path(c));
    EXPECT_EQ(expected[c], MessagesOf(id)) << Path(c);
    std::vector<uint64_t> ends = EndOffsetsOf(id);
    for (size_t i = 1; i < ends.size(); ++i) {
      EXPECT_LT(ends[i - 1], ends[i]) << Path(c) << ": read again from an earlier offset";
    }
    EXPECT_EQ(env_.ReadFile(Path(c)).size(), ends.back()) << Path(c);
  }
}

TEST_F(TailerScenarioOpenFiles, ADormantFileIsReopenedFromItsOffsetWhenItGrows) {
  MakeADormant();
  env_.AppendToFile(Path('a'), Text(Numbered("a", 3, 2)));
  Settle();

  FileId a = IdOf(Path('a'));
  EXPECT_EQ(Numbered("a", 1, 4), MessagesOf(a));
  std::vector<uint32_t> sources = SourcesOf(a);
  ASSERT_EQ(2u, sources.size()) << "closed once, reopened once";
  EXPECT_EQ(8u, tailer_->source(sources[1]).start_offset);
  EXPECT_EQ((std::vector<uint64_t>{4, 8, 12, 16}), EndOffsetsOf(a));
}

TEST_F(TailerScenarioOpenFiles, ADormantFileThatDoesNotGrowIsNotReopened) {
  MakeADormant();
  for (int i = 0; i < 10; ++i) Pass();

  EXPECT_EQ(1u, SourcesOf(IdOf(Path('a'))).size());
  EXPECT_TRUE(tailer_->source(0).dormant);
}

TEST_F(TailerScenarioOpenFiles, AnIncompleteLastLineSurvivesItsFileBeingClosedForRoom) {
  options_.max_open_files = 1;
  env_.WriteFile(Path('a'), "a-1\npar");
  env_.WriteFile(Path('b'), "b-1\n");
  Start({"/logs/*.log"});
  Settle();
  // A file holding an incomplete line is not closed for room: the line
  // would be lost or cut.
  EXPECT_FALSE(tailer_->source(0).dormant);
  env_.AppendToFile(Path('a'), "tial\n");
  Settle();

  EXPECT_EQ((Lines{"a-1", "partial"}), MessagesOf(IdOf(Path('a'))));
}

TEST_F(TailerScenarioOpenFiles, ADormantFileTruncatedAndRewrittenPastItsOffsetIsReadFromItsStart) {
  // copytruncate (or "> a.log") while the file was closed for room; the
  // writer then wrote more than the agent had read.
  MakeADormant();
  TruncateInPlace(Path('a'), Text(Numbered("after-truncation", 1, 3)));
  Settle();

  EXPECT_EQ(Concat({Numbered("a", 1, 2), Numbered("after-truncation", 1, 3)}),
            MessagesOf(IdOf(Path('a'))));
}

TEST_F(TailerScenarioOpenFiles, ADormantFileThatGrewAndWasRenamedAwayIsFinished) {
  MakeADormant();
  env_.AppendToFile(Path('a'), Text(Numbered("a", 3, 2)));
  Rename(Path('a'), "/logs/a.log.1");
  env_.AppendToFile(Path('a'), Text(Numbered("a-new", 1, 1)));
  Settle();

  Lines a_lines = MessagesOf(IdOf("/logs/a.log.1"));
  EXPECT_EQ(Numbered("a", 1, 4), a_lines);
  EXPECT_EQ(Numbered("a-new", 1, 1), MessagesOf(IdOf(Path('a'))));
}

TEST_F(TailerScenarioOpenFiles, ANewFileOnTheInodeOfADormantDeletedFileIsReadFromItsStart) {
  // a.log is closed for room, then deleted; the next file created gets its
  // inode. Only the content can tell them apart.
  InodeReuseEnv env(env_);
  options_.max_open_files = 1;
  env_.WriteFile(Path('a'), Text(Numbered("a", 1, 2)));
  env_.WriteFile(Path('b'), Text(Numbered("b", 1, 2)));
  tailer_ = std::make_unique<Tailer>(env, log_, std::vector<std::string>{"/logs/*.log"},
                                     std::vector<Checkpoint>{}, options_);
  Settle();
  ASSERT_TRUE(tailer_->source(0).dormant) << "test setup: a.log is not dormant";
  FileId old_id = IdOf(Path('a'));
  Remove(Path('a'));
  env_.WriteFile("/logs/c.log", Text(Numbered("c-reusing-the-inode", 1, 3)));
  env.ShowAs(IdOf("/logs/c.log"), old_id);
  Settle();

  Lines c_lines;
  for (const Seen& s : sink_.Records()) {
    if (tailer_->source(s.source).path == "/logs/c.log") c_lines.push_back(s.message);
  }
  EXPECT_EQ(Numbered("c-reusing-the-inode", 1, 3), c_lines);
}

TEST_F(TailerScenarioOpenFiles, DormantFilesResumeFromTheirCheckpointsAfterARestart) {
  options_.max_open_files = 2;
  const std::string names = "abcd";
  for (char c : names) env_.WriteFile(Path(c), Text(Numbered(std::string(1, c), 1, 2)));
  Start({"/logs/*.log"});
  Settle();
  ASSERT_TRUE(AnyDormant()) << "test setup: no file was closed for room";
  StopAndStartAgain();
  for (char c : names) env_.AppendToFile(Path(c), Text(Numbered(std::string(1, c), 3, 2)));
  Settle();

  for (char c : names) {
    EXPECT_EQ(Numbered(std::string(1, c), 1, 4), MessagesOf(IdOf(Path(c)))) << Path(c);
  }
}

// --- Descriptors run out (EMFILE) ---

TEST_F(TailerScenarioOpenFiles, AFileRefusedADescriptorIsOpenedWhenOneFrees) {
  // Sockets and the disk buffer took the rest: only two files can be open,
  // whatever max_open_files says.
  testing::DescriptorLimitEnv env(env_, 2);
  for (char c : std::string("abc")) env_.WriteFile(Path(c), Text(Numbered(std::string(1, c), 1, 2)));
  tailer_ = std::make_unique<Tailer>(env, log_, std::vector<std::string>{"/logs/*.log"},
                                     std::vector<Checkpoint>{}, options_);
  tailer_->Discover();
  ReadAll();
  ASSERT_GE(env.refused(), 1u) << "test setup: c.log was not refused";
  EXPECT_FALSE(tailer_->AtEnd()) << "a file still waits to be read";
  Remove(Path('a'));  // read to its end and closed: a descriptor frees
  ReadAll();          // no new look at the directory needed
  ReadAll();

  EXPECT_EQ(Numbered("c", 1, 2), MessagesOf(IdOf(Path('c'))));
  EXPECT_TRUE(tailer_->AtEnd());
}

TEST_F(TailerScenarioOpenFiles, OnceReadsEveryFileInTurnsWithMoreFilesThanDescriptors) {
  // --once never looks at the directory again: files read to their end are
  // finished to make room for the ones waiting.
  options_.max_open_files = 3;
  options_.once = true;
  const std::string names = "abcdefghij";
  for (char c : names) {
    env_.WriteFile(Path(c), Text(Numbered(std::string(1, c), 1, 3)) + "partial-" + c);
  }
  Start({"/logs/*.log"});
  ReadAll();
  Shutdown();

  for (char c : names) {
    EXPECT_EQ(Concat({Numbered(std::string(1, c), 1, 3), Lines{std::string("partial-") + c}}),
              MessagesOf(IdOf(Path(c))))
        << Path(c);
  }
  EXPECT_TRUE(tailer_->AtEnd());
}

TEST_F(TailerScenarioOpenFiles, ADormantFileWhoseReopeningIsRefusedIsReopenedLaterFromItsOffset) {
  options_.max_open_files = 1;
  testing::DescriptorLimitEnv env(env_, 1);
  env_.WriteFile(Path('a'), Text(Numbered("a", 1, 2)));
  env_.WriteFile(Path('b'), Text(Numbered("b", 1, 2)));
  tailer_ = std::make_unique<Tailer>(env, log_, std::vector<std::string>{"/logs/*.log"},
                                     std::vector<Checkpoint>{}, options_);
  Settle();
  ASSERT_TRUE(tailer_->source(0).dormant) << "test setup: a.log is not dormant";
  env_.AppendToFile(Path('a'), Text(Numbered("a", 3, 2)));
  env.set_limit(0);  // b.log is closed for a.log, whose opening then fails
  Pass();
  env.set_limit(1);
  Settle();

  EXPECT_EQ(Numbered("a", 1, 4), MessagesOf(IdOf(Path('a'))));
  EXPECT_EQ(Numbered("b", 1, 2), MessagesOf(IdOf(Path('b'))));
}

TEST_F(TailerScenarioOpenFiles, ADormantFileTruncatedAndRegrownWithTheSameFirstBytesLosesNothing) {
  options_.max_open_files = 1;
  std::string banner = std::string(1100, '=') + "\n";
  env_.WriteFile(kApp, banner + Text(Numbered("run1", 1, 5)));
  env_.WriteFile("/logs/other.log", Text(Numbered("other", 1, 1)));
  Start({kApp, "/logs/other.log"});
  Settle();
  ASSERT_TRUE(tailer_->source(0).dormant || !tailer_->source(0).open);
  TruncateInPlace(kApp, banner + Text(Numbered("run2", 1, 20)));
  Settle();
  Lines got;
  for (auto& m : Messages()) if (m.rfind("run2", 0) == 0) got.push_back(m);
  EXPECT_EQ(Numbered("run2", 1, 20), got);
}

TEST_F(TailerScenarioOpenFiles, ADormantFileThatGrewAndWasRenamedWithinThePatternGoesFirst) {
  options_.max_open_files = 1;
  env_.WriteFile(kApp, Text(Numbered("old", 1, 3)));
  env_.WriteFile("/logs/other.txt", Text(Numbered("other", 1, 1)));
  Start({"/logs/app.log*", "/logs/other.txt"});
  Settle();
  env_.AppendToFile(kApp, Text(Numbered("old", 4, 2)));
  Rename(kApp, "/logs/app.log.1");
  env_.WriteFile(kApp, Text(Numbered("new", 1, 2)));
  Settle();
  Lines got;
  for (auto& m : Messages()) if (m.rfind("other", 0) != 0) got.push_back(m);
  EXPECT_EQ(Concat({Numbered("old", 1, 5), Numbered("new", 1, 2)}), got);
}

TEST_F(TailerScenarioOpenFiles, ADormantFileThatGrewAndWasRenamedAwayGoesFirst) {
  options_.max_open_files = 1;
  env_.WriteFile(kApp, Text(Numbered("old", 1, 3)));
  env_.WriteFile("/logs/other.txt", Text(Numbered("other", 1, 1)));
  Start({kApp, "/logs/other.txt"});
  Settle();
  env_.AppendToFile(kApp, Text(Numbered("old", 4, 2)));
  Rename(kApp, "/logs/app.log.1");
  env_.WriteFile(kApp, Text(Numbered("new", 1, 2)));
  Settle();
  Lines got;
  for (auto& m : Messages()) if (m.rfind("other", 0) != 0) got.push_back(m);
  EXPECT_EQ(Concat({Numbered("old", 1, 5), Numbered("new", 1, 2)}), got);
}

// With every descriptor taken, making room for a copy read first must not
// close the very file it is read first for (idle, at its end: the likeliest
// to close). It was closed, then used: a crash.
TEST_F(TailerScenario, RoomForACopyReadFirstIsNotMadeByClosingItsOriginal) {
  options_.max_open_files = 1;
  env_.WriteFile(kApp, "");
  Start({std::string(kApp) + "*"});
  ReadAll();  // app.log found empty: at its end, idle
  env_.AppendToFile(kApp, Text(Numbered("gen1", 1, 3)));
  CopyFile(kApp, "/logs/app.log.1");  // copytruncate begins
  tailer_->Discover();                 // the copy held
  tailer_->Read(0, At(now_), sink_);  // held copies compared; next in a while
  TruncateInPlace(kApp, Text(Numbered("gen2", 1, 3)));
  ReadAll();  // app.log's first read: its copy first
  Settle();
  EXPECT_EQ(Concat({Numbered("gen1", 1, 3), Numbered("gen2", 1, 3)}), Messages());
}

// The same when the held copy is settled in time rather than at the first
// read.
TEST_F(TailerScenario, RoomForAHeldCopySettledIsNotMadeByClosingItsOriginal) {
  options_.max_open_files = 1;
  env_.WriteFile(kApp, "");
  Start({std::string(kApp) + "*"});
  ReadAll();
  env_.AppendToFile(kApp, Text(Numbered("gen1", 1, 3)));
  CopyFile(kApp, "/logs/app.log.1");
  tailer_->Discover();
  TruncateInPlace(kApp, Text(Numbered("gen2", 1, 3)));
  now_ += kPassMs;
  ReadAll();
  Settle();
  EXPECT_EQ(Concat({Numbered("gen1", 1, 3), Numbered("gen2", 1, 3)}), Messages());
}

}  // namespace
}  // namespace edgelog::tailer_scenarios
