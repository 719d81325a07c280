// Files whose content resembles another's: generations starting alike, a
// copy of a file nothing was read of yet, services whose logs start with
// the same bytes; and stops while a read ended inside a line or record.
// Copies are recognised by content, so each case checks that likeness alone
// neither drops nor repeats a line.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "agent/tail/tailer.h"
#include "tests/agent/tail/tailer_scenarios_fixture.h"

namespace edgelog::tailer_scenarios {
namespace {

constexpr char kApp[] = "/logs/app.log";
constexpr char kApp1[] = "/logs/app.log.1";
constexpr char kApp2[] = "/logs/app.log.2";

class TailerScenarioAlike : public TailerScenario {
 protected:
  // g0-1 and g0-2 are read from app.log (followed under `pattern`), which
  // logrotate then copies to app.log.1 and truncates; the truncation is
  // read: the file starts over, empty.
  void StartOverEmpty(const std::string& pattern) {
    env_.WriteFile(kApp, Text(Numbered("g0", 1, 2)));
    Start({pattern});
    Settle();
    CopyFile(kApp, kApp1);
    TruncateInPlace(kApp);
    ReadAll();
  }
  // After a truncation is read (StartOver, file empty), a generation made of
  // lines that the next generation starts with is copied away (copytruncate)
  // before the agent reads a byte of the file again.
  void IdenticalGenerationCopiedAwayAfterAStartOver(const std::string& pattern) {
    StartOverEmpty(pattern);
    env_.AppendToFile(kApp, "tick\ntick\n");  // gen1: not read yet
    Rename(kApp1, kApp2);
    CopyFile(kApp, kApp1);
    TruncateInPlace(kApp, "tick\ntick\ntick\nend\n");  // gen2
    Settle();
    EXPECT_EQ(Concat({Numbered("g0", 1, 2),
                      Lines{"tick", "tick", "tick", "tick", "tick", "end"}}),
              Messages());
  }
};

TEST_F(TailerScenarioAlike, IdenticalGenerationAfterStartOverGlob) {
  IdenticalGenerationCopiedAwayAfterAStartOver("/logs/app.log*");
}

// After a start over, the file's new lines are copied away before it is
// read again, and the pattern finds the copy before the truncation: the
// copy, written after the file's last change, is a copy being made, not a
// generation. Each line once.
TEST_F(TailerScenarioAlike, ACopyOfLinesNotReadSinceAStartOverFoundBeforeTheTruncation) {
  StartOverEmpty("/logs/app.log*");
  env_.AppendToFile(kApp, Text(Numbered("g1", 1, 3)));  // not read yet
  Rename(kApp1, kApp2);
  CopyFile(kApp, kApp1);
  tailer_->Discover();  // finds the copy
  ReadAll();            // and reads the file, not truncated yet
  TruncateInPlace(kApp, Text(Numbered("g2", 1, 2)));
  Settle();
  EXPECT_EQ(Concat({Numbered("g0", 1, 2), Numbered("g1", 1, 3), Numbered("g2", 1, 2)}),
            Messages());
}

// The same with a banner only: gen1 = BANNER + a line, gen2 = BANNER + others.
TEST_F(TailerScenarioAlike, BannerGenerationAfterStartOverGlob) {
  StartOverEmpty("/logs/app.log*");
  env_.AppendToFile(kApp, "BANNER\ng1-1\n");
  Rename(kApp1, kApp2);
  CopyFile(kApp, kApp1);
  TruncateInPlace(kApp, "BANNER\ng2-1\n");
  Settle();
  EXPECT_EQ((Lines{"g0-1", "g0-2", "BANNER", "g1-1", "BANNER", "g2-1"}), Messages());
}

// A file followed empty; its lines copied away (copy seen half made, held)
// and the file truncated while another file of the glob took the read
// budget; the file's first read comes in the same second as the last
// settling of held copies.
TEST_F(TailerScenarioAlike, FollowedEmptyCopiedWhileABusyFileTakesTheBudgetKeepsOrder) {
  env_.WriteFile("/logs/aaa.log", Text(Numbered("busy", 1, 20000)));
  env_.WriteFile(kApp, "");
  Start({"/logs/*"});
  env_.AppendToFile(kApp, Text(Numbered("g1", 1, 3)));
  std::string all = env_.ReadFile(kApp);
  env_.WriteFile(kApp1, all.substr(0, 10));
  tailer_->Discover();  // app.log.1 held: repeats app.log as it is
  tailer_->Read(100, At(now_), sink_);  // settles (still held); aaa.log takes it all
  env_.AppendToFile(kApp1, all.substr(10));
  TruncateInPlace(kApp, Text(Numbered("g2", 1, 3)));
  tailer_->Read(8 << 20, At(now_ + 500), sink_);  // same second: no settling
  Settle();
  Lines app;
  for (const std::string& m : Messages()) {
    if (m.rfind("busy", 0) != 0) app.push_back(m);
  }
  EXPECT_EQ(Concat({Numbered("g1", 1, 3), Numbered("g2", 1, 3)}), app);
}

// The same with the exact path, nothing else read.
TEST_F(TailerScenarioAlike, FollowedEmptyCopiedAndTruncatedBeforeFirstReadExact) {
  env_.WriteFile(kApp, "");
  Start({kApp});
  env_.AppendToFile(kApp, Text(Numbered("g1", 1, 3)));
  CopyFile(kApp, kApp1);
  TruncateInPlace(kApp, Text(Numbered("g2", 1, 3)));
  Settle();
  EXPECT_EQ(Concat({Numbered("g1", 1, 3), Numbered("g2", 1, 3)}), Messages());
}

// Two services under one glob whose logs start with identical bytes; one of
// them named like a rotated name of the other (app.log / app.log-worker).
TEST_F(TailerScenarioAlike, TwoServicesStartingAlikeAreNotCopies) {
  env_.WriteFile(kApp, "");
  Start({"/logs/app.log*"});
  env_.AppendToFile(kApp, "starting v1\n");
  env_.WriteFile("/logs/app.log-worker", "starting v1\n");
  Settle();
  env_.AppendToFile(kApp, "app-1\n");
  env_.AppendToFile("/logs/app.log-worker", "worker-1\n");
  Settle();
  Lines all = Messages();
  std::sort(all.begin(), all.end());
  EXPECT_EQ((Lines{"app-1", "starting v1", "starting v1", "worker-1"}), all);
}

TEST_F(TailerScenarioAlike, TwoServicesStartingAlikeTruncatedAreNotCopies) {
  // the same, and app.log is truncated ("> app.log") while app.log-worker
  // still only holds the common start.
  env_.WriteFile(kApp, "");
  Start({"/logs/app.log*"});
  env_.AppendToFile(kApp, "starting v1\n");
  env_.WriteFile("/logs/app.log-worker", "starting v1\n");
  Settle();
  env_.AppendToFile(kApp, "app-1\n");
  Settle();
  TruncateInPlace(kApp, "app-2\n");
  Settle();
  env_.AppendToFile("/logs/app.log-worker", "worker-1\n");
  Settle();
  Lines all = Messages();
  std::sort(all.begin(), all.end());
  EXPECT_EQ((Lines{"app-1", "app-2", "starting v1", "starting v1", "worker-1"}), all);
}

// Shutdown with a multi-line record pending while the file has more bytes.
TEST_F(TailerScenarioAlike, StopWithMultiLineRecordPendingAndMoreBytes) {
  auto rules = std::make_shared<EntryRules>();
  rules->start_rule = EntryRules::StartRule::kNonWhitespace;
  TailEntry e{kApp, nullptr, "", rules, ""};
  std::string text = "rec1\n  c1\nrec2\n  c2\n" + std::string("rec3 ") + std::string(3000, 'x') +
                     "\n  c3\nrec4\n";
  env_.WriteFile(kApp, text);
  StartEntries({e});
  tailer_->Read(24, At(now_), sink_);  // ends inside rec3's first line; rec2 pending
  StopAndStartAgain();
  Settle();
  Shutdown();
  EXPECT_EQ((Lines{"rec1\n  c1", "rec2\n  c2", "rec3 " + std::string(3000, 'x') + "\n  c3",
                   "rec4"}),
            Messages());
}

TEST_F(TailerScenarioAlike, StopWithRecordPendingAtAnExactLineEndAndMoreBytes) {
  auto rules = std::make_shared<EntryRules>();
  rules->start_rule = EntryRules::StartRule::kNonWhitespace;
  TailEntry e{kApp, nullptr, "", rules, ""};
  env_.WriteFile(kApp, "rec1\n  c1\nrec2\n  c2\n");
  StartEntries({e});
  Settle();  // rec2 pending (waits for its next start or quiet)
  env_.AppendToFile(kApp, "  c2b\nrec3\n");
  StopAndStartAgain();
  Settle();
  Shutdown();
  EXPECT_EQ((Lines{"rec1\n  c1", "rec2\n  c2\n  c2b", "rec3"}), Messages());
}

// create + dateext: app.log renamed to app.log-20261206, new app.log with
// the same banner; agent stopped in between with a partial line pending.
TEST_F(TailerScenarioAlike, CreateDateextWithPartialLineAcrossRestart) {
  env_.WriteFile(kApp, "BANNER\nline-1\npart");
  Start({kApp});
  Settle();
  env_.AppendToFile(kApp, "ial\nline-2\n");
  Shutdown();  // size > read_offset: 'part' kept back
  auto saved = Checkpoints();
  tailer_.reset();
  Rename(kApp, "/logs/app.log-20261206");
  env_.WriteFile(kApp, "BANNER\nnew-1\n");
  Start({kApp}, saved);
  Settle();
  Shutdown();
  EXPECT_EQ((Lines{"BANNER", "line-1", "partial", "line-2", "BANNER", "new-1"}), Messages());
}

TEST_F(TailerScenarioAlike, CreateDateextGlobBannerWhileRunning) {
  env_.WriteFile(kApp, "BANNER\nline-1\n");
  Start({"/logs/app.log*"});
  Settle();
  env_.AppendToFile(kApp, "line-2\n");
  Rename(kApp, "/logs/app.log-20261206");
  env_.WriteFile(kApp, "");
  Pass();
  env_.AppendToFile(kApp, "BANNER\nnew-1\n");
  Settle();
  EXPECT_EQ((Lines{"BANNER", "line-1", "line-2", "BANNER", "new-1"}), Messages());
}

// A truncation read, then the agent stops before the file is read again;
// meanwhile a copytruncate. The restart must read gen1 from the copy.
TEST_F(TailerScenarioAlike, StartOverThenStopThenCopytruncate) {
  StartOverEmpty(kApp);
  env_.AppendToFile(kApp, Text(Numbered("g1", 1, 2)));
  StopAndStartAgain();
  Rename(kApp1, kApp2);
  CopyFile(kApp, kApp1);
  TruncateInPlace(kApp, Text(Numbered("g2", 1, 2)));
  Settle();
  EXPECT_EQ(Concat({Numbered("g0", 1, 2), Numbered("g1", 1, 2), Numbered("g2", 1, 2)}),
            Messages());
}

// Started over, then the file is written; a copy being made is seen before
// the first read; then the file is read (gen1), truncated (gen2).
TEST_F(TailerScenarioAlike, StartOverThenCopyBeingMadeBeforeFirstRead) {
  StartOverEmpty(kApp);
  env_.AppendToFile(kApp, Text(Numbered("g1", 1, 3)));
  Rename(kApp1, kApp2);
  std::string all = env_.ReadFile(kApp);
  env_.WriteFile(kApp1, all.substr(0, 7));
  ReadAll();  // BeforeFirstRead: app.log.1 held; app.log read
  env_.AppendToFile(kApp1, all.substr(7));
  TruncateInPlace(kApp, Text(Numbered("g2", 1, 2)));
  Settle();
  EXPECT_EQ(Concat({Numbered("g0", 1, 2), Numbered("g1", 1, 3), Numbered("g2", 1, 2)}),
            Messages());
}

// Started over, empty; a line written; then a file under a rotated name,
// written since, repeating every byte of it: a copy being made (a second
// copytruncate), as it would be before a start over. Held as one; no
// truncation follows, so it is a copy kept (cp), and nothing in it is read.
// (A file of another service holding the very same bytes is
// indistinguishable from that copy.) Each line once.
TEST_F(TailerScenarioAlike, StartOverThenRotatedNameRepeatingItIsACopy) {
  env_.WriteFile(kApp, Text(Numbered("g0", 1, 2)));
  Start({"/logs/app.log*"});
  Settle();
  TruncateInPlace(kApp);
  ReadAll();
  env_.AppendToFile(kApp, "hello\n");
  env_.WriteFile("/logs/app.log.2026-12-06", "hello\n");
  Settle();
  env_.AppendToFile(kApp, "more\n");
  Settle();
  EXPECT_EQ((Lines{"g0-1", "g0-2", "hello", "more"}), Messages());
}

// The same copy found after the pattern had the file read already: the
// truncation that follows takes the lines written since from it, once.
TEST_F(TailerScenarioAlike, StartOverThenACopyReadAlreadyGivesEachLineOnce) {
  env_.WriteFile(kApp, Text(Numbered("g0", 1, 2)));
  Start({"/logs/app.log*"});
  Settle();
  CopyFile(kApp, kApp1);
  TruncateInPlace(kApp);
  ReadAll();
  env_.AppendToFile(kApp, Text(Numbered("g1", 1, 3)));  // not read yet
  Rename(kApp1, kApp2);
  env_.WriteFile(kApp1, env_.ReadFile(kApp).substr(0, 5));  // the copy begun
  tailer_->Discover();
  env_.AppendToFile(kApp1, env_.ReadFile(kApp).substr(5));  // and done
  ReadAll();
  TruncateInPlace(kApp, Text(Numbered("g2", 1, 2)));
  Settle();
  EXPECT_EQ(Concat({Numbered("g0", 1, 2), Numbered("g1", 1, 3), Numbered("g2", 1, 2)}),
            Messages());
}

}  // namespace
}  // namespace edgelog::tailer_scenarios

