// SpoolTest: a spool over a MemEnv, with batches whose bodies tell which
// batch they are, shared by the spool_*_test.cc files.
#ifndef EDGELOG_TESTS_AGENT_SPOOL_SPOOL_TEST_FIXTURE_H_
#define EDGELOG_TESTS_AGENT_SPOOL_SPOOL_TEST_FIXTURE_H_

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "agent/spool/spool.h"
#include "agent/spool/spool_format.h"
#include "tests/support/capture_logger.h"
#include "tests/support/fake_clock.h"
#include "tests/support/mem_env.h"

namespace edgelog {

inline void PrintTo(SegmentState state, std::ostream* os) {
  switch (state) {
    case SegmentState::kClean: *os << "kClean"; return;
    case SegmentState::kTornTail: *os << "kTornTail"; return;
    case SegmentState::kCorrupt: *os << "kCorrupt"; return;
  }
  *os << "SegmentState(" << static_cast<int>(state) << ")";
}

namespace spool_test {

using testing::CaptureLogger;
using testing::FakeClock;
using testing::MemEnv;

inline constexpr char kDir[] = "/state/buffer";
inline constexpr char kCorruptDir[] = "/state/buffer/corrupt";

// A body of `size` bytes that starts with "batch <id>:" and goes on with
// bytes derived from `id` (all 256 values occur), so that a body names its
// batch and two batches never share one.
inline std::string BodyFor(int id, size_t size) {
  std::string body = "batch " + std::to_string(id) + ":";
  uint64_t x = 0x9E3779B97F4A7C15ull * static_cast<uint64_t>(id + 1);
  while (body.size() < size) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    body.push_back(static_cast<char>(x & 0xff));
  }
  return body;
}

inline SpooledBatch MakeBatch(int id, size_t body_bytes = 200) {
  SpooledBatch b;
  b.group = "/app/group-" + std::to_string(id % 3);
  b.stream = "host-" + std::to_string(id % 2);
  b.event_count = static_cast<uint32_t>(id + 1);
  b.api_bytes = static_cast<uint32_t>(body_bytes + 26);
  b.min_timestamp_ms = 1768473000000 + id;
  b.max_timestamp_ms = 1768473000000 + id * 2;
  b.body = BodyFor(id, body_bytes);
  return b;
}

// Bytes the record of `b` takes on disk.
inline uint64_t RecordBytes(const SpooledBatch& b) {
  return kRecordHeaderBytes + EncodeBatch(b).size();
}

// Everything but the sequence number matches.
inline bool SameContents(const SpooledBatch& a, const SpooledBatch& b) {
  return a.group == b.group && a.stream == b.stream && a.event_count == b.event_count &&
         a.api_bytes == b.api_bytes && a.min_timestamp_ms == b.min_timestamp_ms &&
         a.max_timestamp_ms == b.max_timestamp_ms && a.body == b.body;
}

// The id a body names ("batch 12:..." → 12), or -1.
inline int IdOf(const std::string& body) {
  if (body.compare(0, 6, "batch ") != 0) return -1;
  size_t colon = body.find(':');
  if (colon == std::string::npos || colon == 6) return -1;
  int id = 0;
  for (size_t i = 6; i < colon; ++i) {
    if (body[i] < '0' || body[i] > '9') return -1;
    id = id * 10 + (body[i] - '0');
  }
  return id;
}

inline std::string Join(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& l : lines) out += "\n  " + l;
  return out;
}

class SpoolTest : public ::testing::Test {
 protected:
  SpoolTest() { options_.segment_bytes = 1 << 20; }

  // Opens the spool of kDir over `env` (env_ by default); null on failure,
  // which fails the test.
  std::unique_ptr<Spool> Open(Env* env = nullptr) {
    auto spool = Spool::Open(env ? *env : env_, clock_, log_, kDir, options_);
    EXPECT_TRUE(spool.ok()) << spool.status().ToString();
    return spool.ok() ? std::move(*spool) : nullptr;
  }

  // Appends batches `ids` and syncs them; returns their sequence numbers.
  std::vector<uint64_t> AppendAndSync(Spool& spool, const std::vector<int>& ids,
                                      size_t body_bytes = 200) {
    std::vector<uint64_t> seqs;
    for (int id : ids) {
      auto seq = spool.Append(MakeBatch(id, body_bytes));
      EXPECT_TRUE(seq.ok()) << seq.status().ToString();
      if (seq.ok()) seqs.push_back(*seq);
    }
    auto synced = spool.Sync();
    EXPECT_TRUE(synced.ok()) << synced.status().ToString();
    return seqs;
  }

  // Takes every ready batch, oldest first.
  static std::vector<SpooledBatch> TakeAll(Spool& spool) {
    std::vector<SpooledBatch> out;
    while (auto b = spool.TakeNext()) out.push_back(std::move(*b));
    return out;
  }

  // The ids the bodies of `batches` name, in order.
  static std::vector<int> Ids(const std::vector<SpooledBatch>& batches) {
    std::vector<int> ids;
    for (const SpooledBatch& b : batches) ids.push_back(IdOf(b.body));
    return ids;
  }

  // Segment file names in `dir`, sorted.
  std::vector<std::string> Segments(const std::string& dir = kDir) {
    std::vector<std::string> out;
    auto names = env_.ListDir(dir);
    if (!names.ok()) return out;
    for (const std::string& n : *names) {
      if (n.size() > 4 && n.compare(n.size() - 4, 4, ".seg") == 0) out.push_back(n);
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  std::string SegmentPath(const std::string& name) const {
    return std::string(kDir) + "/" + name;
  }

  MemEnv env_;
  FakeClock clock_;
  CaptureLogger log_;
  SpoolOptions options_;
};

}  // namespace spool_test
}  // namespace edgelog

#endif  // EDGELOG_TESTS_AGENT_SPOOL_SPOOL_TEST_FIXTURE_H_
