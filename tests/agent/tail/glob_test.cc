#include "agent/tail/glob.h"
#include "agent/tail/rotation.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
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
    EXPECT_TRUE(env_.CreateDirs("/logs/dir.log").ok());  // a directory matching *.log
  }

  Paths Expand(const std::string& pattern) {
    GlobExpansion expansion = ExpandGlob(env_, pattern);
    EXPECT_FALSE(expansion.truncated) << pattern;
    return expansion.paths;
  }

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

// Counts directory listings, the walk's unit of work.
class CountingEnv : public EnvWrapper {
 public:
  explicit CountingEnv(Env& target) : EnvWrapper(target) {}
  StatusOr<std::vector<std::string>> ListDir(const std::string& dir) override {
    ++listings;
    return EnvWrapper::ListDir(dir);
  }
  int listings = 0;
};

TEST_F(GlobTest, SymbolicLinkLoopsEndTheWalkAndEachFileIsFoundOnce) {
  env_.WriteFile("/loop/logs/a/x.log", "x\n");
  env_.WriteFile("/loop/logs/b/y.log", "y\n");
  env_.CreateSymlink("/loop/logs/a/up", "..");
  env_.CreateSymlink("/loop/logs/b/up", "..");
  env_.CreateSymlink("/loop/logs/c", ".");
  env_.CreateSymlink("/loop/logs/self", "self");  // no directory at all: ELOOP
  CountingEnv counting(env_);
  GlobExpansion got = ExpandGlob(counting, "/loop/logs/**/*.log");
  EXPECT_EQ((Paths{"/loop/logs/a/x.log", "/loop/logs/b/y.log"}), got.paths);
  EXPECT_FALSE(got.truncated);
  // Three real directories, each listed once for '**' and once for '*.log'.
  EXPECT_EQ(6, counting.listings);
  EXPECT_EQ((Paths{"/loop/logs/a/x.log", "/loop/logs/b/y.log"}), Expand("/loop/logs/**"));
}

TEST_F(GlobTest, ALinkToAnAncestorIsNotWalkedAgain) {
  env_.WriteFile("/srv/app/logs/x.log", "x\n");
  env_.CreateSymlink("/srv/app/logs/root", "/srv");
  EXPECT_EQ(Paths{"/srv/app/logs/x.log"}, Expand("/srv/**/*.log"));
  EXPECT_EQ(Paths{"/srv/app/logs/x.log"}, Expand("/srv/**/logs/*.log"));
}

TEST_F(GlobTest, ADirectoryReachedThroughALinkToASiblingYieldsItsFilesOnce) {
  env_.WriteFile("/sib/2024-06/x.log", "x\n");
  env_.CreateSymlink("/sib/current", "2024-06");
  EXPECT_EQ(Paths{"/sib/2024-06/x.log"}, Expand("/sib/**/*.log"));
  EXPECT_EQ(Paths{"/sib/2024-06/x.log"}, Expand("/sib/*/*.log"));
  EXPECT_EQ(Paths{"/sib/2024-06/x.log"}, Expand("/sib/*/x.log"));
}

TEST_F(GlobTest, OfTwoPathsToOneDirectoryItsOwnIsKeptOverALinks) {
  env_.WriteFile("/two/real/x.log", "x\n");
  env_.CreateSymlink("/two/alias", "real");  // sorts before "real"
  EXPECT_EQ(Paths{"/two/real/x.log"}, Expand("/two/**/*.log"));
  EXPECT_EQ(Paths{"/two/real/x.log"}, Expand("/two/*/x.log"));
}

TEST_F(GlobTest, OfTwoLinksToOneDirectoryTheFirstInSortedOrderIsKept) {
  env_.WriteFile("/elsewhere/real/x.log", "x\n");
  env_.CreateSymlink("/three/a", "/elsewhere/real");
  env_.CreateSymlink("/three/b", "/elsewhere/real");
  EXPECT_EQ(Paths{"/three/a/x.log"}, Expand("/three/*/x.log"));
}

