// A sweep over random interleavings of three actors: an application
// appending numbered lines, logrotate rotating its file (`create` or
// `copytruncate`, older generations shifted first, a copy made in two
// steps) and the agent, reading in steps of random size, looking for new
// files, pausing, and stopping and starting again from its checkpoints.
// The file is followed by its exact path and by a glob.
//
// At the end, every line some file still holds must have arrived exactly
// once, and everything that arrived must be a written line, in the order
// written. (Lines written between logrotate's copy and its truncation are
// in no file: logrotate itself loses them, so they may be missing, but
// never repeated.)
//
// A failure names the trial's seed and shows its steps; EDGELOG_SWEEP_TRIALS
// sets the number of trials per kind (default 250), EDGELOG_SWEEP_SEED runs
// that one trial, EDGELOG_SWEEP_LIST=1 lists every failing seed.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "agent/tail/tailer.h"
#include "tests/agent/tail/tailer_scenarios_fixture.h"

namespace edgelog::tailer_scenarios {
namespace {

constexpr char kApp[] = "/logs/app.log";

// What the sweep covers by default. Two or more rotations in one trial
// (EDGELOG_SWEEP_ROTATIONS=2), and restarts (EDGELOG_SWEEP_RESTARTS=1),
// still find lines lost, repeated or out of order when rotations follow
// each other faster than the agent reads: open work.
constexpr int kMaxRotations = 1;
constexpr bool kRestarts = false;

int EnvInt(const char* name, int otherwise) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::atoi(v) : otherwise;
}

// kMixed: each rotation one or the other, as when an operator changes
// logrotate's configuration (and as the integration storm rotates).
enum class Mode { kCreate, kCopytruncate, kMixed };

const char* ModeName(Mode m) {
  switch (m) {
    case Mode::kCreate: return "Create";
    case Mode::kCopytruncate: return "Copytruncate";
    case Mode::kMixed: return "Mixed";
  }
  return "";
}

struct Kind {
  Mode mode;
  bool glob;
};

std::string NameOf(const Kind& k) {
  const char* mode = k.mode == Mode::kCreate         ? "create"
                     : k.mode == Mode::kCopytruncate ? "copytruncate"
                                                     : "create or copytruncate";
  return std::string(mode) +
         (k.glob ? " under app.log*" : " of the exact path");
}

int TrialsPerKind() {
  const char* v = std::getenv("EDGELOG_SWEEP_TRIALS");
  int n = v != nullptr ? std::atoi(v) : 0;
  return n > 0 ? n : 250;
}

// One trial: its own files, agent and random choices.
class Trial : public TailerScenario {
 public:
  Trial(Kind kind, uint32_t seed) : kind_(kind), rng_(seed) {}
  Trial(Kind kind, uint32_t seed, int rotations, bool restarts) : Trial(kind, seed) {
    max_rotations_ = rotations;
    restarts_ = restarts;
  }
  void TestBody() override {}

  // Runs the trial; "" when it held, else what went wrong and its steps.
  std::string Run() {
    options_.read_chunk_bytes = Pick({64, 700, 4096, 256 << 10});
    options_.rotated_quiet_ms = Pick({1000, 5000});
    Note("(read chunks of " + std::to_string(options_.read_chunk_bytes) + " bytes; rotated files quiet " +
         std::to_string(options_.rotated_quiet_ms) + " ms)");
    env_.CreateDirs("/logs").IgnoreError();
    OpenWriter();
    WriteLines(Between(0, 5));
    Start({kind_.glob ? std::string(kApp) + "*" : std::string(kApp)});
    int rotations = 0;
    const int steps = Between(20, 160);
    for (int i = 0; i < steps; ++i) {
      int roll = Between(0, 99);
      if (roll < 35) {
        WriteLines(Between(1, 4));
      } else if (roll < 55) {
        PartRead();
      } else if (roll < 70) {
        ReopenBeforeTimePasses();
        Note("pass");
        Pass();
      } else if (roll < 75) {
        Note("discover");
        tailer_->Discover();
      } else if (roll < 80) {
        ReopenBeforeTimePasses();
        Note("time +" + std::to_string(kPassMs) + " ms");
        now_ += kPassMs;
      } else if (roll < 83 && restarts_) {
        Note("agent stops and starts again");
        StopAndStartAgain();
      } else if (roll < 90 && reopen_pending_) {
        Note("the application reopens app.log");
        OpenWriter();
      } else if (rotations < max_rotations_) {
        ++rotations;
        Rotate();
      }
    }
    ReopenBeforeTimePasses();
    WriteLines(Between(0, 3));
    Note("settle");
    Settle();
    Shutdown();
    return Check();
  }

