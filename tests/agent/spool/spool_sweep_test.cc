// The durability sweep, SQLite-style. For every kind of fault (EIO, ENOSPC,
// short write), failing once or from then on, and every way power loss
// treats unsynced bytes (dropped, kept, garbled): for N = 1, 2, ... until
// a trial completes with the fault never firing, a scripted workload runs
// through a FaultEnv whose N-th mutating call fails, then the power goes.
// A fault from then on followed by power loss is a crash at call N (every
// sync, append, rename, ... in turn). The workload treats errors as the
// pipeline must: what Append or Sync did not declare durable is appended
// again. After each trial the spool is reopened on a clean disk and must
//   (a) open;
//   (b) return every batch Sync declared durable and not acked, byte for byte;
//   (c) return nothing never appended, nothing damaged, under its own seq;
//   (d) return an acked batch only if no Sync succeeded after its ack.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <deque>
#include <map>
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

// What went wrong over a sweep, by invariant.
struct Violations {
  std::vector<std::string> not_opened, lost, phantom, duplicated;
  std::string first_trace;  // the calls of the first trial that broke one
  size_t count() const {
    return not_opened.size() + lost.size() + phantom.size() + duplicated.size();
  }
};

// One trial: the workload with call `fail_at` failing, then power loss.
class Trial {
 public:
  Trial(FaultKind kind, FaultPersistence persistence, int fail_at)
      : kind_(kind), persistence_(persistence), fail_at_(fail_at) {
    options_.segment_bytes = RecordBytes(MakeBatch(1)) * 5 / 2;  // rotate often
    options_.max_bytes = RecordBytes(MakeBatch(1)) * 6;          // and get full
    options_.when_full = WhenFull::kBlock;
  }

  // Runs the workload; true if the armed fault fired.
  bool Run() {
    Before();
    faults_.FailCall(fail_at_, kind_, persistence_);
    Trace("| open");
    auto opened = Spool::Open(faults_, clock_, log_, kDir, options_);
    if (opened.ok()) {
      std::unique_ptr<Spool> spool = std::move(*opened);
      for (int round = 0; round < 5; ++round) {
        Append(*spool, 2);
        TakeAndAck(*spool);  // an ack while appends wait for their sync
        Sync(*spool);
        Append(*spool, 1);
        Sync(*spool);
        TakeAndAck(*spool);
        TakeAndAck(*spool);
      }
      Append(*spool, 2);  // into whatever segment the last ack started
      Sync(*spool);
    } else {
      Note(opened.status());
    }
    return faults_.fired();
  }

  // Power loss, a restart on a healthy disk, and the invariants.
  void CrashAndCheck(CrashMode mode, Violations* v) {
    CrashWith(env_, mode, static_cast<uint64_t>(fail_at_));
    std::string trial = "N=" + std::to_string(fail_at_) + " (" + first_error_ + ")";
    size_t violations_before = v->count();
    auto opened = Spool::Open(env_, clock_, log_, kDir, options_);
    if (!opened.ok()) {
      v->not_opened.push_back(trial + ": " + opened.status().ToString());
      return;
    }
    Spool& spool = **opened;
    std::map<int, int> returned;  // logical id → times
    uint64_t last_seq = 0;
    while (auto b = spool.TakeNext()) {
      int id = IdOf(b->body);
      auto it = logicals_.find(id);
      if (it == logicals_.end() || !SameContents(it->second.batch, *b) ||
          !it->second.Has(b->seq) || b->seq <= last_seq) {
        v->phantom.push_back(trial + ": seq " + std::to_string(b->seq) + " body of id " +
                             std::to_string(id) + " is not what was appended under it");
        continue;
      }
      last_seq = b->seq;
      if (++returned[id] > 1 || it->second.ack_synced) {
        v->duplicated.push_back(trial + ": batch " + std::to_string(id) + " (seq " +
                                std::to_string(b->seq) + ") came back" +
                                (it->second.ack_synced ? " after its ack was synced" : " twice"));
      }
    }
    for (const auto& [id, l] : logicals_) {
      // A delivered batch may be gone: its ack record may have survived.
      if (l.durable_seq != 0 && !l.delivered && returned.count(id) == 0) {
        v->lost.push_back(trial + ": batch " + std::to_string(id) + " (seq " +
                          std::to_string(l.durable_seq) +
                          ") was declared durable, never delivered, and is gone");
      }
    }
    // It goes on working: a new batch gets a new seq (or, over-full with
    // kBlock, a clean refusal).
    auto fresh = spool.Append(MakeBatch(999));
    bool full = spool.bytes() + RecordBytes(MakeBatch(999)) > options_.max_bytes;
    bool refused_full = !fresh.ok() && fresh.status().code() == Code::kNoSpace && full;
    if (!refused_full && (!fresh.ok() || *fresh <= last_seq || !spool.Sync().ok())) {
      v->not_opened.push_back(trial + ": the reopened spool does not take new batches (" +
                              (fresh.ok() ? "seq " + std::to_string(*fresh) + " after " +
                                                std::to_string(last_seq)
                                          : fresh.status().ToString()) +
                              ")");
    }
    if (v->first_trace.empty() && v->count() > violations_before) {
      v->first_trace = trial + ":" + trace_;
    }
  }

