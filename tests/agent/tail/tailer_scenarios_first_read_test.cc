// The look before a file's first read: empty files, files waiting their turn
// behind a generation, and siblings the pattern found as files of their own.
// Each must end (at its end, closed for room, read), and the look must not
// cost a directory listing per file per pass.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "agent/tail/tailer.h"
#include "tests/agent/tail/tailer_scenarios_fixture.h"

namespace edgelog::tailer_scenarios {
namespace {

constexpr char kApp[] = "/logs/app.log";
constexpr char kApp1[] = "/logs/app.log.1";

TEST_F(TailerScenario, AnEmptyFileFollowedIsAtItsEnd) {
  // `run --once` ends when every file is at its end.
  env_.WriteFile("/logs/a.log", "");
  env_.WriteFile("/logs/b.log", Text(Numbered("b", 1, 3)));
  Start({"/logs/*.log"});
  Settle();
  EXPECT_EQ(Numbered("b", 1, 3), Messages());
  EXPECT_TRUE(tailer_->AtEnd());
}

TEST_F(TailerScenario, EmptyFilesAreClosedToMakeRoomForAWaitingFile) {
  options_.max_open_files = 2;
  env_.WriteFile("/logs/a.log", "");
  env_.WriteFile("/logs/b.log", "");
  env_.WriteFile("/logs/c.log", Text(Numbered("c", 1, 3)));
  Start({"/logs/*.log"});
  Settle();
  EXPECT_EQ(Numbered("c", 1, 3), Messages());
}

TEST_F(TailerScenario, AFileCopytruncatedToEmptyIsAtItsEnd) {
  env_.WriteFile(kApp, Text(Numbered("g1", 1, 3)));
  Start({kApp});
  Settle();
  CopyFile(kApp, kApp1);
  TruncateInPlace(kApp);
  Settle();
  EXPECT_EQ(Numbered("g1", 1, 3), Messages());
  EXPECT_TRUE(tailer_->AtEnd());
}

TEST_F(TailerScenario, ASiblingStillWrittenDoesNotKeepTheLiveFileWaiting) {
  // app.log.1, written after app.log, is found by the pattern and taken for
  // a generation of app.log; it goes on growing. Once app.log has more, it
  // is finished, and not taken for a generation again.
  env_.WriteFile(kApp, Text(Numbered("new", 1, 2)));
  env_.WriteFile(kApp1, Text(Numbered("old", 1, 2)));
  Start({"/logs/app.log*"});
  for (int i = 0; i < 20; ++i) {
    env_.AppendToFile(kApp1, Text(Numbered("old", 3 + i, 1)));
    env_.AppendToFile(kApp, Text(Numbered("new", 3 + i, 1)));
    Pass();
  }
  EXPECT_EQ(Numbered("old", 1, 22), MessagesOf(IdOf(kApp1)));
  EXPECT_EQ(Numbered("new", 1, 22), MessagesOf(IdOf(kApp)));
}

// Counts directory listings.
class ListingEnv : public EnvWrapper {
 public:
  using EnvWrapper::EnvWrapper;
  StatusOr<std::vector<std::string>> ListDir(const std::string& dir) override {
    ++listings;
    return EnvWrapper::ListDir(dir);
  }
  uint64_t listings = 0;
};

TEST_F(TailerScenario, FilesWaitingBehindAGenerationAreNotLookedAtOnEveryPass) {
  // 500 new files wait their turn behind a rotated file still written:
  // each is looked at once when first visited (one listing for the
  // generations it may have missed), then again when its turn comes or it
  // changes; not at every pass while it waits unchanged.
  constexpr int kFiles = 500;
  ListingEnv listing(env_);
  env_.WriteFile(kApp, Text(Numbered("a", 1, 2)));
  entries_ = {Entry("/logs/*.log", "")};
  tailer_ = std::make_unique<Tailer>(listing, log_, entries_, std::vector<Checkpoint>{},
                                     options_);
  tailer_->Discover();
  ReadAll();
  Rename(kApp, kApp1);  // not matched: a generation, read to its end first
  for (int i = 0; i < kFiles; ++i) {
    env_.WriteFile("/logs/f" + std::to_string(i) + ".log", "line " + std::to_string(i) + "\n");
  }
  now_ += kPassMs;
  tailer_->Discover();
  env_.AppendToFile(kApp1, "more\n");
  tailer_->Read(8 << 20, At(now_), sink_);  // the first visits
  uint64_t before = listing.listings;
  for (int pass = 0; pass < 3; ++pass) {
    env_.AppendToFile(kApp1, "more\n");
    tailer_->Read(8 << 20, At(now_), sink_);
  }
  EXPECT_LE(listing.listings - before, 10u) << "directory listings in three reads";
}

TEST_F(TailerScenario, ManyGenerationsFoundAtOnceCostAStatEachNotOneEachPerGeneration) {
  // 2,000 generations written between two looks (long retention, or files
  // named like generations by anyone who can write there): each is placed
  // among the others by its last write, looked up once per pass, not once
  // per generation placed (4 million descriptor stats).
  constexpr int kGenerations = 2000;
  env_.WriteFile(kApp, "x\n");
  Start({kApp});
  Settle();
  for (int i = kGenerations; i >= 1; --i) {
    env_.WriteFile(std::string(kApp) + "." + std::to_string(i), "line " + std::to_string(i) + "\n");
  }
  Rename(kApp, std::string(kApp) + ".0");
  env_.WriteFile(kApp, "new\n");
  uint64_t stats = 0;
  env_.set_after_descriptor_stat([&stats](const FileInfo&) { ++stats; });
  Pass();
  env_.set_after_descriptor_stat(nullptr);
  EXPECT_LE(stats, 20u * kGenerations) << "descriptor stats in one pass";
}

}  // namespace
}  // namespace edgelog::tailer_scenarios
