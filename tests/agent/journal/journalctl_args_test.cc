// The journalctl command line follows what the CloudWatch agent has
// OpenTelemetry's journald receiver run (translator/translate/otel/receiver/
// journald/translator.go sets units, priority and matches; the receiver's
// pkg/stanza/operator/input/journald/config_linux.go turns them into
// --unit, --priority and FIELD=value words with "+" between match objects,
// and adds --after-cursor once it has a cursor).
#include "agent/journal/journalctl_args.h"

#include <gtest/gtest.h>

#include <algorithm>

#include <string>
#include <vector>

namespace edgelog {
namespace {

using Args = std::vector<std::string>;

JournalEntry Entry() {
  JournalEntry e;
  e.log_group_name = "g";
  e.log_stream_name = "s";
  return e;
}

TEST(JournalctlArgsTest, AFirstStartFollowsFromTheLastTenEntriesAtPriorityInfo) {
  // The agent sets priority "info" when none is configured, and start_at
  // "end", which journalctl --follow serves with its last 10 entries.
  EXPECT_EQ((Args{"journalctl", "--utc", "--output=json", "--all", "--no-pager", "--follow",
                  "--lines=10", "--priority", "info"}),
            JournalctlArgs(Entry(), {}));
}

TEST(JournalctlArgsTest, ACursorReplacesTheLastLines) {
  JournalctlWhere where;
  where.cursor = "s=abc;i=7";
  Args argv = JournalctlArgs(Entry(), where);
  EXPECT_EQ("--after-cursor=s=abc;i=7", argv[6]);
  EXPECT_EQ(std::find(argv.begin(), argv.end(), "--lines=10"), argv.end());
}

TEST(JournalctlArgsTest, AFirstStartTriedAgainReadsSinceItsFirstTry) {
  JournalctlWhere where;
  where.since_unix_s = 1700000000;
  Args argv = JournalctlArgs(JournalEntry{}, where);
  EXPECT_NE(std::find(argv.begin(), argv.end(), "--since=@1700000000"), argv.end());
  EXPECT_EQ(std::find(argv.begin(), argv.end(), "--lines=10"), argv.end());
  where.cursor = "s=1";  // a cursor wins
  argv = JournalctlArgs(JournalEntry{}, where);
  EXPECT_NE(std::find(argv.begin(), argv.end(), "--after-cursor=s=1"), argv.end());
  EXPECT_EQ(std::find(argv.begin(), argv.end(), "--since=@1700000000"), argv.end());
}

TEST(JournalctlArgsTest, OnceReadsToTheEndWithoutFollowing) {
  JournalctlWhere where;
  where.follow = false;
  Args argv = JournalctlArgs(Entry(), where);
  EXPECT_EQ(std::find(argv.begin(), argv.end(), "--follow"), argv.end());
}

TEST(JournalctlArgsTest, UnitsPriorityDirectoryAndMatches) {
  JournalEntry e = Entry();
  e.units = {"sshd.service", "nginx"};
  e.priority = "3";
  // Two match objects: {"_UID":"0","_COMM":"su"} OR {"_TRANSPORT":"kernel"};
  // within an object the fields go in name order, as the receiver sorts them.
  e.matches = {{{"_UID", "0"}, {"_COMM", "su"}}, {{"_TRANSPORT", "kernel"}}};
  JournalctlWhere where;
  where.directory = "/host/var/log/journal";
  EXPECT_EQ((Args{"journalctl", "--utc", "--output=json", "--all", "--no-pager", "--follow",
                  "--lines=10", "--unit", "sshd.service", "--unit", "nginx", "--priority", "3",
                  "--directory", "/host/var/log/journal", "_COMM=su", "_UID=0", "+",
                  "_TRANSPORT=kernel"}),
            JournalctlArgs(e, where));
}

TEST(JournalctlArgsTest, APriorityNameIsPassedAsWritten) {
  // The agent's schema takes "err" as well as "3"; journalctl takes both.
  JournalEntry e = Entry();
  e.priority = "err";
  Args argv = JournalctlArgs(e, {});
  EXPECT_EQ("err", argv.back());
}

}  // namespace
}  // namespace edgelog
