#include "agent/tail/glob.h"
#include "agent/tail/rotation.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "tests/support/mem_env.h"

namespace edgelog {
namespace {

using testing::MemEnv;
using Paths = std::vector<std::string>;

class GlobTest : public ::testing::Test {
 protected:
  GlobTest() {
    for (const char* path : {
             "/logs/app.log",
             "/logs/app.log.1",
             "/logs/db.log",
             "/logs/a1.log",
             "/logs/a2.log",
             "/logs/ab.log",
             "/logs/.hidden.log",
             "/logs/sub/x.log",
             "/logs/sub/deeper/y.log",
             "/logs/sub/deeper/y.txt",
             "/logs/other/z.log",
             "/var/log/syslog",
         }) {
      env_.WriteFile(path, "line\n");
    }
    env_.CreateDirs("/logs/dir.log");  // a directory whose name matches *.log
  }

  Paths Expand(const std::string& pattern) { return ExpandGlob(env_, pattern); }

  MemEnv env_;
};

TEST_F(GlobTest, APatternWithoutGlobCharactersYieldsTheFileWhenItExists) {
  EXPECT_EQ(Paths{"/logs/app.log"}, Expand("/logs/app.log"));
  EXPECT_EQ(Paths{}, Expand("/logs/missing.log"));
}

TEST_F(GlobTest, StarMatchesAnyRunWithinOneComponentOnly) {
  EXPECT_EQ((Paths{"/logs/a1.log", "/logs/a2.log", "/logs/ab.log", "/logs/app.log",
                   "/logs/db.log"}),
            Expand("/logs/*.log"));
}

TEST_F(GlobTest, ATrailingDoubleStarMatchesEveryFileBelowButNotHiddenOnes) {
  EXPECT_EQ((Paths{"/logs/sub/deeper/y.log", "/logs/sub/deeper/y.txt", "/logs/sub/x.log"}),
            Expand("/logs/sub/**"));
  EXPECT_TRUE(PathMatches("/logs/sub/**", "/logs/sub/deeper/y.txt"));
}

TEST_F(GlobTest, StarMatchesTheEmptyRun) {
  EXPECT_EQ((Paths{"/logs/app.log", "/logs/app.log.1"}), Expand("/logs/app.log*"));
}

TEST_F(GlobTest, StarInADirectoryComponentMatchesDirectories) {
  EXPECT_EQ((Paths{"/logs/other/z.log", "/logs/sub/x.log"}), Expand("/logs/*/*.log"));
}

TEST_F(GlobTest, QuestionMarkMatchesExactlyOneCharacter) {
  EXPECT_EQ((Paths{"/logs/a1.log", "/logs/a2.log", "/logs/ab.log"}), Expand("/logs/a?.log"));
  EXPECT_EQ(Paths{}, Expand("/logs/a?1.log"));
}

TEST_F(GlobTest, BracketsMatchOneCharacterOfASetOrRange) {
  EXPECT_EQ((Paths{"/logs/a1.log", "/logs/a2.log"}), Expand("/logs/a[0-9].log"));
  EXPECT_EQ((Paths{"/logs/a2.log", "/logs/ab.log"}), Expand("/logs/a[2b].log"));
}

TEST_F(GlobTest, NegatedBracketsMatchAnyOtherCharacter) {
  EXPECT_EQ((Paths{"/logs/a2.log", "/logs/ab.log"}), Expand("/logs/a[!1].log"));
  EXPECT_EQ((Paths{"/logs/ab.log"}), Expand("/logs/a[^0-9].log"));
}

TEST_F(GlobTest, DoubleStarMatchesZeroOrMoreDirectories) {
  EXPECT_EQ((Paths{"/logs/a1.log", "/logs/a2.log", "/logs/ab.log", "/logs/app.log",
                   "/logs/db.log", "/logs/other/z.log", "/logs/sub/deeper/y.log",
                   "/logs/sub/x.log"}),
            Expand("/logs/**/*.log"));
}

TEST_F(GlobTest, DoubleStarInTheMiddleMatchesEveryDepth) {
  EXPECT_EQ((Paths{"/logs/sub/deeper/y.log", "/logs/sub/deeper/y.txt"}),
            Expand("/logs/**/deeper/*"));
  EXPECT_EQ((Paths{"/logs/sub/deeper/y.log"}), Expand("/**/y.log"));
}

TEST_F(GlobTest, ResultsAreSortedAndEachFileAppearsOnce) {
  // Both '**' can take the same directories: every file could be found twice.
  Paths got = Expand("/logs/**/**/*.log");
  Paths sorted = got;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(sorted, got);
  EXPECT_EQ(std::unique(sorted.begin(), sorted.end()), sorted.end()) << "duplicates";
  EXPECT_EQ(8u, got.size());
}

TEST_F(GlobTest, HiddenFilesMatchOnlyAPatternThatStartsWithADot) {
  Paths all = Expand("/logs/*");
  EXPECT_EQ(all.end(), std::find(all.begin(), all.end(), "/logs/.hidden.log"));
  EXPECT_EQ(Paths{"/logs/.hidden.log"}, Expand("/logs/.*.log"));
}

TEST_F(GlobTest, DirectoriesAreNeverReturned) {
  Paths got = Expand("/logs/*.log");
  EXPECT_EQ(got.end(), std::find(got.begin(), got.end(), "/logs/dir.log"));
  EXPECT_EQ(Paths{}, Expand("/logs/sub"));
}

TEST_F(GlobTest, AMissingDirectoryIsNoMatchNotAnError) {
  EXPECT_EQ(Paths{}, Expand("/nowhere/*.log"));
  EXPECT_EQ(Paths{}, Expand("/nowhere/**/*.log"));
  EXPECT_EQ(Paths{}, Expand("/logs/nowhere/*.log"));
}

TEST_F(GlobTest, FilesThatAppearLaterAreFoundByTheNextExpansion) {
  EXPECT_EQ(Paths{}, Expand("/later/*.log"));
  env_.WriteFile("/later/new.log", "x\n");
  EXPECT_EQ(Paths{"/later/new.log"}, Expand("/later/*.log"));
}

TEST_F(GlobTest, RepeatedSlashesInThePatternAreHarmless) {
  EXPECT_EQ(Paths{"/logs/app.log"}, Expand("//logs//app.log"));
}

TEST_F(GlobTest, BackslashQuotesAGlobCharacter) {
  env_.WriteFile("/odd/a*b.log", "x\n");
  env_.WriteFile("/odd/axb.log", "x\n");
  EXPECT_EQ(Paths{"/odd/a*b.log"}, Expand("/odd/a\\*b.log"));
}

}  // namespace
}  // namespace edgelog
