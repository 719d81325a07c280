// Helpers shared by the batcher_*_test.cc files: streams, options, adding
// events, and reading sealed batches back.
#ifndef EDGELOG_TESTS_AGENT_BATCH_BATCHER_TEST_FIXTURE_H_
#define EDGELOG_TESTS_AGENT_BATCH_BATCHER_TEST_FIXTURE_H_

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "agent/batch/batcher.h"
#include "agent/batch/payload.h"

namespace edgelog::batcher_test {
// A target with only group and stream set.
inline LogStreamTarget Target(std::string group, std::string stream) {
  LogStreamTarget t;
  t.group = std::move(group);
  t.stream = std::move(stream);
  return t;
}

inline constexpr int64_t kT0 = 1700000000000;  // a plausible event time
inline constexpr int64_t kInterval = 5000;
inline constexpr int64_t kDay = 24LL * 3600 * 1000;

inline BatcherOptions Options(int64_t flush_interval_ms = kInterval) {
  BatcherOptions o;
  o.flush_interval_ms = flush_interval_ms;
  return o;
}

inline std::vector<LogStreamTarget> Targets(int n) {
  std::vector<LogStreamTarget> out;
  for (int i = 0; i < n; ++i) {
    out.push_back(Target("/edgelog/group", "stream-" + std::to_string(i)));
  }
  return out;
}

// Adds one event and expects success; returns the batch id.
inline uint64_t MustAdd(Batcher& b, uint32_t stream, int64_t ts, std::string_view msg,
                 int64_t now = 0) {
  auto id = b.Add(stream, ts, msg, now);
  EXPECT_TRUE(id.ok()) << id.status().ToString();
  return id.ok() ? *id : 0;
}

inline std::vector<Batch> PopAll(Batcher& b) {
  std::vector<Batch> out;
  while (b.HasSealed()) out.push_back(b.PopSealed());
  return out;
}

inline std::string Gunzip(const Batch& batch) {
  auto json = GunzipBody(batch.body, 64 << 20);
  EXPECT_TRUE(json.ok()) << json.status().ToString();
  return json.ok() ? *json : "";
}

inline std::vector<ParsedEvent> EventsOf(const Batch& batch) {
  auto events = ParseEvents(Gunzip(batch));
  EXPECT_TRUE(events.ok()) << events.status().ToString();
  return events.ok() ? *events : std::vector<ParsedEvent>{};
}

}  // namespace edgelog::batcher_test

#endif  // EDGELOG_TESTS_AGENT_BATCH_BATCHER_TEST_FIXTURE_H_