namespace edgelog::tailer_scenarios {
namespace {

// app.log followed, not read yet; a copytruncate; then a second one whose
// copy is seen half made by the first read (held as a copy of app.log).
// When the truncation is read, the held copy holds none of what was read,
// for nothing was: all of it is unread, read before the file.

class TailerScenarioAlikeCopy : public TailerScenario {
 protected:
  void Run(const std::string& pattern) {
    env_.WriteFile(kApp, Text(Numbered("g0", 1, 3)));
    Start({pattern});                               // followed, not read yet
    CopyFile(kApp, kApp1);                          // copytruncate #1
    TruncateInPlace(kApp, Text(Numbered("g1", 1, 2)));
    Rename(kApp1, kApp2);                           // copytruncate #2 begins
    std::string g1 = env_.ReadFile(kApp);
    env_.WriteFile(kApp1, g1.substr(0, 10));        // copy half made
    tailer_->Read(20, At(now_), sink_);             // first read of anything
    env_.AppendToFile(kApp1, g1.substr(10));        // copy done
    TruncateInPlace(kApp, Text(Numbered("g2", 1, 2)));
    Settle();
    EXPECT_EQ(Concat({Numbered("g0", 1, 3), Numbered("g1", 1, 2), Numbered("g2", 1, 2)}),
              Messages());
  }
};

TEST_F(TailerScenarioAlikeCopy, AHeldCopyOfAFileNothingWasReadOfIsReadWholeExact) { Run(kApp); }
TEST_F(TailerScenarioAlikeCopy, AHeldCopyOfAFileNothingWasReadOfIsReadWholeGlob) {
  Run("/logs/app.log*");
}

}  // namespace
}  // namespace edgelog::tailer_scenarios