 private:
  int Between(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  template <typename T>
  T Pick(std::initializer_list<T> choices) {
    return *(choices.begin() + Between(0, static_cast<int>(choices.size()) - 1));
  }
  void Note(const std::string& step) { steps_ += "  " + step + "\n"; }

  std::string LineFor(int seq) {
    int pad = seq % 13 == 0 ? 1500 + seq % 700 : seq % 40;  // some cross 1 KiB
    return "seq=" + std::to_string(1000000 + seq) + " " + std::string(pad, 'a' + seq % 7);
  }

  // postrotate tells the application at once: it writes to the renamed
  // file for moments, not for the seconds after which the agent judges a
  // renamed file done.
  void ReopenBeforeTimePasses() {
    if (!reopen_pending_) return;
    Note("the application reopens app.log");
    OpenWriter();
  }
  void OpenWriter() {
    auto file = env_.OpenWritable(kApp, WriteMode::kAppend);
    ASSERT_TRUE(file.ok());
    writer_ = std::move(*file);
    reopen_pending_ = false;
  }
  void WriteLines(int n) {
    if (n == 0) return;
    Note("write " + std::to_string(n) + " lines from " + std::to_string(next_seq_));
    for (int i = 0; i < n; ++i) {
      written_.push_back(LineFor(next_seq_++));
      ASSERT_TRUE(writer_->Append(written_.back() + "\n").ok());
    }
  }
  void PartRead() {
    size_t max = static_cast<size_t>(Between(1, 3000));
    Note("read up to " + std::to_string(max) + " bytes");
    tailer_->Read(max, At(now_), sink_);
  }
  // Either of the agent's moves, or none, in the middle of a rotation.
  void MaybeAgentStep() {
    int roll = Between(0, 9);
    if (roll < 3) {
      PartRead();
    } else if (roll < 5) {
      ReopenBeforeTimePasses();
      Note("pass");
      Pass();
    } else if (roll < 6) {
      Note("discover");
      tailer_->Discover();
    }
  }
  void ShiftGenerations() {
    int top = 1;
    while (env_.Exists(std::string(kApp) + "." + std::to_string(top))) ++top;
    for (int n = top - 1; n >= 1; --n) {
      Rename(std::string(kApp) + "." + std::to_string(n),
             std::string(kApp) + "." + std::to_string(n + 1));
    }
  }
  void Rotate() {
    ReopenBeforeTimePasses();  // postrotate of the last rotation ran
    Mode mode = kind_.mode;
    if (mode == Mode::kMixed) mode = Between(0, 1) == 0 ? Mode::kCreate : Mode::kCopytruncate;
    Note(mode == Mode::kCreate ? "rotate (create)" : "rotate (copytruncate)");
    ShiftGenerations();
    const std::string dot1 = std::string(kApp) + ".1";
    if (mode == Mode::kCreate) {
      Rename(kApp, dot1);
      env_.WriteFile(kApp, "");
      reopen_pending_ = true;  // the application writes to app.log.1 till then
      return;
    }
    // The copy is created empty and filled in reads; the application may
    // write meanwhile, and between the copy's end and the truncation.
    std::string data = env_.ReadFile(kApp);
    size_t first = static_cast<size_t>(Between(0, static_cast<int>(data.size())));
    Note("  copy begun: " + std::to_string(first) + " of " + std::to_string(data.size()) +
         " bytes");
    env_.WriteFile(dot1, data.substr(0, first));
    auto finish_copy = [this, dot1, first] {
      auto copy = env_.OpenWritable(dot1, WriteMode::kAppend);
      ASSERT_TRUE(copy.ok());
      ASSERT_TRUE((*copy)->Append(env_.ReadFile(kApp).substr(first)).ok());
      ASSERT_TRUE((*copy)->Close().ok());
    };
    bool done = false;
    if (Between(0, 2) == 0) {
      // The rest arrives in the middle of the agent's next step: after
      // its nth look at an open file, before what it does next.
      int looks = Between(1, 6);
      env_.set_after_descriptor_stat([&done, looks, finish_copy](const FileInfo&) mutable {
        if (done || --looks > 0) return;
        done = true;
        finish_copy();
      });
      Note("  (the copy is finished in the middle of the agent's next step)");
    }
    MaybeAgentStep();
    env_.set_after_descriptor_stat(nullptr);
    if (!done) {
      if (Between(0, 2) == 0) WriteLines(Between(1, 3));
      finish_copy();
    }
    Note("  copy done");
    MaybeAgentStep();
    if (Between(0, 3) == 0) WriteLines(Between(1, 2));  // lost by logrotate itself
    Note("  truncate");
    TruncateInPlace(kApp);
  }

  std::string Check() {
    std::map<std::string, int> seq_of;
    for (size_t i = 0; i < written_.size(); ++i) seq_of[written_[i]] = static_cast<int>(i);
    std::set<int> in_files;
    auto names = env_.ListDir("/logs");
    for (const std::string& name : names.ok() ? *names : std::vector<std::string>{}) {
      std::string data = env_.ReadFile("/logs/" + name);
      size_t start = 0;
      for (size_t nl; (nl = data.find('\n', start)) != std::string::npos; start = nl + 1) {
        auto it = seq_of.find(data.substr(start, nl - start));
        if (it != seq_of.end()) in_files.insert(it->second);
      }
    }
    std::string wrong;
    std::set<int> arrived;
    int last = -1;
    for (const std::string& m : Messages()) {
      auto it = seq_of.find(m);
      if (it == seq_of.end()) {
        wrong += "  not a written line: " + m.substr(0, 40) + "\n";
        continue;
      }
      int seq = it->second;
      if (!arrived.insert(seq).second) wrong += "  repeated: " + std::to_string(seq) + "\n";
      if (seq < last) {
        wrong += "  out of order: " + std::to_string(seq) + " after " + std::to_string(last) +
                 "\n";
      }
      last = std::max(last, seq);
    }
    for (int seq : in_files) {
      if (arrived.count(seq) == 0) wrong += "  lost: " + std::to_string(seq) + "\n";
    }
    if (wrong.empty()) return "";
    return wrong + "steps:\n" + steps_ + "agent log:\n" + AgentLog();
  }

  std::string AgentLog() const {
    std::string text;
    for (const auto& line : log_.lines()) text += "  " + line.text + "\n";
    return text;
  }

  Kind kind_;
  int max_rotations_ = EnvInt("EDGELOG_SWEEP_ROTATIONS", kMaxRotations);
  bool restarts_ = EnvInt("EDGELOG_SWEEP_RESTARTS", kRestarts ? 1 : 0) != 0;
  std::mt19937 rng_;
  std::unique_ptr<WritableFile> writer_;
  bool reopen_pending_ = false;
  int next_seq_ = 0;
  std::vector<std::string> written_;
  std::string steps_;
};

class TailerRotationSweep : public ::testing::TestWithParam<Kind> {};

TEST_P(TailerRotationSweep, EveryLineInAFileArrivesOnceAndInOrder) {
  const char* only = std::getenv("EDGELOG_SWEEP_SEED");
  const int trials = only != nullptr ? 1 : TrialsPerKind();
  const bool list = EnvInt("EDGELOG_SWEEP_LIST", 0) != 0;  // every failing seed
  int failed = 0;
  for (int t = 0; t < trials; ++t) {
    uint32_t seed = only != nullptr ? static_cast<uint32_t>(std::strtoul(only, nullptr, 10))
                                    : static_cast<uint32_t>(t) * 7919u + 17u;
    Trial trial(GetParam(), seed);
    std::string wrong = trial.Run();
    if (!wrong.empty() && ++failed <= 3) {
      ADD_FAILURE() << NameOf(GetParam()) << ", seed " << seed << ":\n" << wrong;
    }
    if (!wrong.empty() && list) {  // seed, lines of report: the shortest first to study
      std::printf("    failed: seed %u, %zu report lines\n", seed,
                  static_cast<size_t>(std::count(wrong.begin(), wrong.end(), '\n')));
    }
  }
  std::printf("    %s: %d trials, %d failed\n", NameOf(GetParam()).c_str(), trials, failed);
}

// Trials that once failed, with the rotations they need: each found a fault
// fixed since (rotations piling up unseen, as on a loaded host).
struct PastFailure {
  Kind kind;
  int rotations;
  uint32_t seed;
  bool restarts = false;
};

TEST(TailerRotationSweepPastFailures, HoldNow) {
  const Kind create{Mode::kCreate, false};
  const Kind ct{Mode::kCopytruncate, false};
  const Kind ct_glob{Mode::kCopytruncate, true};
  const Kind mixed{Mode::kMixed, false};
  const Kind mixed_glob{Mode::kMixed, true};
  const PastFailure past[] = {
      {create, 3, 3888246},     // a generation found late, read after a newer one
      {create, 3, 6786600},     // ... after one renamed away empty and written since
      {mixed, 2, 6430245},      // a file taken for its own copy: a line cut in two
      {mixed, 2, 593942},       // a file open followed again as a missed generation
      {mixed, 2, 1377923},      // a copy of a new file read as a generation
      {mixed_glob, 2, 6454002}, // a copy of a file renamed since read as a file of its own
      {ct_glob, 2, 11775570},   // a copy made after a start over read as a file of its own
      {ct_glob, 2, 10144256},   // a held copy read before an older one
      {mixed, 2, 15552933},     // an empty copy begun taken for a generation
      {ct, 3, 14357164},        // a held copy shifted to NAME.2 before the file's first read
      {ct, 1, 403886, true},    // a line cut by a stop, its file truncated, nothing handed on
      {mixed, 3, 4672227},      // a newer generation taken for one copied away before a truncation
      {ct_glob, 2, 1069082},    // copies of a file emptied before its first read, read newest first
      {ct, 3, 3619000},         // ... a held one after one found later
      {mixed_glob, 2, 15679637}, // the copy of a file renamed since not found at its truncation
      {mixed, 3, 665213},       // the empty copy begun of the next file held for a renamed one
      {create, 2, 23598637},    // a file renamed empty, placed before its elder, written later
  };
  for (const PastFailure& p : past) {
    Trial trial(p.kind, p.seed, p.rotations, p.restarts);
    std::string wrong = trial.Run();
    EXPECT_EQ("", wrong) << NameOf(p.kind) << ", " << p.rotations << " rotations"
                         << (p.restarts ? ", restarts" : "") << ", seed " << p.seed;
  }
}

INSTANTIATE_TEST_SUITE_P(Kinds, TailerRotationSweep,
                         ::testing::Values(Kind{Mode::kCreate, false}, Kind{Mode::kCreate, true},
                                           Kind{Mode::kCopytruncate, false},
                                           Kind{Mode::kCopytruncate, true},
                                           Kind{Mode::kMixed, false}, Kind{Mode::kMixed, true}),
                         [](const auto& info) {
                           return std::string(ModeName(info.param.mode)) +
                                  (info.param.glob ? "Glob" : "ExactPath");
                         });

}  // namespace
}  // namespace edgelog::tailer_scenarios
