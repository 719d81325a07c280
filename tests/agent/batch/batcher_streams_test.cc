#include "agent/batch/batcher.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "agent/base/cloudwatch_limits.h"
#include "tests/agent/batch/batcher_test_fixture.h"

namespace edgelog {
namespace {

using batcher_test::EventsOf;
using batcher_test::Gunzip;
using batcher_test::kDay;
using batcher_test::kT0;
using batcher_test::MustAdd;
using batcher_test::Options;
using batcher_test::PopAll;
using batcher_test::Targets;

// --- several streams ---------------------------------------------------------

TEST(BatcherTest, StreamsBatchIndependently) {
  Batcher b(Targets(2), Options());
  uint64_t a = MustAdd(b, 0, kT0, "to stream 0");
  uint64_t c = MustAdd(b, 1, kT0, "to stream 1");
  EXPECT_NE(a, c);
  ASSERT_TRUE(b.SealAll().ok());
  std::vector<Batch> batches = PopAll(b);
  ASSERT_EQ(2u, batches.size());
  for (const Batch& batch : batches) {
    std::vector<ParsedEvent> events = EventsOf(batch);
    ASSERT_EQ(1u, events.size());
    EXPECT_EQ("to stream " + std::to_string(batch.stream), events[0].message);
    std::string json = Gunzip(batch);
    EXPECT_NE(std::string::npos,
              json.find("\"logStreamName\":\"stream-" + std::to_string(batch.stream) + "\""));
  }
}

TEST(BatcherTest, LimitOfOneStreamDoesNotSealAnother) {
  Batcher b(Targets(2), Options());
  uint64_t other = MustAdd(b, 1, kT0, "waiting");
  for (int i = 0; i < 10001; ++i) MustAdd(b, 0, kT0, "x");
  std::vector<Batch> batches = PopAll(b);
  ASSERT_EQ(1u, batches.size());
  EXPECT_EQ(0u, batches[0].stream);
  EXPECT_EQ(other, MustAdd(b, 1, kT0 + kDay, "still the same batch"));
}

TEST(BatcherTest, SpanOfOneStreamIsIndependentOfAnother) {
  Batcher b(Targets(2), Options());
  uint64_t a = MustAdd(b, 0, kT0, "x");
  MustAdd(b, 1, kT0 + 10 * kDay, "far away on another stream");
  EXPECT_EQ(a, MustAdd(b, 0, kT0 + 1, "y"));
}

TEST(BatcherTest, TargetsAreKeptInOrder) {
  Batcher b(Targets(3), Options());
  EXPECT_EQ(3u, b.stream_count());
  EXPECT_EQ("stream-2", b.target(2).stream);
  EXPECT_EQ("/edgelog/group", b.target(0).group);
}

// --- ids and accounting ------------------------------------------------------

TEST(BatcherTest, BatchIdsIncreaseInSealingOrder) {
  Batcher b(Targets(1), Options());
  for (int i = 0; i < 5; ++i) {
    MustAdd(b, 0, kT0, "x");
    ASSERT_TRUE(b.SealAll().ok());
  }
  std::vector<Batch> batches = PopAll(b);
  ASSERT_EQ(5u, batches.size());
  for (size_t i = 1; i < batches.size(); ++i) {
    EXPECT_GT(batches[i].id, batches[i - 1].id);
  }
}

TEST(BatcherTest, BatchIdsIncreaseWithinAStreamWhateverOtherStreamsDo) {
  // Header: "unique; increasing within a stream". Ids are given when a batch
  // opens, so across streams they follow opening order, not sealing order.
  Batcher b(Targets(2), Options());
  MustAdd(b, 0, kT0, "opened first, sealed last");
  for (int i = 0; i < 10000; ++i) MustAdd(b, 1, kT0, "x");
  MustAdd(b, 1, kT0, "second batch of stream 1");
  ASSERT_TRUE(b.SealAll().ok());
  std::vector<Batch> batches = PopAll(b);
  ASSERT_EQ(3u, batches.size());
  std::vector<uint64_t> stream1;
  for (const Batch& batch : batches) {
    if (batch.stream == 1) stream1.push_back(batch.id);
  }
  ASSERT_EQ(2u, stream1.size());
  EXPECT_LT(stream1[0], stream1[1]);
}

TEST(BatcherTest, BatchIdsAreUniqueAcrossStreams) {
  Batcher b(Targets(3), Options());
  std::vector<uint64_t> ids;
  for (int round = 0; round < 4; ++round) {
    for (uint32_t s = 0; s < 3; ++s) ids.push_back(MustAdd(b, s, kT0, "x"));
    ASSERT_TRUE(b.SealAll().ok());
  }
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(ids.end(), std::adjacent_find(ids.begin(), ids.end()));
  EXPECT_EQ(12u, PopAll(b).size());
}

TEST(BatcherTest, SealedBytesAreTheCompressedBodiesWaiting) {
  Batcher b(Targets(2), Options());
  MustAdd(b, 0, kT0, std::string(5000, 'a'));
  MustAdd(b, 1, kT0, "short");
  ASSERT_TRUE(b.SealAll().ok());
  ASSERT_TRUE(b.HasSealed());
  size_t waiting = b.sealed_bytes();
  Batch first = b.PopSealed();
  EXPECT_EQ(waiting - first.body.size(), b.sealed_bytes());
  Batch second = b.PopSealed();
  EXPECT_EQ(waiting, first.body.size() + second.body.size());
  EXPECT_EQ(0u, b.sealed_bytes());
  EXPECT_FALSE(b.HasSealed());
}

TEST(BatcherTest, OpenBytesDropToZeroWhenSealed) {
  Batcher b(Targets(2), Options());
  EXPECT_EQ(0u, b.open_bytes());
  MustAdd(b, 0, kT0, "abc");
  size_t one = b.open_bytes();
  EXPECT_GE(one, 3u);
  MustAdd(b, 1, kT0, "defgh");
  EXPECT_GT(b.open_bytes(), one);
  ASSERT_TRUE(b.SealAll().ok());
  EXPECT_EQ(0u, b.open_bytes());
}

TEST(BatcherTest, BatchDescribesItsContents) {
  Batcher b(Targets(1), Options());
  MustAdd(b, 0, kT0 + 7, "hello");
  MustAdd(b, 0, kT0 + 3, "w\xC3\xB6rld");
  ASSERT_TRUE(b.SealAll().ok());
  Batch batch = b.PopSealed();
  EXPECT_EQ(0u, batch.stream);
  EXPECT_EQ(2u, batch.event_count);
  EXPECT_EQ(5u + 6u + 2 * kEventOverheadBytes, batch.api_bytes);
  EXPECT_EQ(Gunzip(batch).size(), batch.json_bytes);
  EXPECT_EQ(kT0 + 3, batch.min_timestamp_ms);
  EXPECT_EQ(kT0 + 7, batch.max_timestamp_ms);
}

}  // namespace
}  // namespace edgelog
