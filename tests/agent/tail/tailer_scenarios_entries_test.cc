// One file matched by two collect_list entries: read once for each entry,
// as the CloudWatch agent does, each with a checkpoint of its own; once when
// both entries send to the same log stream.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "agent/tail/tailer.h"
#include "tests/agent/tail/tailer_scenarios_fixture.h"

namespace edgelog::tailer_scenarios {
namespace {

constexpr char kApp[] = "/logs/app.log";

class TailerScenarioEntries : public TailerScenario {
 protected:
  static Lines Sorted(Lines lines) {
    std::sort(lines.begin(), lines.end());
    return lines;
  }
  // The messages read for entry `entry` in this run, in order.
  Lines MessagesFor(uint32_t entry) const {
    Lines out;
    for (size_t i = run_start_; i < sink_.seen.size(); ++i) {
      const Seen& s = sink_.seen[i];
      if (!s.skipped && tailer_->source(s.source).entry == entry) out.push_back(s.message);
    }
    return out;
  }
};

TEST_F(TailerScenarioEntries, AFileInTwoEntriesReachesBoth) {
  env_.WriteFile(kApp, Text(Numbered("line", 1, 3)));
  StartEntries({Entry(kApp, "/app:all"), Entry("/logs/*.log", "/audit:all")});
  Settle();

  EXPECT_EQ(Numbered("line", 1, 3), MessagesFor(0));
  EXPECT_EQ(Numbered("line", 1, 3), MessagesFor(1));
}

TEST_F(TailerScenarioEntries, EachEntryResumesFromItsOwnCheckpoint) {
  env_.WriteFile(kApp, Text(Numbered("line", 1, 2)));
  StartEntries({Entry(kApp, "/app:all"), Entry("/logs/*.log", "/audit:all")});
  Settle();
  StopAndStartAgain();
  env_.AppendToFile(kApp, Text(Numbered("line", 3, 2)));
  Settle();

  // Over both runs: each line once for each entry.
  Lines first_run, second_run;
  for (size_t i = 0; i < sink_.seen.size(); ++i) {
    if (sink_.seen[i].skipped) continue;
    (i < run_start_ ? first_run : second_run).push_back(sink_.seen[i].message);
  }
  EXPECT_EQ((Lines{"line-1", "line-1", "line-2", "line-2"}), Sorted(first_run));
  EXPECT_EQ((Lines{"line-3", "line-3", "line-4", "line-4"}), Sorted(second_run));
  EXPECT_EQ(Numbered("line", 3, 2), MessagesFor(0));
  EXPECT_EQ(Numbered("line", 3, 2), MessagesFor(1));
}

TEST_F(TailerScenarioEntries, AFileInTwoEntriesSurvivesRotationForBoth) {
  env_.WriteFile(kApp, Text(Numbered("old", 1, 2)));
  StartEntries({Entry(kApp, "/app:all"), Entry("/logs/app.log*", "/audit:all")});
  Settle();
  env_.AppendToFile(kApp, Text(Numbered("old", 3, 1)));
  Rename(kApp, "/logs/app.log.1");
  env_.WriteFile(kApp, Text(Numbered("new", 1, 2)));
  Settle();

  Lines expected = Concat({Numbered("old", 1, 3), Numbered("new", 1, 2)});
  EXPECT_EQ(expected, MessagesFor(0));
  EXPECT_EQ(expected, MessagesFor(1));
}

TEST_F(TailerScenarioEntries, TwoEntriesSendingToTheSameStreamReadTheFileOnce) {
  env_.WriteFile(kApp, Text(Numbered("line", 1, 3)));
  StartEntries({Entry(kApp, "/app:all"), Entry("/logs/*.log", "/app:all")});
  Settle();

  EXPECT_EQ(Numbered("line", 1, 3), Messages());
}

TEST_F(TailerScenarioEntries, ACheckpointWithoutAnEntryBelongsToTheFirstEntryMatchingIt) {
  // Saved before checkpoints named their entry: the entry that read it
  // then (the first) resumes; the new one reads the file from its start.
  env_.WriteFile(kApp, Text(Numbered("line", 1, 2)));
  std::vector<Checkpoint> legacy{Checkpoint{IdOf(kApp), kApp, 14, {}, {}, ""}};
  StartEntries({Entry(kApp, "/app:all"), Entry("/logs/*.log", "/audit:all")}, legacy);
  Settle();

  EXPECT_EQ(Lines{}, MessagesFor(0));
  EXPECT_EQ(Numbered("line", 1, 2), MessagesFor(1));
}

TEST_F(TailerScenarioEntries, TwoEntriesOfOneStreamFollowARenamedFileOnce) {
  env_.WriteFile(kApp, Text(Numbered("old", 1, 3)));
  StartEntries({Entry(kApp, "/app:s"), Entry("/logs/app.log*", "/app:s")});
  Settle();
  env_.AppendToFile(kApp, Text(Numbered("old", 4, 1)));
  Rename(kApp, "/logs/app.log.1");
  env_.WriteFile(kApp, Text(Numbered("new", 1, 2)));
  Settle();
  EXPECT_EQ(Concat({Numbered("old", 1, 4), Numbered("new", 1, 2)}), Messages());
}

TEST_F(TailerScenarioEntries, TwoEntriesOfOneStreamRecoverARotationWhileStoppedOnce) {
  env_.WriteFile(kApp, Text(Numbered("old", 1, 3)));
  StartEntries({Entry(kApp, "/app:s"), Entry("/logs/app.log*", "/app:s")});
  Settle();
  Shutdown();
  auto saved = Checkpoints();
  tailer_.reset();
  env_.AppendToFile(kApp, Text(Numbered("old", 4, 2)));
  Rename(kApp, "/logs/app.log.1");
  env_.WriteFile(kApp, Text(Numbered("new", 1, 2)));
  StartEntries(entries_, saved);
  Settle();
  EXPECT_EQ(Concat({Numbered("old", 1, 5), Numbered("new", 1, 2)}), Messages());
}

}  // namespace
}  // namespace edgelog::tailer_scenarios
