// TailerTest: a Tailer over a MemEnv whose records land in a RecordingSink,
// shared by the tailer_*_test.cc files.
#ifndef EDGELOG_TESTS_AGENT_TAIL_TAILER_TEST_FIXTURE_H_
#define EDGELOG_TESTS_AGENT_TAIL_TAILER_TEST_FIXTURE_H_

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "agent/tail/tailer.h"
#include "tests/support/capture_logger.h"
#include "tests/support/mem_env.h"

namespace edgelog::tailer_test {

using testing::CaptureLogger;
using testing::MemEnv;

inline constexpr int64_t kNow = 1768473000000;

// Both clocks at `ms` (tests of a clock step give them apart).
inline TailTime At(int64_t ms) { return TailTime{ms, ms}; }

// What the tailer handed over, in order.
struct Seen {
  bool skipped = false;  // OnSkipped rather than OnRecord
  uint32_t source = 0;
  std::string message;
  uint64_t end_offset = 0;
  int64_t timestamp_ms = 0;
};

class RecordingSink : public RecordSink {
 public:
  void OnRecord(const Record& r) override {
    seen.push_back({false, r.source, std::string(r.message), r.end_offset, r.timestamp_ms});
  }
  void OnSkipped(uint32_t source, uint64_t end_offset) override {
    seen.push_back({true, source, "", end_offset, 0});
  }
  void OnRejected(const Record& r, std::string_view reason) override {
    rejected.push_back({std::string(r.message), std::string(reason)});
    seen.push_back({true, r.source, "", r.end_offset, r.timestamp_ms});
  }

  std::vector<std::string> Messages() const {
    std::vector<std::string> out;
    for (const Seen& s : seen) {
      if (!s.skipped) out.push_back(s.message);
    }
    return out;
  }
  std::vector<Seen> Records() const {
    std::vector<Seen> out;
    for (const Seen& s : seen) {
      if (!s.skipped) out.push_back(s);
    }
    return out;
  }
  void Clear() {
    seen.clear();
    rejected.clear();
  }

  std::vector<Seen> seen;
  std::vector<std::pair<std::string, std::string>> rejected;  // message, reason
};

using Lines = std::vector<std::string>;

class TailerTest : public ::testing::Test {
 protected:
  void Start(std::vector<std::string> patterns, std::vector<Checkpoint> checkpoints = {}) {
    tailer_ = std::make_unique<Tailer>(env_, log_, std::move(patterns),
                                       std::move(checkpoints), TailerOptions{});
    tailer_->Discover();
  }
  // Reads until the tailer has nothing new.
  size_t ReadAll() {
    size_t total = 0;
    for (int i = 0; i < 100; ++i) {
      size_t n = tailer_->Read(8 << 20, At(kNow), sink_);
      if (n == 0) return total;
      total += n;
    }
    ADD_FAILURE() << "Read never ran out of data";
    return total;
  }
  FileId IdOf(const std::string& path) {
    auto info = env_.Stat(path);
    EXPECT_TRUE(info.ok()) << path;
    return info.ok() ? info->id : FileId{};
  }

  MemEnv env_;
  CaptureLogger log_;
  RecordingSink sink_;
  std::unique_ptr<Tailer> tailer_;
};

}  // namespace edgelog::tailer_test

#endif  // EDGELOG_TESTS_AGENT_TAIL_TAILER_TEST_FIXTURE_H_
