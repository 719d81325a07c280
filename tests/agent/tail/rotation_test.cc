// Rotation: the rotated generations of a file, compressed names, recognising
// a copy of content already read, and matching paths against patterns.
#include "agent/tail/rotation.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "agent/tail/fingerprint.h"
#include "agent/tail/glob.h"
#include "tests/support/mem_env.h"

namespace edgelog {
namespace {

using testing::MemEnv;
using Paths = std::vector<std::string>;

Paths PathsOf(const std::vector<Sibling>& siblings) {
  Paths paths;
  for (const Sibling& s : siblings) paths.push_back(s.path);
  return paths;
}

// ---- RotatedSiblings ----------------------------------------------------------

TEST(RotationTest, SiblingsAreTheRotatedNamesOldestFirst) {
  MemEnv env;
  // MemEnv's modification times grow with every write: later is newer.
  env.WriteFile("/var/log/app.log.3", "oldest\n");
  env.WriteFile("/var/log/app.log-20240614", "older\n");
  env.WriteFile("/var/log/app.log.2024-06-15", "newer\n");
  env.WriteFile("/var/log/app.log.1", "newest\n");
  env.WriteFile("/var/log/app.log", "live\n");
  EXPECT_EQ((Paths{"/var/log/app.log.3", "/var/log/app.log-20240614", "/var/log/app.log.2024-06-15",
                   "/var/log/app.log.1"}),
            PathsOf(RotatedSiblings(env, "/var/log/app.log")));
}

TEST(RotationTest, SiblingOrderFollowsModificationTimeNotName) {
  MemEnv env;
  env.WriteFile("/logs/app.log.1", "a\n");
  env.WriteFile("/logs/app.log.2", "b\n");
  env.AppendToFile("/logs/app.log.1", "written last\n");
  EXPECT_EQ((Paths{"/logs/app.log.2", "/logs/app.log.1"}),
            PathsOf(RotatedSiblings(env, "/logs/app.log")));
}

TEST(RotationTest, SiblingsCarryTheirFileInfo) {
  MemEnv env;
  env.WriteFile("/logs/app.log.1", "12345");
  auto siblings = RotatedSiblings(env, "/logs/app.log");
  ASSERT_EQ(1u, siblings.size());
  auto info = env.Stat("/logs/app.log.1");
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(5u, siblings[0].info.size);
  EXPECT_EQ(info->id, siblings[0].info.id);
  EXPECT_EQ(info->mtime_ns, siblings[0].info.mtime_ns);
}

TEST(RotationTest, OnlyNamesContinuingWithDotOrDashAreSiblings) {
  MemEnv env;
  env.WriteFile("/logs/app.log", "live\n");
  env.WriteFile("/logs/app.logger", "another log\n");
  env.WriteFile("/logs/app.log_1", "underscore\n");
  env.WriteFile("/logs/app.lo.1", "shorter stem\n");
  env.WriteFile("/logs/my-app.log.1", "other prefix\n");
  env.WriteFile("/logs/other.log.1", "another file\n");
  env.WriteFile("/logs/app.log.", "dot and nothing after\n");
  env.WriteFile("/logs/app.log-", "dash and nothing after\n");
  EXPECT_EQ((Paths{"/logs/app.log.", "/logs/app.log-"}),
            PathsOf(RotatedSiblings(env, "/logs/app.log")));
}

TEST(RotationTest, CompressedGenerationsAreLeftOut) {
  MemEnv env;
  env.WriteFile("/logs/app.log.1", "plain\n");
  for (const char* name : {"/logs/app.log.2.gz", "/logs/app.log.3.bz2", "/logs/app.log.4.xz",
                           "/logs/app.log.5.zst", "/logs/app.log-6.zip", "/logs/app.log.7.Z"}) {
    env.WriteFile(name, "compressed");
  }
  EXPECT_EQ((Paths{"/logs/app.log.1"}), PathsOf(RotatedSiblings(env, "/logs/app.log")));
}

TEST(RotationTest, DirectoriesAndDeeperFilesAreNotSiblings) {
  MemEnv env;
  env.WriteFile("/logs/app.log", "live\n");
  ASSERT_TRUE(env.CreateDirs("/logs/app.log.d").ok());
  env.WriteFile("/logs/app.log.old/app.log.1", "one level down\n");
  env.WriteFile("/logs/archive/app.log.1", "elsewhere\n");
  EXPECT_TRUE(RotatedSiblings(env, "/logs/app.log").empty());
}

TEST(RotationTest, AMissingDirectoryHasNoSiblings) {
  MemEnv env;
  EXPECT_TRUE(RotatedSiblings(env, "/nowhere/app.log").empty());
}

TEST(RotationTest, SiblingsInTheRootDirectoryHaveOneSlash) {
  MemEnv env;
  env.WriteFile("/app.log.1", "x\n");
  EXPECT_EQ((Paths{"/app.log.1"}), PathsOf(RotatedSiblings(env, "/app.log")));
}

// ---- IsCompressedName -----------------------------------------------------------

TEST(RotationTest, CompressedNamesAreKnownByTheirExtension) {
  for (const char* name :
       {"a.log.gz", "a.log.bz2", "a.log.xz", "a.log.zip", "a.log.zst", "a.log.lz4", "a.tgz",
        "a.log.rar", "a.tar", "a.7z", "a.log.Z", "/var/log/syslog.2.gz"}) {
    EXPECT_TRUE(IsCompressedName(name)) << name;
  }
  for (const char* name : {"a.log", "a.log.1", "a.log-20240615", "a.gzip", "a.log.gz.1", "gz",
                           "a.log.z1", "/var/log/gz/app.log"}) {
    EXPECT_FALSE(IsCompressedName(name)) << name;
  }
}

// ---- HoldsReadContent ---------------------------------------------------------------

// What a reader knows after reading `content` up to `offset`.
ReadState StateAfterReading(const std::string& content, uint64_t offset, size_t tail_bytes = 64) {
  ReadState state;
  state.offset = offset;
  state.head = FingerprintOf(content.substr(0, std::min<size_t>(kFingerprintBytes, offset)));
  size_t tail = std::min<size_t>(tail_bytes, offset);
  state.tail = FingerprintOf(content.substr(offset - tail, tail));
  return state;
}

std::string Lines(int count, const std::string& word) {
  std::string s;
  for (int i = 0; i < count; ++i) s += word + " line " + std::to_string(i) + "\n";
  return s;
}

bool Holds(MemEnv& env, const std::string& path, const ReadState& state) {
  auto file = env.OpenReadable(path);
  auto info = env.Stat(path);
  if (!file.ok() || !info.ok()) {
    ADD_FAILURE() << path;
    return false;
  }
  return HoldsReadContent(**file, info->size, state);
}

TEST(RotationTest, AnExactCopyHoldsTheReadContent) {
  MemEnv env;
  std::string content = Lines(200, "alpha");
  env.WriteFile("/logs/app.log.1", content);
  EXPECT_TRUE(Holds(env, "/logs/app.log.1", StateAfterReading(content, content.size())));
}

TEST(RotationTest, ACopyWithMoreBytesAfterTheOffsetHoldsTheReadContent) {
  MemEnv env;
  std::string content = Lines(200, "alpha");
  env.WriteFile("/logs/app.log.1", content + "written after the last read\n");
  EXPECT_TRUE(Holds(env, "/logs/app.log.1", StateAfterReading(content, content.size())));
}

TEST(RotationTest, ACopyShorterThanTheOffsetDoesNot) {
  MemEnv env;
  std::string content = Lines(200, "alpha");
  env.WriteFile("/logs/app.log.1", content.substr(0, content.size() - 1));
  EXPECT_FALSE(Holds(env, "/logs/app.log.1", StateAfterReading(content, content.size())));
}

TEST(RotationTest, ADifferentBeginningDoesNot) {
  MemEnv env;
  std::string content = Lines(200, "alpha");
  std::string other = content;
  other[10] = '#';
  env.WriteFile("/logs/app.log.1", other);
  EXPECT_FALSE(Holds(env, "/logs/app.log.1", StateAfterReading(content, content.size())));
}

TEST(RotationTest, ADifferentByteJustBeforeTheOffsetDoesNot) {
  MemEnv env;
  std::string content = Lines(200, "alpha");
  uint64_t offset = content.size() - 100;
  std::string other = content;
  other[offset - 1] = '#';
  env.WriteFile("/logs/app.log.1", other);
  EXPECT_FALSE(Holds(env, "/logs/app.log.1", StateAfterReading(content, offset)));
  // Bytes after the offset are not judged.
  other = content;
  other[offset] = '#';
  env.WriteFile("/logs/app.log.2", other);
  EXPECT_TRUE(Holds(env, "/logs/app.log.2", StateAfterReading(content, offset)));
}

TEST(RotationTest, ASmallFileReadToItsEndIsRecognised) {
  MemEnv env;
  env.WriteFile("/logs/app.log.1", "short\n");
  EXPECT_TRUE(Holds(env, "/logs/app.log.1", StateAfterReading("short\n", 6)));
  EXPECT_FALSE(Holds(env, "/logs/app.log.1", StateAfterReading("shorT\n", 6)));
}

TEST(RotationTest, NothingReadMeansNothingToRecognise) {
  MemEnv env;
  env.WriteFile("/logs/app.log.1", "content\n");
  EXPECT_FALSE(Holds(env, "/logs/app.log.1", ReadState{}));
  ReadState no_head = StateAfterReading("content\n", 8);
  no_head.head = Fingerprint{};
  EXPECT_FALSE(Holds(env, "/logs/app.log.1", no_head));
}

TEST(RotationTest, WithNothingReadTheFirstBytesSeenAreRecognised) {
  // A file followed but not read yet is known by the first bytes it had.
  MemEnv env;
  env.WriteFile("/logs/app.log.1", "content\nmore\n");
  env.WriteFile("/logs/other", "another\n");
  ReadState seen_only = StateAfterReading("content\n", 8);
  seen_only.offset = 0;
  seen_only.tail = FingerprintOf("");
  EXPECT_TRUE(Holds(env, "/logs/app.log.1", seen_only));
  EXPECT_FALSE(Holds(env, "/logs/other", seen_only));
}

// ---- PathMatches ----------------------------------------------------------------------

TEST(RotationTest, PathMatchesLiteralPathsExactly) {
  EXPECT_TRUE(PathMatches("/var/log/app.log", "/var/log/app.log"));
  EXPECT_FALSE(PathMatches("/var/log/app.log", "/var/log/app.log.1"));
  EXPECT_FALSE(PathMatches("/var/log/app.log", "/var/log/sub/app.log"));
  EXPECT_FALSE(PathMatches("/var/log/app.log", "/var/app.log"));
  EXPECT_FALSE(PathMatches("/var/log", "/var/log/app.log"));
  EXPECT_FALSE(PathMatches("/var/log/*", "/var/log/app/x.log"));
}

TEST(RotationTest, PathMatchesStarWithinOneComponentOnly) {
  EXPECT_TRUE(PathMatches("/var/log/app.log*", "/var/log/app.log"));
  EXPECT_TRUE(PathMatches("/var/log/app.log*", "/var/log/app.log.1"));
  EXPECT_TRUE(PathMatches("/var/log/*/app.log", "/var/log/web/app.log"));
  EXPECT_FALSE(PathMatches("/var/log/*/app.log", "/var/log/web/1/app.log"));
  EXPECT_FALSE(PathMatches("/var/log/*.log", "/var/log/sub/x.log"));
}

TEST(RotationTest, PathMatchesQuestionMarkAndBrackets) {
  EXPECT_TRUE(PathMatches("/logs/app.log.?", "/logs/app.log.1"));
  EXPECT_FALSE(PathMatches("/logs/app.log.?", "/logs/app.log.10"));
  EXPECT_TRUE(PathMatches("/logs/app-[0-9][0-9].log", "/logs/app-42.log"));
  EXPECT_FALSE(PathMatches("/logs/app-[0-9][0-9].log", "/logs/app-4x.log"));
  EXPECT_TRUE(PathMatches("/logs/[!a]*.log", "/logs/b.log"));
  EXPECT_FALSE(PathMatches("/logs/[!a]*.log", "/logs/a.log"));
}

TEST(RotationTest, PathMatchesDoubleStarAcrossAnyNumberOfDirectories) {
  EXPECT_TRUE(PathMatches("/var/log/**/app.log", "/var/log/app.log"));
  EXPECT_TRUE(PathMatches("/var/log/**/app.log", "/var/log/a/app.log"));
  EXPECT_TRUE(PathMatches("/var/log/**/app.log", "/var/log/a/b/c/app.log"));
  EXPECT_FALSE(PathMatches("/var/log/**/app.log", "/var/app.log"));
  EXPECT_FALSE(PathMatches("/var/log/**/app.log", "/var/log/a/app.log.1"));
  EXPECT_TRUE(PathMatches("/var/**/*.log", "/var/x/y/z.log"));
  EXPECT_TRUE(PathMatches("/**/*.log", "/z.log"));
}

TEST(RotationTest, PathMatchesAHiddenNameOnlyWithAPatternStartingWithADot) {
  // ExpandGlob never finds ".name" for "*" (see glob_test.cc).
  EXPECT_FALSE(PathMatches("/var/log/*", "/var/log/.app.log.swp"));
  EXPECT_FALSE(PathMatches("/var/log/app/*.log", "/var/log/app/.hidden.log"));
  EXPECT_TRUE(PathMatches("/var/log/.*", "/var/log/.app.log.swp"));
  // '**' does not enter hidden directories, as ExpandGlob does not.
  EXPECT_FALSE(PathMatches("/var/log/**/x.log", "/var/log/.cache/x.log"));
}

// PathMatches answers "would ExpandGlob have found this path?" (it decides
// whether a renamed file stays in its entry), so the two must agree.
TEST(RotationTest, PathMatchesAgreesWithExpandGlob) {
  MemEnv env;
  const Paths files = {"/var/log/app.log",         "/var/log/app.log.1",
                       "/var/log/.app.log.swp",    "/var/log/web/access.log",
                       "/var/log/web/.hidden.log", "/var/log/.cache/old.log",
                       "/var/log/a/b/deep.log",    "/var/log/notes.txt"};
  for (const std::string& f : files) env.WriteFile(f, "x\n");
  const Paths patterns = {"/var/log/*",         "/var/log/*.log",   "/var/log/app.log*",
                          "/var/log/**/*.log",  "/var/log/*/*.log", "/var/log/.*",
                          "/var/log/?app.log*", "/var/log/[.a]*",   "/var/log/**/deep.log"};
  for (const std::string& pattern : patterns) {
    Paths found = ExpandGlob(env, pattern).paths;
    for (const std::string& f : files) {
      bool expanded = std::find(found.begin(), found.end(), f) != found.end();
      EXPECT_EQ(expanded, PathMatches(pattern, f))
          << "pattern " << pattern << ", path " << f << ": ExpandGlob "
          << (expanded ? "finds it" : "does not find it");
    }
  }
}

}  // namespace
}  // namespace edgelog
