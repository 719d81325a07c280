// Whole runs with journald entries: journalctl replaced by a
// FakeProcessStarter, CloudWatch by FakeHttp.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "agent/journal/cursor_store.h"
#include "agent/run/agent_loop.h"
#include "tests/agent/run/agent_loop_test_fixture.h"
#include "tests/support/fake_process.h"

namespace edgelog {
namespace {

using agent_loop_test::AgentLoopTest;
using agent_loop_test::FakeStop;
using agent_loop_test::kLog;
using agent_loop_test::ScriptedPoller;
using agent_loop_test::Strings;
using testing::FakeProcessStarter;

constexpr char kCursors[] = "/var/lib/edgelog/journal_cursors.json";

bool Has(const std::vector<std::string>& argv, const std::string& word) {
  return std::find(argv.begin(), argv.end(), word) != argv.end();
}

class AgentLoopJournalTest : public AgentLoopTest {
 protected:
  AgentLoopJournalTest() {
    config_.files.clear();
    JournalEntry j;
    j.log_group_name = "/journal/group";
    j.log_stream_name = "host-1";
    j.units = {"app.service"};
    config_.journals.push_back(j);
  }

  std::string Line(const std::string& cursor, const std::string& message) {
    return "{\"__CURSOR\":\"" + cursor + "\",\"__REALTIME_TIMESTAMP\":\"" +
           std::to_string(clock_.NowUnixMillis() * 1000 - 5000000) + "\",\"MESSAGE\":\"" +
           message + "\"}\n";
  }

  int RunJournalOnce() {
    AgentDeps deps{env_, clock_, log_, poller_, http_, *credentials_, nullptr, nullptr,
                   &starter_};
    AgentLoop loop(deps, config_, Entries(), context_, options_);
    int rc = loop.Run();
    summary_ = loop.summary();
    return rc;
  }

  // The cursor saved for the one journald entry, "" if none.
  std::string SavedCursor() {
    auto loaded = LoadJournalCursors(env_, kCursors);
    EXPECT_TRUE(loaded.ok()) << loaded.status().ToString();
    if (!loaded.ok() || loaded->empty()) return "";
    return loaded->begin()->second;
  }

