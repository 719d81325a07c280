#include "agent/journal/cursor_store.h"

#include <gtest/gtest.h>

#include "tests/support/mem_env.h"

namespace edgelog {
namespace {

using testing::MemEnv;

constexpr char kPath[] = "/state/journal_cursors.json";

TEST(CursorStoreTest, SavedCursorsReadBack) {
  MemEnv env;
  ASSERT_TRUE(env.CreateDirs("/state").ok());
  JournalCursors cursors = {{"g\ns\n0", "s=1;i=2;b=3"}, {"g\ns\n1", "s=\"quoted\\"}};
  ASSERT_TRUE(SaveJournalCursors(env, kPath, cursors).ok());
  auto loaded = LoadJournalCursors(env, kPath);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(cursors, *loaded);
}

TEST(CursorStoreTest, TheFormatIsPinned) {
  MemEnv env;
  ASSERT_TRUE(env.CreateDirs("/state").ok());
  ASSERT_TRUE(SaveJournalCursors(env, kPath, {{"g\ns\n0", "s=1;i=2"}}).ok());
  auto text = env.ReadFile(kPath);
  EXPECT_EQ("{\"version\":2,\"journals\":[\n{\"entry\":\"g\\ns\\n0\",\"cursor\":\"s=1;i=2\"}\n]}\n",
            text);
}

TEST(CursorStoreTest, NoFileIsNoCursorAndAnUnreadableOneIsNamed) {
  MemEnv env;
  ASSERT_TRUE(env.CreateDirs("/state").ok());
  auto none = LoadJournalCursors(env, kPath);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  env.WriteFile(kPath, "{\"version\":1");
  auto bad = LoadJournalCursors(env, kPath);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(Code::kCorruption, bad.status().code());
  EXPECT_NE(std::string::npos, bad.status().message().find(kPath));
}

JournalEntry Journal(const std::string& group, const std::string& stream,
                     std::vector<std::string> units = {}) {
  JournalEntry e;
  e.log_group_name = group;
  e.log_stream_name = stream;
  e.units = std::move(units);
  return e;
}

// The key of `entry` at `index` of `entries`.
std::string KeyAt(const std::vector<JournalEntry>& entries, size_t index) {
  Config config;
  config.journals = entries;
  return JournalKey(config, index);
}

TEST(CursorStoreTest, ReorderingOrAddingEntriesKeepsEachEntrysKey) {
  // Two entries to one stream, told apart by what they read: their keys
  // follow them wherever they move, and a new entry before them changes
  // neither.
  JournalEntry ssh = Journal("g", "s", {"ssh.service"});
  JournalEntry cron = Journal("g", "s", {"cron.service"});
  JournalEntry added = Journal("g", "s", {"nginx.service"});
  std::string ssh_key = KeyAt({ssh, cron}, 0);
  std::string cron_key = KeyAt({ssh, cron}, 1);
  EXPECT_NE(ssh_key, cron_key);
  EXPECT_EQ(ssh_key, KeyAt({cron, ssh}, 1));
  EXPECT_EQ(cron_key, KeyAt({cron, ssh}, 0));
  EXPECT_EQ(ssh_key, KeyAt({added, ssh, cron}, 1));
  EXPECT_EQ(cron_key, KeyAt({added, ssh, cron}, 2));
  EXPECT_EQ(0u, ssh_key.rfind("g\ns\n", 0)) << "group and stream read in the file";
}

TEST(CursorStoreTest, TheSameSelectionSpelledOtherwiseIsTheSameEntry) {
  // Units, matches and filters in another order, a unit without its
  // ".service" (journalctl -u adds it): what is read is the same.
  JournalEntry a = Journal("g", "s", {"ssh", "cron.service"});
  a.priority = "4";
  a.matches = {{{"_UID", "0"}, {"_COMM", "sshd"}}, {{"_TRANSPORT", "kernel"}}};
  a.filters = {{"exclude", "x"}, {"include", "y"}};
  JournalEntry b = Journal("g", "s", {"cron.service", "ssh.service"});
  b.priority = "4";
  b.matches = {{{"_TRANSPORT", "kernel"}}, {{"_COMM", "sshd"}, {"_UID", "0"}}};
  b.filters = {{"include", "y"}, {"exclude", "x"}};
  EXPECT_EQ(KeyAt({a}, 0), KeyAt({b}, 0));
  // No priority is journalctl's default here, info (6).
  JournalEntry c = Journal("g", "s");
  JournalEntry d = c;
  d.priority = "6";
  EXPECT_EQ(KeyAt({c}, 0), KeyAt({d}, 0));
}

TEST(CursorStoreTest, AChangedSelectionOrDestinationIsAnotherEntry) {
  JournalEntry base = Journal("g", "s", {"ssh.service"});
  base.priority = "6";
  base.matches = {{{"_UID", "0"}}};
  base.filters = {{"exclude", "x"}};
  const std::string key = KeyAt({base}, 0);
  std::vector<JournalEntry> changed(7, base);
  changed[0].units = {"cron.service"};
  changed[1].priority = "3";
  changed[2].matches = {{{"_UID", "1"}}};
  changed[3].filters = {{"include", "x"}};
  changed[4].log_group_name = "h";
  changed[5].log_stream_name = "t";
  changed[6].filters.clear();
  for (size_t i = 0; i < changed.size(); ++i) {
    EXPECT_NE(key, KeyAt({changed[i]}, 0)) << "change " << i;
  }
  // No value can pass for another: "a" + "b:c" is not "a:b" + "c".
  JournalEntry x = Journal("g", "s");
  x.matches = {{{"a", "b:c"}}};
  JournalEntry y = Journal("g", "s");
  y.matches = {{{"a:b", "c"}}};
  EXPECT_NE(KeyAt({x}, 0), KeyAt({y}, 0));
}

TEST(CursorStoreTest, IdenticalEntriesAreToldApartByTheirRankAmongThemselves) {
  JournalEntry a = Journal("g", "s", {"ssh.service"});
  JournalEntry other = Journal("g", "s", {"cron.service"});
  std::vector<JournalEntry> entries = {a, other, a};
  EXPECT_NE(KeyAt(entries, 0), KeyAt(entries, 2));
  EXPECT_EQ(KeyAt({a}, 0), KeyAt(entries, 0));
}

TEST(CursorStoreTest, AnOldRankKeyedCursorIsCarriedToTheOnlyEntryItCanBe) {
  // Version 1 named entries "group\nstream\nrank". One entry sending to
  // g / s, one old cursor of rank 0 there: it can only be that entry's.
  Config config;
  config.journals = {Journal("h", "t"), Journal("g", "s", {"ssh.service"})};
  std::vector<std::string> notes;
  JournalCursors migrated = MigrateJournalCursors(
      config, {{"g\ns\n0", "c-gs"}, {"h\nt\n0", "c-ht"}, {"gone\nx\n0", "c-gone"}}, &notes);
  JournalCursors want = {{JournalKey(config, 1), "c-gs"}, {JournalKey(config, 0), "c-ht"}};
  EXPECT_EQ(want, migrated);
  EXPECT_TRUE(notes.empty());
  // A cursor saved under the new key since is newer: it wins.
  migrated = MigrateJournalCursors(
      config, {{"g\ns\n0", "old"}, {JournalKey(config, 1), "new"}}, &notes);
  EXPECT_EQ("new", migrated[JournalKey(config, 1)]);
}

TEST(CursorStoreTest, AnOldCursorOfSeveralEntriesStartsThemFreshWithAWarning) {
  // Two entries to g / s: which rank was whose cannot be told (the order
  // may have changed since). Guessing could skip or repeat lines of both.
  Config config;
  config.journals = {Journal("g", "s", {"ssh.service"}), Journal("g", "s", {"cron.service"})};
  std::vector<std::string> notes;
  JournalCursors migrated =
      MigrateJournalCursors(config, {{"g\ns\n0", "c0"}, {"g\ns\n1", "c1"}}, &notes);
  EXPECT_TRUE(migrated.empty());
  ASSERT_EQ(1u, notes.size());
  EXPECT_NE(std::string::npos, notes[0].find("g / s")) << notes[0];
  EXPECT_NE(std::string::npos, notes[0].find("first start")) << notes[0];
  // One entry now, but the old file had two there: which was it?
  config.journals.pop_back();
  notes.clear();
  migrated = MigrateJournalCursors(config, {{"g\ns\n0", "c0"}, {"g\ns\n1", "c1"}}, &notes);
  EXPECT_TRUE(migrated.empty());
  EXPECT_EQ(1u, notes.size());
}

}  // namespace
}  // namespace edgelog
