#include "agent/tail/tailer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "agent/tail/glob.h"
#include "tests/agent/tail/tailer_test_fixture.h"

namespace edgelog {
namespace {

using tailer_test::At;
using tailer_test::kNow;
using tailer_test::Lines;
using tailer_test::Seen;
using tailer_test::TailerTest;

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
  Start({"/logs/*.log"});
  tailer_->Discover();
  tailer_->Discover();
  EXPECT_EQ(1u, tailer_->source_count());
  ReadAll();
  EXPECT_EQ(Lines{"a"}, sink_.Messages());
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
  EXPECT_EQ(0u, tailer_->Read(8 << 20, At(kNow), sink_));
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
  size_t n = tailer.Read(8, At(kNow), sink_);
  EXPECT_EQ(8u, n);
  // One chunk from each file in turn, so neither file starves.
  bool saw_a = false, saw_b = false;
  for (const Seen& s : sink_.seen) {
    saw_a = saw_a || s.message[0] == 'a';
    saw_b = saw_b || s.message[0] == 'b';
  }
  EXPECT_TRUE(saw_a && saw_b);
  while (tailer.Read(8, At(kNow), sink_) > 0) {
  }
  EXPECT_EQ(8u, sink_.Messages().size());
}

TEST_F(TailerTest, AFileReachedThroughALinkedDirectoryIsFollowedOnceUnderOnePath) {
  env_.WriteFile("/logs/2024-06/app.log", "a\n");
  env_.CreateSymlink("/logs/current", "2024-06");
  Start({"/logs/**/*.log"});
  tailer_->Discover();
  ASSERT_EQ(1u, tailer_->source_count());
  EXPECT_EQ("/logs/2024-06/app.log", tailer_->source(0).path);
  EXPECT_EQ(0, log_.Count(LogLevel::kInfo, "renamed"));
}

TEST_F(TailerTest, AGlobWalkCutShortIsReportedOnceNamingThePattern) {
  std::string deep = "/deep";
  for (int i = 0; i <= kMaxGlobDepth; ++i) deep += "/d";
  env_.WriteFile("/deep/near.log", "near\n");
  env_.WriteFile(deep + "/far.log", "far\n");
  Start({"/deep/**/*.log"});
  tailer_->Discover();
  EXPECT_EQ(1, log_.Count(LogLevel::kWarning, "/deep/**/*.log"));
  ReadAll();
  EXPECT_EQ(Lines{"near"}, sink_.Messages());
}

}  // namespace
}  // namespace edgelog