  FakeProcessStarter starter_;
};

TEST_F(AgentLoopJournalTest, AnEmptyJournalDirectoryIsOneWarningNamingTheEntryAndIt) {
  config_.journald_directory = "/host/journal";
  ASSERT_TRUE(env_.CreateDirs("/host/journal").ok());
  starter_.Next("", true, "");
  EXPECT_EQ(kExitOk, RunJournalOnce());
  EXPECT_EQ(1, log_.Count(LogLevel::kWarning,
                          "journald.collect_list[0]: the journal to read, /host/journal holds "
                          "no journal files"))
      << log_.Text();
  // With a journal in it, nothing is said.
  env_.WriteFile("/host/journal/remote.journal", "LPKSHHRH");
  starter_.Next("", true, "");
  EXPECT_EQ(kExitOk, RunJournalOnce());
  EXPECT_EQ(1, log_.Count(LogLevel::kWarning, "the journal to read"));
}

TEST_F(AgentLoopJournalTest, ACursorOfAnOlderStateFileIsCarriedToItsEntry) {
  // Saved by an edgelog that named entries by group, stream and rank: the
  // one entry sending there goes on after it, and it is saved anew under
  // the entry's key.
  env_.WriteFile(kCursors,
                 "{\"version\":1,\"journals\":[\n{\"entry\":\"/journal/group\\nhost-1\\n0\","
                 "\"cursor\":\"c-old\"}\n]}\n");
  starter_.Next(Line("c-new", "after"), true, "");
  EXPECT_EQ(kExitOk, RunJournalOnce()) << log_.Text();
  ASSERT_FALSE(starter_.started.empty());
  EXPECT_TRUE(Has(starter_.started[0], "--after-cursor=c-old"));
  auto loaded = LoadJournalCursors(env_, kCursors);
  ASSERT_TRUE(loaded.ok());
  JournalCursors want = {{JournalKey(config_, 0), "c-new"}};
  EXPECT_EQ(want, *loaded);
}

TEST_F(AgentLoopJournalTest, OnceDeliversTheJournalAndSavesTheLastCursor) {
  starter_.Next(Line("c1", "one") + Line("c2", "two"), /*ends=*/true, "");
  EXPECT_EQ(kExitOk, RunJournalOnce());
  EXPECT_EQ((Strings{"one", "two"}), SentMessages());
  EXPECT_EQ("c2", SavedCursor());
  ASSERT_EQ(1u, starter_.started.size());
  EXPECT_FALSE(Has(starter_.started[0], "--follow"));
  EXPECT_TRUE(Has(starter_.started[0], "--lines=10"));
  EXPECT_TRUE(Has(starter_.started[0], "app.service"));
  EXPECT_EQ(2u, summary_.lines_read);
}

TEST_F(AgentLoopJournalTest, ARestartGoesOnAfterTheSavedCursor) {
  starter_.Next(Line("c1", "one") + Line("c2", "two"), true, "");
  ASSERT_EQ(kExitOk, RunJournalOnce());
  size_t sent = SentMessages().size();
  // journalctl --after-cursor=c2 prints what came after it.
  starter_.Next(Line("c3", "three"), true, "");
  ASSERT_EQ(kExitOk, RunJournalOnce());
  ASSERT_EQ(2u, starter_.started.size());
  EXPECT_TRUE(Has(starter_.started[1], "--after-cursor=c2"));
  EXPECT_FALSE(Has(starter_.started[1], "--lines=10"));
  Strings all = SentMessages();
  EXPECT_EQ((Strings{"three"}), Strings(all.begin() + static_cast<long>(sent), all.end()));
  EXPECT_EQ("c3", SavedCursor());
}

TEST_F(AgentLoopJournalTest, AnEntryWhoseDestinationChangedGoesOnAfterItsCursor) {
  starter_.Next(Line("c1", "one") + Line("c2", "two"), true, "");
  ASSERT_EQ(kExitOk, RunJournalOnce());
  config_.journals[0].log_stream_name = "host-2";  // the same units
  starter_.Next(Line("c3", "three"), true, "");
  ASSERT_EQ(kExitOk, RunJournalOnce());
  ASSERT_EQ(2u, starter_.started.size());
  EXPECT_TRUE(Has(starter_.started[1], "--after-cursor=c2"));
  EXPECT_EQ(1, log_.Count(LogLevel::kInfo, "going on from the cursor saved for the old one"));
  auto loaded = LoadJournalCursors(env_, kCursors);
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(1u, loaded->size()) << "the old entry's cursor was carried, not copied";
  EXPECT_EQ("c3", SavedCursor());
}

TEST_F(AgentLoopJournalTest, AnEntryWhoseSelectionChangedStartsAfresh) {
  starter_.Next(Line("c1", "one"), true, "");
  ASSERT_EQ(kExitOk, RunJournalOnce());
  config_.journals[0].units = {"other.service"};
  starter_.Next(Line("x1", "other"), true, "");
  ASSERT_EQ(kExitOk, RunJournalOnce());
  ASSERT_EQ(2u, starter_.started.size());
  EXPECT_TRUE(Has(starter_.started[1], "--lines=10"));
  for (const std::string& arg : starter_.started[1]) {
    EXPECT_EQ(std::string::npos, arg.find("--after-cursor")) << arg;
  }
}

TEST_F(AgentLoopJournalTest, TheCursorIsSavedOnlyOnceTheEntriesAreDelivered) {
  // Like a file's offset: while "two" is unanswered, deliveries of other
  // streams save checkpoints, and the journal's cursor stays at "one".
  config_.files.push_back(Entry(kLog, "/app/group", "host-1"));
  env_.WriteFile(kLog, "");
  bool answer_two = false;
  bool two_held = false;
  http_.set_responder([&](const testing::SeenRequest& r) -> std::optional<HttpResponse> {
    if (r.target != "PutLogEvents") return testing::FakeHttp::Ok();
    Strings m = agent_loop_test::MessagesOf(r.body);
    if (std::find(m.begin(), m.end(), "two") != m.end() && !answer_two) {
      two_held = true;
      return std::nullopt;  // in flight: not delivered
    }
    return testing::FakeHttp::Ok();
  });
  http_.set_held_poll_ms(100);  // time passes while "two" waits
  auto child = starter_.Next(Line("c1", "one"));
  ScriptedPoller poller(clock_);
  FakeStop stop;
  int phase = 0;
  std::string cursor_while_held = "unset";
  poller.on_wait = [&] {
    if (phase == 0 && SavedCursor() == "c1") {
      child->output += Line("c2", "two");
      phase = 1;
    } else if (phase == 1 && two_held) {
      env_.AppendToFile(kLog, "from a file\n");
      phase = 2;
    } else if (phase == 2 && SavedOffset(kLog) == 12) {
      cursor_while_held = SavedCursor();
      answer_two = true;
      phase = 3;
    } else if (phase == 3 && SavedCursor() == "c2") {
      stop.requested = true;
    }
    if (poller.waits > 10000) stop.requested = true;
  };
  options_.once = false;
  AgentDeps deps{env_, clock_, log_, poller, http_, *credentials_, &stop, nullptr, &starter_};
  AgentLoop loop(deps, config_, Entries(), context_, options_);
  EXPECT_EQ(kExitOk, loop.Run());
  EXPECT_EQ(3, phase);
  EXPECT_EQ("c1", cursor_while_held) << "the cursor passed an entry not yet delivered";
  EXPECT_EQ("c2", SavedCursor());
  EXPECT_LT(poller.waits, 10000) << log_.Text();
  EXPECT_TRUE(Has(starter_.started[0], "--follow"));
}

TEST_F(AgentLoopJournalTest, WithoutJournalctlTheFilesAreDeliveredAndOnceFails) {
  config_.files.push_back(Entry(kLog, "/app/group", "host-1"));
  env_.WriteFile(kLog, "alpha\n");
  starter_.FailNext(Status::NotFound("journalctl is not on PATH (/usr/bin:/bin)"));
  EXPECT_EQ(kExitRuntimeFailure, RunJournalOnce());
  EXPECT_EQ((Strings{"alpha"}), SentMessages());
  EXPECT_NE(std::string::npos, log_.Text().find("apt-get install systemd")) << log_.Text();
}

TEST_F(AgentLoopJournalTest, AJournalAndAFileToTheSameStreamShareItsBatches) {
  config_.files.push_back(Entry(kLog, "/journal/group", "host-1"));
  env_.WriteFile(kLog, "from the file\n");
  starter_.Next(Line("c1", "from the journal"), true, "");
  ASSERT_EQ(kExitOk, RunJournalOnce());
  Strings sent = SentMessages();
  std::sort(sent.begin(), sent.end());
  EXPECT_EQ((Strings{"from the file", "from the journal"}), sent);
  EXPECT_EQ("c1", SavedCursor());
  EXPECT_EQ(14, SavedOffset(kLog));
}

}  // namespace
}  // namespace edgelog
