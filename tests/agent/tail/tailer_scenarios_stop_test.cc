// Stops while the agent holds back part of a file: an incomplete last line
// or a multi-line record, with the file truncated (with or without a copy)
// or deleted meanwhile. What is held back arrives once and whole where the
// file or a copy still holds it, and as it is where nothing does.
#include <gtest/gtest.h>

#include <string>

#include "agent/tail/tailer.h"
#include "tests/agent/tail/tailer_scenarios_fixture.h"

namespace edgelog::tailer_scenarios {
namespace {

constexpr char kApp[] = "/logs/app.log";
constexpr char kApp1[] = "/logs/app.log.1";

class TailerScenarioStop : public TailerScenario {
 protected:
  void StartWith(EntryRules::StartRule rule, const std::string& encoding = "",
                 std::vector<Checkpoint> cps = {}) {
    auto rules = std::make_shared<EntryRules>();
    rules->start_rule = rule;
    StartEntries({TailEntry{kApp, nullptr, encoding, rules, ""}}, std::move(cps));
  }
  void Stop() {
    Shutdown();
    saved_ = Checkpoints();
    tailer_.reset();
  }
  std::vector<Checkpoint> saved_;
};

// "> app.log" (no copy) after the last read, before the stop: the
// incomplete last line is only in memory.
TEST_F(TailerScenarioStop, PlainTruncateBeforeStopKeepsIncompleteLastLine) {
  env_.WriteFile(kApp, "first\npartial");
  StartWith(EntryRules::StartRule::kEveryLine);
  Settle();
  TruncateInPlace(kApp);
  Stop();
  StartWith(EntryRules::StartRule::kEveryLine, "", saved_);
  env_.AppendToFile(kApp, "next\n");
  Settle();
  EXPECT_EQ((Lines{"first", "partial", "next"}), Messages());
}

// the same for a multi-line record waiting for its next line.
TEST_F(TailerScenarioStop, PlainTruncateBeforeStopKeepsPendingRecord) {
  env_.WriteFile(kApp, "rec1\n  cont\n");
  StartWith(EntryRules::StartRule::kNonWhitespace);
  Settle();
  TruncateInPlace(kApp, "new\n");
  Stop();
  StartWith(EntryRules::StartRule::kNonWhitespace, "", saved_);
  Settle();
  Shutdown();
  EXPECT_EQ((Lines{"rec1\n  cont", "new"}), Messages());
}

// multi-line record handed on at a line start that was read in the read
// before (the next record's first line spanned two reads): the mark is not
// taken there; copytruncate, then a stop before the next read.
TEST_F(TailerScenarioStop, CopytruncateBeforeStopCheckpointAtLineSpanningReads) {
  std::string rec1 = "rec1\n";
  for (int i = 0; i < 4; ++i) rec1 += "  " + std::string(600, 'a' + i) + "\n";
  std::string rec2 = "rec2 " + std::string(300, 'z') + "\n";
  env_.WriteFile(kApp, rec1 + rec2);
  StartWith(EntryRules::StartRule::kNonWhitespace);
  tailer_->Read(rec1.size() + 100, At(now_), sink_);  // ends inside rec2's line
  ReadAll();                                            // rec1 handed on
  ASSERT_EQ(1u, Messages().size());
  CopyFile(kApp, kApp1);
  TruncateInPlace(kApp, "new\n");
  Stop();
  ASSERT_EQ(1u, saved_.size());
  EXPECT_GT(saved_[0].before.length, 0u) << "checkpoint at " << saved_[0].offset;
  StartWith(EntryRules::StartRule::kNonWhitespace, "", saved_);
  Settle();
  Shutdown();
  EXPECT_EQ((Lines{rec1.substr(0, rec1.size() - 1), rec2.substr(0, rec2.size() - 1), "new"}),
            Messages());
}

// A read ended inside a long line, then copytruncate and a stop, in
// UTF-16LE.
std::string U16(const std::string& s) {
  std::string out;
  for (char c : s) {
    out += c;
    out += '\0';
  }
  return out;
}
TEST_F(TailerScenarioStop, Utf16StopAfterCopytruncateInsideALine) {
  std::string long_line(1500, 'x');
  env_.WriteFile(kApp, "\xFF\xFE" + U16("first\n" + long_line + "\nlast\n"));
  StartWith(EntryRules::StartRule::kEveryLine, "utf-16");
  tailer_->Read(200, At(now_), sink_);
  CopyFile(kApp, kApp1);
  TruncateInPlace(kApp, "\xFF\xFE" + U16("new\n"));
  Stop();
  StartWith(EntryRules::StartRule::kEveryLine, "utf-16", saved_);
  Settle();
  EXPECT_EQ((Lines{"first", long_line, "last", "new"}), Messages());
}

// the same with the read position past the first 1024 bytes, the
// handed-on offset just after the previous read's end.
TEST_F(TailerScenarioStop, StopAfterCopytruncateHandedOnJustPastPreviousRead) {
  std::string lines;
  for (int i = 0; i < 40; ++i) lines += "line-" + std::to_string(i) + "-" + std::string(40, 'q') + "\n";
  std::string long_line(3000, 'x');
  env_.WriteFile(kApp, lines + "short\n" + long_line + "\nlast\n");
  StartWith(EntryRules::StartRule::kEveryLine);
  tailer_->Read(lines.size(), At(now_), sink_);
  tailer_->Read(100, At(now_), sink_);  // "short" handed on; ends inside the long line
  CopyFile(kApp, kApp1);
  TruncateInPlace(kApp, "new\n");
  Stop();
  StartWith(EntryRules::StartRule::kEveryLine, "", saved_);
  Settle();
  Lines want;
  for (int i = 0; i < 40; ++i) want.push_back("line-" + std::to_string(i) + "-" + std::string(40, 'q'));
  want.push_back("short");
  want.push_back(long_line);
  want.push_back("last");
  want.push_back("new");
  EXPECT_EQ(want, Messages());
}

// file deleted after the last read (incomplete last line): the stop
// hands it on (the open descriptor still reads it).
TEST_F(TailerScenarioStop, DeletedFileIncompleteLineHandedOnAtStop) {
  env_.WriteFile(kApp, "first\npartial");
  StartWith(EntryRules::StartRule::kEveryLine);
  Settle();
  Remove(kApp);
  Stop();
  EXPECT_EQ((Lines{"first", "partial"}), Messages());
}

}  // namespace
}  // namespace edgelog::tailer_scenarios
