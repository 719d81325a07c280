// Clock steps: the wall clock jumps (NTP, a VM resumed) while the monotonic
// clock does not. Every wait of the tailer is monotonic: a step back of an
// hour holds nothing for an hour, a step forward cuts nothing short.
#include <gtest/gtest.h>

#include <string>

#include "agent/tail/tailer.h"
#include "tests/agent/tail/tailer_scenarios_fixture.h"

namespace edgelog::tailer_scenarios {
namespace {

constexpr char kApp[] = "/logs/app.log";
constexpr int64_t kHourMs = 3600 * 1000;

class TailerScenarioClock : public TailerScenario {
 protected:
  // Reads with the wall clock `wall_offset_` away from the monotonic one.
  size_t ReadAt(int64_t mono_ms) {
    size_t total = 0;
    for (int i = 0; i < 100; ++i) {
      size_t n = tailer_->Read(8 << 20, TailTime{mono_ms + wall_offset_, mono_ms}, sink_);
      if (n == 0) break;
      total += n;
    }
    return total;
  }
  int64_t wall_offset_ = 0;
};

TEST_F(TailerScenarioClock, AStepBackDoesNotHoldAMultiLineRecord) {
  env_.WriteFile(kApp, "head\n  detail\n");
  auto rules = std::make_shared<EntryRules>();  // the default grouping
  StartEntries({TailEntry{kApp, nullptr, "", rules, ""}});
  ReadAt(kNow);
  wall_offset_ = -kHourMs;  // NTP sets the wall clock an hour back
  tailer_->FlushQuiet(TailTime{kNow + kQuietMs - kHourMs, kNow + kQuietMs}, sink_);

  EXPECT_EQ(Lines{"head\n  detail"}, Messages());
  EXPECT_EQ(std::optional<int64_t>(), tailer_->NextFlushMs());
}

TEST_F(TailerScenarioClock, AStepBackDoesNotKeepARotatedFileOpen) {
  // Renamed away and quiet: finished 5 s (monotonic) after its last read,
  // though the wall clock went an hour back meanwhile.
  env_.WriteFile(kApp, Text(Numbered("old", 1, 2)));
  Start({kApp});
  ReadAt(kNow);
  Rename(kApp, "/logs/app.log.1");
  tailer_->Discover();
  ReadAt(kNow + 1000);  // read to its end: quiet from now on
  wall_offset_ = -kHourMs;
  int64_t done_by = kNow + 1000 + options_.rotated_quiet_ms;
  ASSERT_EQ(std::optional<int64_t>(done_by), tailer_->NextFlushMs())
      << "the rotated file's quiet time is monotonic";
  ReadAt(done_by - 1);
  EXPECT_TRUE(HeldOpen(IdOf("/logs/app.log.1"))) << "not quiet long enough yet";
  ReadAt(done_by);
  ReadAt(done_by + 1);

  EXPECT_FALSE(HeldOpen(IdOf("/logs/app.log.1"))) << "finished and closed";
  EXPECT_EQ(Numbered("old", 1, 2), Messages());
}

TEST_F(TailerScenarioClock, AStepForwardDoesNotEndARotatedFilesQuietTimeEarly) {
  // The application still writes to the renamed file for a moment: an
  // hour's jump of the wall clock must not close it before its last line.
  env_.WriteFile(kApp, Text(Numbered("old", 1, 2)));
  Start({kApp});
  ReadAt(kNow);
  Rename(kApp, "/logs/app.log.1");
  tailer_->Discover();
  ReadAt(kNow + 1000);
  wall_offset_ = kHourMs;
  ReadAt(kNow + 2000);
  ReadAt(kNow + 2001);
  env_.AppendToFile("/logs/app.log.1", Text(Numbered("old", 3, 1)));  // late line
  ReadAt(kNow + 3000);
  env_.WriteFile(kApp, Text(Numbered("new", 1, 1)));
  tailer_->Discover();
  for (int64_t t = kNow + 4000; t < kNow + 20000; t += 1000) ReadAt(t);

  EXPECT_EQ(Concat({Numbered("old", 1, 3), Numbered("new", 1, 1)}), Messages());
}

TEST_F(TailerScenarioClock, EventTimesAreWallClockTimes) {
  env_.WriteFile(kApp, "one\n");
  Start({kApp});
  wall_offset_ = -kHourMs;
  ReadAt(kNow);

  ASSERT_EQ(1u, sink_.Records().size());
  EXPECT_EQ(kNow - kHourMs, sink_.Records()[0].timestamp_ms);
}

}  // namespace
}  // namespace edgelog::tailer_scenarios