 private:
  struct Logical {
    SpooledBatch batch;
    std::vector<uint64_t> seqs;  // every seq an Append returned for it
    uint64_t durable_seq = 0;    // the one a Sync declared durable
    bool delivered = false;      // taken and Ack called
    bool ack_synced = false;     // Ack returned OK, then a Sync did
    bool Has(uint64_t seq) const {
      for (uint64_t s : seqs) {
        if (s == seq) return true;
      }
      return false;
    }
  };

  // An earlier run, on a healthy disk: batches 1-3 durable, 1 acked.
  void Before() {
    auto spool = Spool::Open(env_, clock_, log_, kDir, options_);
    if (!spool.ok()) return;
    Append(**spool, 3);
    Sync(**spool);
    TakeAndAck(**spool);
    Sync(**spool);
  }

  void Note(const Status& s) {
    if (first_error_.empty()) first_error_ = s.ToString();
  }
  void Trace(const std::string& what) { trace_ += " " + what; }

  // Appends what waits (retries first), then `fresh` new batches.
  void Append(Spool& spool, int fresh) {
    for (int i = 0; i < fresh; ++i) {
      int id = next_id_++;
      logicals_[id].batch = MakeBatch(id);
      to_append_.push_back(id);
    }
    while (!to_append_.empty()) {
      int id = to_append_.front();
      auto seq = spool.Append(logicals_[id].batch);
      if (!seq.ok()) {
        Note(seq.status());
        Trace("append#" + std::to_string(id) + ":fail@" + std::to_string(faults_.calls()));
        return;  // kept: tried again at the next Append
      }
      Trace("append#" + std::to_string(id) + "=" + std::to_string(*seq));
      logicals_[id].seqs.push_back(*seq);
      appended_.push_back(id);
      to_append_.pop_front();
    }
  }

  void Sync(Spool& spool) {
    auto synced = spool.Sync();
    if (!synced.ok()) Note(synced.status());
    std::string said;
    if (synced.ok()) {
      for (uint64_t seq : *synced) said += (said.empty() ? "" : ",") + std::to_string(seq);
    }
    Trace(synced.ok() ? "sync[" + said + "]" : "sync:fail@" + std::to_string(faults_.calls()));
    std::map<uint64_t, bool> declared;
    if (synced.ok()) {
      for (uint64_t seq : *synced) declared[seq] = true;
      for (int id : acked_) logicals_[id].ack_synced = true;
      acked_.clear();
    }
    // What was not declared durable is the caller's again, in order.
    std::deque<int> again;
    for (int id : appended_) {
      Logical& l = logicals_[id];
      if (declared.count(l.seqs.back())) {
        l.durable_seq = l.seqs.back();
      } else {
        again.push_back(id);
      }
    }
    appended_.clear();
    to_append_.insert(to_append_.begin(), again.begin(), again.end());
  }

  // Takes the oldest ready batch, "delivers" it and acks it.
  void TakeAndAck(Spool& spool) {
    std::optional<SpooledBatch> b = spool.TakeNext();
    if (!b) return;
    int id = IdOf(b->body);
    if (logicals_.count(id) == 0) return;  // checked after the crash
    logicals_[id].delivered = true;
    spool.Ack(b->seq);  // a record it cannot write now is written by the next Sync
    Trace("take+ack=" + std::to_string(b->seq));
    acked_.push_back(id);
  }

