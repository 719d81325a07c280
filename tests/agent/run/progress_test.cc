#include "agent/run/progress.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/support/fake_clock.h"

namespace edgelog {
namespace {

constexpr uint64_t kMiB = 1 << 20;

// Keeps what would have been drawn.
class RecordingStatusLine : public StatusLine {
 public:
  void Show(std::string_view line) override { shown.emplace_back(line); }
  void End() override { ++ends; }
  std::vector<std::string> shown;
  int ends = 0;
};

ProgressFigures Files(uint64_t read, uint64_t total, uint64_t events) {
  ProgressFigures f;
  f.bytes_read = read;
  f.total_bytes = total;
  f.events_sent = events;
  return f;
}

TEST(ProgressFormatTest, BytesTakeTheLargestUnitWithOneDecimal) {
  EXPECT_EQ("0 B", FormatBytes(0));
  EXPECT_EQ("1023 B", FormatBytes(1023));
  EXPECT_EQ("1.0 KiB", FormatBytes(1024));
  EXPECT_EQ("312.4 MiB", FormatBytes(312.4 * kMiB));
  EXPECT_EQ("1.0 GiB", FormatBytes(1024.0 * kMiB - 1));
  EXPECT_EQ("2.5 GiB", FormatBytes(2560.0 * kMiB));
}

TEST(ProgressFormatTest, CountsAreGroupedByThousands) {
  EXPECT_EQ("0", FormatCount(0));
  EXPECT_EQ("999", FormatCount(999));
  EXPECT_EQ("1,000", FormatCount(1000));
  EXPECT_EQ("1,482,003", FormatCount(1482003));
}

TEST(ProgressFormatTest, DurationsUseSecondsMinutesAndHours) {
  EXPECT_EQ("2 s", FormatDuration(2));
  EXPECT_EQ("3 min 5 s", FormatDuration(185));
  EXPECT_EQ("1 h 2 min", FormatDuration(3725));
}

TEST(ProgressFormatTest, FilesShowBytesOfTotalEventsRateAndEta) {
  ProgressRate rate;
  rate.bytes_per_s = 48.2 * kMiB;
  EXPECT_EQ("edgelog: 312.4 MiB of 423.0 MiB read (73.9 %), 1,482,003 events sent, "
            "48.2 MiB/s, ETA 3 s",
            FormatProgress(Files(312.4 * kMiB, 423 * kMiB, 1482003), rate));
}

TEST(ProgressFormatTest, AnUnknownRateLeavesOutRateAndEta) {
  EXPECT_EQ("edgelog: 0 B of 10.0 KiB read (0.0 %), 0 events sent",
            FormatProgress(Files(0, 10240, 0), ProgressRate{}));
}

TEST(ProgressFormatTest, NothingLeftLeavesOutTheEta) {
  ProgressRate rate;
  rate.bytes_per_s = 1024;
  EXPECT_EQ("edgelog: 10.0 KiB of 10.0 KiB read (100.0 %), 7 events sent, 1.0 KiB/s",
            FormatProgress(Files(10240, 10240, 7), rate));
}

TEST(ProgressFormatTest, NoTotalShowsEventsOnly) {
  ProgressFigures f;
  f.events_sent = 25000;
  ProgressRate rate;
  rate.bytes_per_s = 1000;
  rate.events_per_s = 12000;
  EXPECT_EQ("edgelog: 25,000 events sent, 12,000 events/s", FormatProgress(f, rate));
}

TEST(ProgressFormatTest, EmptyFilesAreAllRead) {
  EXPECT_EQ("edgelog: 0 B of 0 B read (100.0 %), 0 events sent",
            FormatProgress(Files(0, 0, 0), ProgressRate{}));
}

TEST(ProgressMeterTest, DrawsAtOnceThenAtMostEveryRedrawInterval) {
  testing::FakeClock clock;
  RecordingStatusLine out;
  ProgressMeter meter(clock, out);
  EXPECT_TRUE(meter.Due());
  meter.Update(Files(0, 100, 0));
  ASSERT_EQ(1u, out.shown.size());
  clock.Advance(ProgressMeter::kRedrawIntervalMs - 1);
  EXPECT_FALSE(meter.Due());
  meter.Update(Files(10, 100, 1));
  EXPECT_EQ(1u, out.shown.size());
  clock.Advance(1);
  EXPECT_TRUE(meter.Due());
  meter.Update(Files(20, 100, 2));
  ASSERT_EQ(2u, out.shown.size());
  EXPECT_EQ(0, out.ends);
}

TEST(ProgressMeterTest, TheRateIsOverTheRecentWindow) {
  testing::FakeClock clock;
  RecordingStatusLine out;
  ProgressMeter meter(clock, out);
  // 1 MiB/s for 10 s, then 4 MiB/s for the window's length.
  uint64_t read = 0;
  for (int i = 0; i < 40; ++i) {
    clock.Advance(250);
    read += kMiB / 4;
    meter.Update(Files(read, 100 * kMiB, 0));
  }
  EXPECT_NE(std::string::npos, out.shown.back().find(", 1.0 MiB/s,")) << out.shown.back();
  for (int i = 0; i < ProgressMeter::kRateWindowMs / 250; ++i) {
    clock.Advance(250);
    read += kMiB;
    meter.Update(Files(read, 100 * kMiB, 0));
  }
  EXPECT_NE(std::string::npos, out.shown.back().find(", 4.0 MiB/s,")) << out.shown.back();
}

TEST(ProgressMeterTest, TheEtaIsWhatIsLeftAtTheRecentRate) {
  testing::FakeClock clock;
  RecordingStatusLine out;
  ProgressMeter meter(clock, out);
  clock.Advance(1000);
  meter.Update(Files(10 * kMiB, 100 * kMiB, 0));
  EXPECT_NE(std::string::npos, out.shown.back().find(", 10.0 MiB/s, ETA 9 s"))
      << out.shown.back();
}

TEST(ProgressMeterTest, FinishDrawsEvenWhenNotDueAndEndsTheLine) {
  testing::FakeClock clock;
  RecordingStatusLine out;
  ProgressMeter meter(clock, out);
  meter.Update(Files(0, 4 * kMiB, 0));
  clock.Advance(2000);
  meter.Update(Files(kMiB, 4 * kMiB, 10));  // due: drawn
  clock.Advance(10);
  meter.Finish(Files(4 * kMiB, 4 * kMiB, 40));
  ASSERT_EQ(3u, out.shown.size());
  // The average over the whole run, no ETA: nothing is left.
  EXPECT_EQ("edgelog: 4.0 MiB of 4.0 MiB read (100.0 %), 40 events sent, 2.0 MiB/s",
            out.shown.back());
  EXPECT_EQ(1, out.ends);
}

}  // namespace
}  // namespace edgelog
