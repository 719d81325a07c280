#include "agent/run/reload.h"

#include <gtest/gtest.h>

#include "agent/tail/checkpoint_store.h"

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

TEST(CarriedKeysTest, ThePathsChangedEntriesArePairedInConfigOrder) {
  EXPECT_EQ((Carried{{"g:a", "g:b"}}),
            CarriedKeys({{"/a.log", "g:a"}, {"/a.log", "g:x"}}, {{"/a.log", "g:b"}}));
  EXPECT_EQ((Carried{{"g:a", "g:b"}}),
            CarriedKeys({{"/a.log", "g:a"}}, {{"/a.log", "g:b"}, {"/a.log", "g:c"}}));
}

TEST(CarriedKeysTest, AKeySharedByEntriesIsNotOnesToCarry) {
  EXPECT_TRUE(CarriedKeys({{"/a.log", "g:s"}, {"/b.log", "g:s"}},
                          {{"/a.log", "g:n"}, {"/b.log", "g:s"}})
                  .empty());
}

TEST(CarriedKeysTest, TwoEntriesNeverMergeIntoOne) {
  Carried carried = CarriedKeys({{"/a.log", "g:a"}, {"/b.log", "g:b"}},
                                {{"/a.log", "g:n"}, {"/b.log", "g:n"}});
  EXPECT_EQ(1u, carried.size());
}

TEST(CarriedKeysTest, SwappedDestinationsSwapTheirCheckpoints) {
  EXPECT_EQ((Carried{{"g:a", "g:b"}, {"g:b", "g:a"}}),
            CarriedKeys({{"/a.log", "g:a"}, {"/b.log", "g:b"}},
                        {{"/a.log", "g:b"}, {"/b.log", "g:a"}}));
}

TEST(CarriedKeysTest, AnEntryMayMoveOntoTheDestinationOfOneRemoved) {
  EXPECT_EQ((Carried{{"g:x", "g:y"}}),
            CarriedKeys({{"/x.log", "g:x"}, {"/y.log", "g:y"}}, {{"/x.log", "g:y"}}));
}

TEST(CarriedKeysTest, OfAPathReadTwiceTheEntryKeptStaysAndTheChangedOneMoves) {
  EXPECT_EQ((Carried{{"g:z2", "g:z3"}}),
            CarriedKeys({{"/z.log", "g:z1"}, {"/z.log", "g:z2"}},
                        {{"/z.log", "g:z1"}, {"/z.log", "g:z3"}}));
}

TEST(CarryCheckpointsTest, RenamesAllAtOnceSoThatASwapSwaps) {
  auto at = [](uint64_t inode, const std::string& entry) {
    Checkpoint c;
    c.id = FileId{1, inode};
    c.entry = entry;
    return c;
  };
  std::vector<Checkpoint> checkpoints = {at(1, "g:a"), at(2, "g:b"), at(3, "g:c")};
  EXPECT_EQ(2u, CarryCheckpoints({{"g:a", "g:b"}, {"g:b", "g:a"}}, &checkpoints));
  EXPECT_EQ("g:b", checkpoints[0].entry);
  EXPECT_EQ("g:a", checkpoints[1].entry);
  EXPECT_EQ("g:c", checkpoints[2].entry);
}

TEST(CarryCheckpointsTest, AFileWithACheckpointUnderTheNewKeyKeepsBoth) {
  std::vector<Checkpoint> checkpoints(2);
  checkpoints[0].id = FileId{1, 7};
  checkpoints[0].entry = "g:a";
  checkpoints[0].offset = 10;
  checkpoints[1].id = FileId{1, 7};
  checkpoints[1].entry = "g:b";
  checkpoints[1].offset = 20;
  EXPECT_EQ(0u, CarryCheckpoints({{"g:a", "g:b"}}, &checkpoints));
  EXPECT_EQ("g:a", checkpoints[0].entry);
}

}  // namespace
}  // namespace edgelog