  FaultKind kind_;
  FaultPersistence persistence_;
  int fail_at_;
  MemEnv env_;
  FaultEnv faults_{env_};
  FakeClock clock_;
  CaptureLogger log_;
  SpoolOptions options_;
  std::map<int, Logical> logicals_;
  std::deque<int> to_append_;  // the caller holds these
  std::vector<int> appended_;  // appended, not yet declared durable
  std::vector<int> acked_;     // Ack returned OK, no Sync since
  int next_id_ = 1;
  std::string first_error_;
  std::string trace_;
};

using SweepParam = std::tuple<FaultKind, FaultPersistence, CrashMode>;

std::string KindName(FaultKind k) {
  switch (k) {
    case FaultKind::kIoError: return "IoError";
    case FaultKind::kNoSpace: return "NoSpace";
    case FaultKind::kShortWrite: return "ShortWrite";
  }
  return "?";
}

std::string ParamName(const ::testing::TestParamInfo<SweepParam>& info) {
  auto [kind, persistence, crash] = info.param;
  std::string crash_name = crash == CrashMode::kDropUnsynced   ? "DropUnsynced"
                           : crash == CrashMode::kKeepUnsynced ? "KeepUnsynced"
                                                               : "GarbleUnsynced";
  return KindName(kind) + (persistence == FaultPersistence::kOnce ? "Once" : "FromThenOn") +
         "_" + crash_name;
}

std::string FirstFew(const std::vector<std::string>& v) {
  std::vector<std::string> few(v.begin(), v.begin() + std::min<size_t>(v.size(), 6));
  if (v.size() > few.size()) few.push_back("... and " + std::to_string(v.size() - few.size()));
  return Join(few);
}

class SpoolSweepTest : public ::testing::TestWithParam<SweepParam> {};

TEST_P(SpoolSweepTest, EveryFaultPointThenPowerLossKeepsWhatSyncDeclaredDurable) {
  auto [kind, persistence, crash] = GetParam();
  constexpr int kMaxTrials = 5000;
  Violations v;
  int swept = 0;
  bool finished = false;
  for (int n = 1; n <= kMaxTrials; ++n) {
    Trial trial(kind, persistence, n);
    bool fired = trial.Run();
    trial.CrashAndCheck(crash, &v);
    if (!fired) {
      finished = true;
      break;
    }
    ++swept;
  }
  std::printf("[  sweep   ] %s/%s/%s: %d fault points, %zu violations\n", KindName(kind).c_str(),
              persistence == FaultPersistence::kOnce ? "once" : "from-then-on",
              CrashModeName(crash), swept, v.count());
  ASSERT_TRUE(finished) << "a trial with N = " << kMaxTrials << " still hit its fault";
  EXPECT_GT(swept, 10) << "the workload makes too few calls to prove anything";
  EXPECT_TRUE(v.not_opened.empty()) << "did not reopen (a):" << FirstFew(v.not_opened);
  EXPECT_TRUE(v.lost.empty()) << "durable batches lost (b):" << FirstFew(v.lost);
  EXPECT_TRUE(v.phantom.empty()) << "returned but never appended so (c):" << FirstFew(v.phantom);
  EXPECT_TRUE(v.duplicated.empty()) << "acked durably yet returned (d):"
                                    << FirstFew(v.duplicated);
  if (v.count() > 0) std::printf("first trial that broke an invariant: %s\n", v.first_trace.c_str());
}

INSTANTIATE_TEST_SUITE_P(
    SpoolSweep, SpoolSweepTest,
    ::testing::Combine(::testing::Values(FaultKind::kIoError, FaultKind::kNoSpace,
                                         FaultKind::kShortWrite),
                       ::testing::Values(FaultPersistence::kOnce, FaultPersistence::kFromThenOn),
                       ::testing::Values(CrashMode::kDropUnsynced, CrashMode::kKeepUnsynced,
                                         CrashMode::kGarbleUnsynced)),
    ParamName);

}  // namespace
}  // namespace edgelog