TEST_F(GlobTest, TheFixedDirectoryIsThePathUpToTheFirstGlobAsTheWalkSeesIt) {
  EXPECT_EQ("/var/log/app", FixedDirOf("/var/log/app/*.log"));
  EXPECT_EQ("/var/log/app", FixedDirOf("/var/log/app/app.log"));
  EXPECT_EQ("/var", FixedDirOf("/var/*/x.log"));
  EXPECT_EQ("/", FixedDirOf("/*.log"));
  EXPECT_EQ("/dir/logs", FixedDirOf("/dir//logs/*.log"));
  EXPECT_EQ("/dir/logs", FixedDirOf("/dir/./logs//a.log"));
  EXPECT_EQ("/home", FixedDirOf("/home/*/app.log"));
}

TEST_F(GlobTest, ALinkToAFileMatchesAsAFile) {
  env_.WriteFile("/lf/app-1.txt", "x\n");
  env_.CreateSymlink("/lf/current.log", "app-1.txt");
  env_.CreateSymlink("/lf/broken.log", "missing.txt");
  EXPECT_EQ(Paths{"/lf/current.log"}, Expand("/lf/*.log"));
  EXPECT_EQ(Paths{"/lf/current.log"}, Expand("/lf/**/*.log"));
}

TEST_F(GlobTest, TheDirectoryLimitCutsTheWalkShortAndSaysSo) {
  GlobLimits limits;
  limits.max_directories_listed = 2;
  GlobExpansion got = ExpandGlob(env_, "/logs/**/*.log", limits);
  EXPECT_TRUE(got.truncated);
  // /logs listed for '*.log', then for '**': nothing below it.
  EXPECT_EQ((Paths{"/logs/a1.log", "/logs/a2.log", "/logs/ab.log", "/logs/app.log",
                   "/logs/db.log"}),
            got.paths);
}

TEST_F(GlobTest, TheDepthLimitCutsTheWalkShortAndSaysSo) {
  GlobLimits limits;
  limits.max_depth = 1;
  GlobExpansion got = ExpandGlob(env_, "/logs/**/*.log", limits);
  EXPECT_TRUE(got.truncated);
  EXPECT_EQ((Paths{"/logs/a1.log", "/logs/a2.log", "/logs/ab.log", "/logs/app.log",
                   "/logs/db.log", "/logs/other/z.log", "/logs/sub/x.log"}),
            got.paths);
  limits.max_depth = 2;  // just deep enough
  EXPECT_FALSE(ExpandGlob(env_, "/logs/**/*.log", limits).truncated);
}

// Below /endless every directory holds a file and two more directories, each
// with an identity of its own: no loop to find, only a tree too large to walk.
class EndlessTreeEnv : public EnvWrapper {
 public:
  explicit EndlessTreeEnv(Env& target) : EnvWrapper(target) {}
  StatusOr<FileInfo> Stat(const std::string& path) override {
    FileInfo info;
    auto known = ids_.emplace(path, ids_.size() + 1).first;
    info.id = FileId{7, known->second};
    bool file = path.size() > 4 && path.compare(path.size() - 4, 4, ".log") == 0;
    info.kind = file ? FileKind::kRegular : FileKind::kDirectory;
    return info;
  }
  StatusOr<std::vector<std::string>> ListDir(const std::string&) override {
    ++listings;
    return std::vector<std::string>{"a", "b", "f.log"};
  }
  int listings = 0;

 private:
  std::map<std::string, uint64_t> ids_;
};

TEST_F(GlobTest, ATreeTooLargeToWalkEndsAtTheDefaultLimits) {
  EndlessTreeEnv endless(env_);
  GlobExpansion got = ExpandGlob(endless, "/endless/**/*.log");
  EXPECT_TRUE(got.truncated);
  EXPECT_LE(endless.listings, kMaxGlobDirectoriesListed);
  EXPECT_FALSE(got.paths.empty());
  EXPECT_EQ("/endless/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/f.log",
            got.paths.front());  // the depth limit: 32 directories below '**'
}

}  // namespace
}  // namespace edgelog
