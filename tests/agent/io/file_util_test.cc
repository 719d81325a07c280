#include "agent/io/file_util.h"

#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <vector>

#include "tests/support/fault_env.h"
#include "tests/support/mem_env.h"

namespace edgelog {
namespace {

using testing::FaultEnv;
using testing::FaultKind;
using testing::FaultPersistence;
using testing::MemEnv;

const char kPath[] = "/state/checkpoints.json";
const char kTmpPath[] = "/state/checkpoints.json.tmp";
const char kOld[] = "{\"version\":1,\"files\":[old]}\n";
const char kNew[] = "{\"version\":1,\"files\":[the new, longer contents]}\n";

// ---------------------------------------------------------------------------
// DirName and JoinPath

TEST(DirNameTest, IsEverythingBeforeTheLastSlash) {
  EXPECT_EQ("/var/lib/edgelog", DirName("/var/lib/edgelog/checkpoints.json"));
  EXPECT_EQ("a/b", DirName("a/b/c"));
}

TEST(DirNameTest, OfAFileInTheRootIsTheRoot) { EXPECT_EQ("/", DirName("/file")); }

TEST(DirNameTest, OfANameWithoutSlashIsTheCurrentDirectory) {
  EXPECT_EQ(".", DirName("file"));
}

TEST(JoinPathTest, PutsExactlyOneSlashBetweenDirectoryAndName) {
  EXPECT_EQ("/state/x", JoinPath("/state", "x"));
  EXPECT_EQ("/state/x", JoinPath("/state/", "x"));
  EXPECT_EQ("/x", JoinPath("/", "x"));
}

TEST(JoinPathTest, WithAnEmptyDirectoryIsTheName) { EXPECT_EQ("x", JoinPath("", "x")); }

// ---------------------------------------------------------------------------
// ReadWholeFile

TEST(ReadWholeFileTest, ReturnsTheExactContents) {
  MemEnv env;
  std::string data = "line one\nline two\n";
  data.push_back('\0');
  data += "after a NUL";
  env.WriteFile("/d/f", data);
  auto got = ReadWholeFile(env, "/d/f", 1 << 20);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(data, *got);
}

TEST(ReadWholeFileTest, ReadsFilesOfManyChunksAndOfExactlyOneChunk) {
  MemEnv env;
  for (size_t size : {size_t{0}, size_t{65535}, size_t{65536}, size_t{65537},
                      size_t{3 * 65536 + 17}}) {
    std::string data;
    for (size_t i = 0; i < size; ++i) data.push_back(static_cast<char>('a' + i % 26));
    env.WriteFile("/d/f", data);
    auto got = ReadWholeFile(env, "/d/f", 1 << 20);
    ASSERT_TRUE(got.ok()) << size;
    EXPECT_EQ(data, *got) << "size " << size;
  }
}

TEST(ReadWholeFileTest, AFileOfExactlyMaxBytesIsAccepted) {
  MemEnv env;
  env.WriteFile("/d/f", std::string(100, 'x'));
  auto got = ReadWholeFile(env, "/d/f", 100);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(100u, got->size());
}

TEST(ReadWholeFileTest, AFileLargerThanMaxBytesIsInvalidArgument) {
  MemEnv env;
  env.WriteFile("/d/f", std::string(101, 'x'));
  auto got = ReadWholeFile(env, "/d/f", 100);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(Code::kInvalidArgument, got.status().code());
  EXPECT_NE(std::string::npos, got.status().message().find("/d/f"));
}

TEST(ReadWholeFileTest, AMissingFileIsNotFound) {
  MemEnv env;
  auto got = ReadWholeFile(env, "/d/missing", 100);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(Code::kNotFound, got.status().code());
}

TEST(ReadWholeFileTest, ADirectoryIsInvalidArgumentNamingIt) {
  MemEnv env;
  ASSERT_TRUE(env.CreateDirs("/d/sub").ok());
  auto got = ReadWholeFile(env, "/d/sub", 100);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(Code::kInvalidArgument, got.status().code());
  EXPECT_NE(std::string::npos, got.status().message().find("/d/sub: is a directory"))
      << got.status().message();
}

// ---------------------------------------------------------------------------
// WriteFileAtomically without faults

TEST(WriteFileAtomicallyTest, CreatesTheFileWithTheData) {
  MemEnv env;
  ASSERT_TRUE(env.CreateDirs("/state").ok());
  ASSERT_TRUE(WriteFileAtomically(env, kPath, kNew).ok());
  EXPECT_EQ(kNew, env.ReadFile(kPath));
}

TEST(WriteFileAtomicallyTest, ReplacesExistingContentsAndLeavesNoTemporaryFile) {
  MemEnv env;
  env.WriteFile(kPath, kOld);
  ASSERT_TRUE(WriteFileAtomically(env, kPath, kNew).ok());
  EXPECT_EQ(kNew, env.ReadFile(kPath));
  EXPECT_FALSE(env.Exists(kTmpPath));
}

TEST(WriteFileAtomicallyTest, NewContentsSurviveACrashOnceItReturnedOk) {
  MemEnv env;
  env.WriteFile(kPath, kOld);
  ASSERT_TRUE(WriteFileAtomically(env, kPath, kNew).ok());
  env.SimulateCrash();
  bool exists = false;
  EXPECT_EQ(kNew, env.ReadFile(kPath, &exists));
  EXPECT_TRUE(exists);
}

TEST(WriteFileAtomicallyTest, ANewFileSurvivesACrashOnceItReturnedOk) {
  MemEnv env;
  ASSERT_TRUE(env.CreateDirs("/state").ok());
  ASSERT_TRUE(WriteFileAtomically(env, kPath, kNew).ok());
  env.SimulateCrash();
  EXPECT_EQ(kNew, env.ReadFile(kPath));
}

TEST(WriteFileAtomicallyTest, AMissingDirectoryIsAnErrorAndCreatesNothing) {
  MemEnv env;
  Status s = WriteFileAtomically(env, "/nowhere/f", kNew);
  EXPECT_FALSE(s.ok());
  EXPECT_FALSE(env.Exists("/nowhere/f"));
  EXPECT_FALSE(env.Exists("/nowhere/f.tmp"));
}

// ---------------------------------------------------------------------------
// WriteFileAtomically under injected faults, SQLite style: fail the N-th
// mutating call for N = 1, 2, ... until a run completes with no fault fired.

struct SweepCase {
  FaultKind kind;
  FaultPersistence persistence;
  bool old_file_exists;
};

std::string Describe(const SweepCase& c, int n) {
  const char* kind = c.kind == FaultKind::kIoError   ? "EIO"
                     : c.kind == FaultKind::kNoSpace ? "ENOSPC"
                                                     : "short write";
  return std::string(kind) +
         (c.persistence == FaultPersistence::kOnce ? " once" : " from then on") +
         (c.old_file_exists ? ", old file present" : ", no old file") +
         ", failing call " + std::to_string(n);
}

// Checks that `path` holds the old or the new contents, never a mix, and is
// missing only when there was no old file.
void ExpectOldOrNew(const MemEnv& env, const SweepCase& c, const std::string& when,
                    int n) {
  bool exists = false;
  std::string data = env.ReadFile(kPath, &exists);
  if (!exists) {
    EXPECT_FALSE(c.old_file_exists)
        << when << ": file missing although an old one existed; " << Describe(c, n);
    return;
  }
  EXPECT_TRUE(data == kNew || (c.old_file_exists && data == kOld))
      << when << ": file holds \"" << data << "\"; " << Describe(c, n);
}

void PrintTo(const SweepCase& c, std::ostream* os) {
  std::string d = Describe(c, 0);
  *os << d.substr(0, d.rfind(", failing call"));
}

class WriteFileAtomicallySweep : public ::testing::TestWithParam<SweepCase> {};

TEST_P(WriteFileAtomicallySweep, FileHoldsOldOrNewContentsAfterEveryFaultAndCrash) {
  const SweepCase c = GetParam();
  constexpr int kMaxFaultPoints = 100;
  int fault_points = 0;
  bool completed_without_fault = false;
  for (int n = 1; n <= kMaxFaultPoints; ++n) {
    MemEnv mem;
    if (c.old_file_exists) {
      mem.WriteFile(kPath, kOld);
    } else {
      ASSERT_TRUE(mem.CreateDirs("/state").ok());
    }
    FaultEnv env(mem);
    env.FailCall(n, c.kind, c.persistence);

    Status s = WriteFileAtomically(env, kPath, kNew);

    if (!env.fired()) {
      EXPECT_TRUE(s.ok()) << s.ToString() << "; " << Describe(c, n);
      completed_without_fault = true;
    } else {
      ++fault_points;
      EXPECT_FALSE(s.ok()) << "an injected fault was not reported; " << Describe(c, n);
    }
    if (s.ok()) {
      EXPECT_EQ(kNew, mem.ReadFile(kPath)) << Describe(c, n);
    }
    ExpectOldOrNew(mem, c, "before the crash", n);
    if (!s.ok() && c.persistence == FaultPersistence::kOnce) {
      // One failed call leaves the cleanup free to run.
      EXPECT_FALSE(mem.Exists(kTmpPath))
          << "temporary file left behind; " << Describe(c, n);
    }

    mem.SimulateCrash();
    ExpectOldOrNew(mem, c, "after the crash", n);
    if (s.ok()) {
      EXPECT_EQ(kNew, mem.ReadFile(kPath))
          << "acknowledged write lost in a crash; " << Describe(c, n);
    }

    // The agent always restarts: after the crash, the same write succeeds.
    Status again = WriteFileAtomically(mem, kPath, kNew);
    EXPECT_TRUE(again.ok()) << again.ToString() << "; " << Describe(c, n);
    mem.SimulateCrash();
    EXPECT_EQ(kNew, mem.ReadFile(kPath)) << "rewrite after crash; " << Describe(c, n);

    if (completed_without_fault) break;
  }
  EXPECT_TRUE(completed_without_fault)
      << "the sweep did not terminate within " << kMaxFaultPoints << " fault points";
  // open, append, sync, close, rename, sync of the directory: the protocol
  // of the header has at least six calls that can fail.
  EXPECT_GE(fault_points, 6);
}

std::vector<SweepCase> AllSweepCases() {
  std::vector<SweepCase> out;
  for (FaultKind kind : {FaultKind::kIoError, FaultKind::kNoSpace, FaultKind::kShortWrite}) {
    for (FaultPersistence p : {FaultPersistence::kOnce, FaultPersistence::kFromThenOn}) {
      for (bool old_file : {true, false}) out.push_back({kind, p, old_file});
    }
  }
  return out;
}

INSTANTIATE_TEST_SUITE_P(AllFaults, WriteFileAtomicallySweep,
                         ::testing::ValuesIn(AllSweepCases()));

TEST(WriteFileAtomicallyTest, AShortWriteNeverLeavesATruncatedFileInPlace) {
  MemEnv mem;
  mem.WriteFile(kPath, kOld);
  FaultEnv env(mem);
  env.FailCall(2, FaultKind::kShortWrite, FaultPersistence::kOnce);  // the append
  Status s = WriteFileAtomically(env, kPath, kNew);
  ASSERT_TRUE(env.fired());
  EXPECT_EQ(Code::kNoSpace, s.code());
  EXPECT_EQ(kOld, mem.ReadFile(kPath));
  mem.SimulateCrash(/*keep_unsynced_bytes=*/true);
  EXPECT_EQ(kOld, mem.ReadFile(kPath));
}

TEST(WriteFileAtomicallyTest, AFailedWriteLeavesTheOldContentsUnlessOnlyTheDirectorySyncFailed) {
  // Fail each step once in turn. Before the rename, PATH keeps its old
  // contents and the temporary file is removed; after it, only the final
  // fsync of the directory can fail, and PATH then holds the new contents.
  int failures_after_rename = 0;
  for (int n = 1; n <= 20; ++n) {
    MemEnv mem;
    mem.WriteFile(kPath, kOld);
    FaultEnv env(mem);
    env.FailCall(n, FaultKind::kIoError, FaultPersistence::kOnce);
    Status s = WriteFileAtomically(env, kPath, kNew);
    if (!env.fired()) break;
    ASSERT_FALSE(s.ok());
    bool directory_sync_failed = s.message().find("syncdir") != std::string::npos;
    if (directory_sync_failed) {
      ++failures_after_rename;
      EXPECT_EQ(kNew, mem.ReadFile(kPath)) << "call " << n << ": " << s.ToString();
    } else {
      EXPECT_EQ(kOld, mem.ReadFile(kPath)) << "call " << n << ": " << s.ToString();
    }
    EXPECT_FALSE(mem.Exists(kTmpPath)) << "call " << n;
  }
  EXPECT_EQ(1, failures_after_rename);
}

}  // namespace
}  // namespace edgelog
