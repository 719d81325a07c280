// The look at the journal directory before journalctl is started: an
// empty or missing one is named, since journalctl itself says nothing.
#include "agent/journal/journal_directory.h"

#include <gtest/gtest.h>

#include "tests/support/mem_env.h"

namespace edgelog {
namespace {

using testing::MemEnv;

bool Contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

TEST(JournalDirectoryTest, ADirectoryWithJournalFilesIsFine) {
  MemEnv env;
  ASSERT_TRUE(env.CreateDirs("/j/0123456789abcdef").ok());
  env.WriteFile("/j/0123456789abcdef/system.journal", "LPKSHHRH");
  EXPECT_EQ("", JournalDirectoryProblem(env, "/j"));
  MemEnv flat;  // systemd-journal-remote writes straight into it
  ASSERT_TRUE(flat.CreateDirs("/j").ok());
  flat.WriteFile("/j/remote.journal~", "LPKSHHRH");
  EXPECT_EQ("", JournalDirectoryProblem(flat, "/j"));
}

TEST(JournalDirectoryTest, AnEmptyMissingOrWrongDirectoryIsNamedWithWhatIsWrong) {
  MemEnv env;
  ASSERT_TRUE(env.CreateDirs("/empty/machine").ok());
  env.WriteFile("/empty/machine/notes.txt", "x");
  env.WriteFile("/file", "x");
  std::string empty = JournalDirectoryProblem(env, "/empty");
  EXPECT_TRUE(Contains(empty, "/empty holds no journal files")) << empty;
  std::string missing = JournalDirectoryProblem(env, "/nowhere");
  EXPECT_TRUE(Contains(missing, "/nowhere does not exist")) << missing;
  std::string file = JournalDirectoryProblem(env, "/file");
  EXPECT_TRUE(Contains(file, "/file is not a directory")) << file;
}

TEST(JournalDirectoryTest, TheSystemJournalIsEitherOfItsDirectories) {
  MemEnv env;
  std::string none = JournalDirectoryProblem(env, "");
  EXPECT_TRUE(Contains(none, "/var/log/journal does not exist")) << none;
  EXPECT_TRUE(Contains(none, "/run/log/journal does not exist")) << none;
  ASSERT_TRUE(env.CreateDirs("/run/log/journal/m").ok());
  env.WriteFile("/run/log/journal/m/system.journal", "LPKSHHRH");
  EXPECT_EQ("", JournalDirectoryProblem(env, ""));
}

}  // namespace
}  // namespace edgelog
