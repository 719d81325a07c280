// The recovery sweep: a spool with a torn tail and a segment damaged in the
// middle is opened through a FaultEnv whose N-th mutating call fails (once,
// or from then on: a crash there), the power goes (unsynced bytes dropped,
// kept or garbled), and a restart on a healthy disk must still find every
// batch the damaged spool held intact and unacknowledged, for N = 1, 2, ...
// until recovery completes without the fault firing.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "agent/spool/spool.h"
#include "tests/agent/spool/spool_test_fixture.h"
#include "tests/support/fault_env.h"
#include "tests/support/garble.h"

namespace edgelog {
namespace {

using spool_test::IdOf;
using spool_test::Join;
using spool_test::kDir;
using spool_test::MakeBatch;
using spool_test::RecordBytes;
using spool_test::SameContents;
using testing::CaptureLogger;
using testing::CrashMode;
using testing::CrashModeName;
using testing::CrashWith;
using testing::FakeClock;
using testing::FaultEnv;
using testing::FaultKind;
using testing::FaultPersistence;
using testing::MemEnv;
using IdList = std::vector<int>;

// Batches 1-3 in 000001.seg, 4-6 in 000002.seg, 7 in 000003.seg; 1 acked.
// Then batch 5's record is damaged (000002.seg is corrupt: 4 and 6 are
// salvaged, 5 stays in the copy set aside) and 000003.seg gets a torn tail.
constexpr int kIntact[] = {2, 3, 4, 6, 7};

void WriteDamagedSpool(MemEnv& env, const SpoolOptions& options) {
  FakeClock clock;
  CaptureLogger log;
  {
    auto spool = Spool::Open(env, clock, log, kDir, options);
    ASSERT_TRUE(spool.ok());
    for (int id = 1; id <= 7; ++id) ASSERT_TRUE((*spool)->Append(MakeBatch(id)).ok());
    ASSERT_TRUE((*spool)->Sync().ok());
    auto first = (*spool)->TakeNext();
    ASSERT_TRUE(first.has_value());
    (*spool)->Ack(first->seq);
    ASSERT_TRUE((*spool)->Sync().ok());
  }
  std::string second = std::string(kDir) + "/000002.seg";
  std::string bytes = env.ReadFile(second);
  ASSERT_EQ(3 * RecordBytes(MakeBatch(1)), bytes.size());
  bytes[RecordBytes(MakeBatch(1)) + 40] ^= 0x10;
  env.WriteFile(second, bytes);
  std::string third = std::string(kDir) + "/000003.seg";
  std::string torn;
  AppendRecord(RecordType::kBatch, EncodeBatch(MakeBatch(8)), &torn);
  env.WriteFile(third, env.ReadFile(third) + torn.substr(0, torn.size() / 3));
}

using SweepParam = std::tuple<FaultKind, FaultPersistence, CrashMode>;

class SpoolRecoverySweepTest : public ::testing::TestWithParam<SweepParam> {};

TEST_P(SpoolRecoverySweepTest, AFaultOrCrashDuringRecoveryLosesNoIntactBatch) {
  auto [kind, persistence, crash] = GetParam();
  SpoolOptions options;
  options.segment_bytes = 3 * RecordBytes(MakeBatch(1));
  constexpr int kMaxTrials = 1000;
  std::vector<std::string> wrong;
  int swept = 0;
  bool finished = false;
  for (int n = 1; n <= kMaxTrials && !finished; ++n) {
    MemEnv env;
    WriteDamagedSpool(env, options);
    if (::testing::Test::HasFatalFailure()) return;
    FaultEnv faults(env);
    FakeClock clock;
    CaptureLogger log;
    faults.FailCall(n, kind, persistence);
    std::string error = "recovered";
    {
      auto opened = Spool::Open(faults, clock, log, kDir, options);
      if (!opened.ok()) error = opened.status().ToString();
    }
    if (faults.fired()) {
      ++swept;
    } else {
      finished = true;
    }
    CrashWith(env, crash, static_cast<uint64_t>(n));
    std::string trial = "N=" + std::to_string(n) + " (" + error + ")";
    auto reopened = Spool::Open(env, clock, log, kDir, options);
    if (!reopened.ok()) {
      wrong.push_back(trial + ": does not reopen: " + reopened.status().ToString());
      continue;
    }
    IdList got;
    while (auto b = (*reopened)->TakeNext()) {
      int id = IdOf(b->body);
      got.push_back(id);
      if (id < 1 || id > 7 || !SameContents(MakeBatch(id), *b)) {
        wrong.push_back(trial + ": returned a damaged or unknown batch (id " +
                        std::to_string(id) + ")");
      }
    }
    IdList want(std::begin(kIntact), std::end(kIntact));
    if (got != want) {
      std::string ids;
      for (int id : got) ids += " " + std::to_string(id);
      wrong.push_back(trial + ": returned {" + ids + " } instead of { 2 3 4 7 }");
    }
  }
  std::printf("[  sweep   ] recovery %s/%s/%s: %d fault points\n",
              kind == FaultKind::kIoError   ? "IoError"
              : kind == FaultKind::kNoSpace ? "NoSpace"
                                            : "ShortWrite",
              persistence == FaultPersistence::kOnce ? "once" : "from-then-on",
              CrashModeName(crash), swept);
  ASSERT_TRUE(finished) << "recovery still hit its fault at N = " << kMaxTrials;
  EXPECT_GT(swept, 5) << "recovery of a damaged spool makes too few calls to prove anything";
  EXPECT_TRUE(wrong.empty()) << wrong.size() << " trials went wrong:" << Join(wrong);
}

std::string ParamName(const ::testing::TestParamInfo<SweepParam>& info) {
  auto [kind, persistence, crash] = info.param;
  std::string name = kind == FaultKind::kIoError   ? "IoError"
                     : kind == FaultKind::kNoSpace ? "NoSpace"
                                                   : "ShortWrite";
  name += persistence == FaultPersistence::kOnce ? "Once_" : "FromThenOn_";
  name += crash == CrashMode::kDropUnsynced   ? "DropUnsynced"
          : crash == CrashMode::kKeepUnsynced ? "KeepUnsynced"
                                              : "GarbleUnsynced";
  return name;
}

INSTANTIATE_TEST_SUITE_P(
    SpoolRecoverySweep, SpoolRecoverySweepTest,
    ::testing::Combine(::testing::Values(FaultKind::kIoError, FaultKind::kNoSpace,
                                         FaultKind::kShortWrite),
                       ::testing::Values(FaultPersistence::kOnce, FaultPersistence::kFromThenOn),
                       ::testing::Values(CrashMode::kDropUnsynced, CrashMode::kKeepUnsynced,
                                         CrashMode::kGarbleUnsynced)),
    ParamName);

}  // namespace
}  // namespace edgelog
