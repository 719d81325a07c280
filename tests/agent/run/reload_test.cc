#include "agent/run/reload.h"

#include <gtest/gtest.h>

#include "agent/tail/checkpoint_store.h"
#include "tests/support/mem_env.h"

namespace edgelog {
namespace {

using Carried = std::map<std::string, std::string>;

TEST(CarriedKeysTest, AnEntryWhoseDestinationChangedKeepsItsFiles) {
  EXPECT_EQ((Carried{{"g:b", "g:b2"}}),
            CarriedKeys({{"/a.log", "g:a"}, {"/b.log", "g:b"}},
                        {{"/a.log", "g:a"}, {"/b.log", "g:b2"}, {"/c.log", "g:c"}}));
}

TEST(CarriedKeysTest, NothingMovesWhenNothingChanged) {
  EXPECT_TRUE(CarriedKeys({{"/a.log", "g:a"}}, {{"/a.log", "g:a"}}).empty());
  EXPECT_TRUE(CarriedKeys({{"/a.log", "g:a"}}, {}).empty());
  EXPECT_TRUE(CarriedKeys({}, {{"/a.log", "g:a"}}).empty());
}

TEST(CarriedKeysTest, AKeyThatExistedKeepsItsOwnCheckpoints) {
  // /b.log now goes where /a.log went: g:a's checkpoints are /a.log's.
  EXPECT_TRUE(CarriedKeys({{"/a.log", "g:a"}, {"/b.log", "g:b"}}, {{"/b.log", "g:a"}}).empty());
}

TEST(CarriedKeysTest, APatternHeldByTwoEntriesIsNotGuessedAt) {
  EXPECT_TRUE(CarriedKeys({{"/a.log", "g:a"}, {"/a.log", "g:x"}}, {{"/a.log", "g:b"}}).empty());
  EXPECT_TRUE(CarriedKeys({{"/a.log", "g:a"}}, {{"/a.log", "g:b"}, {"/a.log", "g:c"}}).empty());
}

TEST(CarriedKeysTest, TwoEntriesNeverMergeIntoOne) {
  Carried carried = CarriedKeys({{"/a.log", "g:a"}, {"/b.log", "g:b"}},
                                {{"/a.log", "g:n"}, {"/b.log", "g:n"}});
  EXPECT_EQ(1u, carried.size());
}

class CarryCheckpointsTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(env_.CreateDirs("/state").ok()); }

  Checkpoint At(uint64_t inode, uint64_t offset, const std::string& entry) {
    Checkpoint c;
    c.id = FileId{1, inode};
    c.path = "/f" + std::to_string(inode);
    c.offset = offset;
    c.entry = entry;
    return c;
  }

  testing::MemEnv env_;
};

TEST_F(CarryCheckpointsTest, MovesTheCheckpointsOfACarriedKeyOnly) {
  ASSERT_TRUE(SaveCheckpoints(env_, "/state/checkpoints.json",
                              {At(1, 10, "g:a"), At(2, 20, "g:b"), At(3, 30, "g:b")})
                  .ok());
  auto moved = CarryCheckpoints(env_, "/state", {{"g:b", "g:b2"}});
  ASSERT_TRUE(moved.ok()) << moved.status().ToString();
  EXPECT_EQ(2u, *moved);
  auto loaded = LoadCheckpoints(env_, "/state/checkpoints.json");
  ASSERT_TRUE(loaded.ok());
  ASSERT_EQ(3u, loaded->size());
  EXPECT_EQ("g:a", (*loaded)[0].entry);
  EXPECT_EQ("g:b2", (*loaded)[1].entry);
  EXPECT_EQ(20u, (*loaded)[1].offset);
  EXPECT_EQ("g:b2", (*loaded)[2].entry);
}

TEST_F(CarryCheckpointsTest, NothingToCarryWritesNothing) {
  auto moved = CarryCheckpoints(env_, "/state", {{"g:b", "g:b2"}});
  ASSERT_TRUE(moved.ok()) << moved.status().ToString();
  EXPECT_EQ(0u, *moved);
  EXPECT_FALSE(env_.Stat("/state/checkpoints.json").ok());
}

TEST_F(CarryCheckpointsTest, UnreadableCheckpointsAreAnError) {
  env_.WriteFile("/state/checkpoints.json", "{not json");
  EXPECT_FALSE(CarryCheckpoints(env_, "/state", {{"g:b", "g:b2"}}).ok());
}

}  // namespace
}  // namespace edgelog
