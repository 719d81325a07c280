#include "agent/batch/batcher.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "agent/base/cloudwatch_limits.h"
#include "tests/agent/batch/batcher_test_fixture.h"

namespace edgelog {
namespace {

using batcher_test::EventsOf;
using batcher_test::kDay;
using batcher_test::kT0;
using batcher_test::MustAdd;
using batcher_test::Options;
using batcher_test::PopAll;
using batcher_test::Targets;

// --- the count limit ---------------------------------------------------------

TEST(BatcherTest, TenThousandEventsFitInOneBatch) {
  Batcher b(Targets(1), Options());
  uint64_t id = MustAdd(b, 0, kT0, "e0");
  for (int i = 1; i < 10000; ++i) {
    ASSERT_EQ(id, MustAdd(b, 0, kT0, "e" + std::to_string(i))) << "event " << i;
  }
  ASSERT_TRUE(b.SealAll().ok());
  std::vector<Batch> batches = PopAll(b);
  ASSERT_EQ(1u, batches.size());
  EXPECT_EQ(kMaxEventsPerRequest, batches[0].event_count);
  std::vector<ParsedEvent> events = EventsOf(batches[0]);
  ASSERT_EQ(10000u, events.size());
  EXPECT_EQ("e9999", events.back().message);
}

TEST(BatcherTest, TenThousandAndFirstEventStartsANewBatch) {
  Batcher b(Targets(1), Options());
  uint64_t first = 0;
  for (int i = 0; i < 10000; ++i) first = MustAdd(b, 0, kT0, "x");
  uint64_t next = MustAdd(b, 0, kT0, "the 10001st");
  EXPECT_NE(first, next);
  ASSERT_TRUE(b.SealAll().ok());
  std::vector<Batch> batches = PopAll(b);
  ASSERT_EQ(2u, batches.size());
  EXPECT_EQ(10000u, batches[0].event_count);
  EXPECT_EQ(1u, batches[1].event_count);
  EXPECT_EQ("the 10001st", EventsOf(batches[1]).at(0).message);
}

// --- the byte limit ----------------------------------------------------------

TEST(BatcherTest, EventsFillingExactlyTheRequestBytesFitInOneBatch) {
  // 1024 events of 998 bytes: 1024 * (998 + 26) = 1,048,576.
  Batcher b(Targets(1), Options());
  const std::string msg(998, 'm');
  uint64_t id = MustAdd(b, 0, kT0, msg);
  for (int i = 1; i < 1024; ++i) ASSERT_EQ(id, MustAdd(b, 0, kT0, msg)) << "event " << i;
  ASSERT_TRUE(b.SealAll().ok());
  std::vector<Batch> batches = PopAll(b);
  ASSERT_EQ(1u, batches.size());
  EXPECT_EQ(kMaxRequestBytes, batches[0].api_bytes);
  EXPECT_EQ(1024u, batches[0].event_count);
}

TEST(BatcherTest, OneByteOverTheRequestBytesStartsANewBatch) {
  // 1023 events of 998 bytes and one of 999: one byte too many.
  Batcher b(Targets(1), Options());
  const std::string msg(998, 'm');
  uint64_t id = 0;
  for (int i = 0; i < 1023; ++i) id = MustAdd(b, 0, kT0, msg);
  uint64_t last = MustAdd(b, 0, kT0, std::string(999, 'n'));
  EXPECT_NE(id, last);
  ASSERT_TRUE(b.SealAll().ok());
  std::vector<Batch> batches = PopAll(b);
  ASSERT_EQ(2u, batches.size());
  EXPECT_EQ(1023u * 1024u, batches[0].api_bytes);
  EXPECT_EQ(999u + kEventOverheadBytes, batches[1].api_bytes);
}

TEST(BatcherTest, EventAfterAFullBatchOfBytesStartsANewBatch) {
  Batcher b(Targets(1), Options());
  const std::string msg(998, 'm');
  uint64_t id = 0;
  for (int i = 0; i < 1024; ++i) id = MustAdd(b, 0, kT0, msg);
  EXPECT_NE(id, MustAdd(b, 0, kT0, "1"));
}

TEST(BatcherTest, LargestMessageFillsABatchAlone) {
  Batcher b(Targets(1), Options());
  const std::string big(kMaxEventMessageBytes, 'b');
  uint64_t id = MustAdd(b, 0, kT0, big);
  EXPECT_NE(id, MustAdd(b, 0, kT0, "x"));
  ASSERT_TRUE(b.SealAll().ok());
  std::vector<Batch> batches = PopAll(b);
  ASSERT_EQ(2u, batches.size());
  EXPECT_EQ(kMaxRequestBytes, batches[0].api_bytes);
  EXPECT_EQ(big, EventsOf(batches[0]).at(0).message);
}

TEST(BatcherTest, RequestBytesCountRawMessageBytesNotEscapedJson) {
  // A quote takes two bytes in JSON but counts as one, as the API counts.
  Batcher b(Targets(1), Options());
  const std::string quotes(998, '"');
  uint64_t id = MustAdd(b, 0, kT0, quotes);
  for (int i = 1; i < 1024; ++i) ASSERT_EQ(id, MustAdd(b, 0, kT0, quotes)) << "event " << i;
  ASSERT_TRUE(b.SealAll().ok());
  std::vector<Batch> batches = PopAll(b);
  ASSERT_EQ(1u, batches.size());
  EXPECT_EQ(kMaxRequestBytes, batches[0].api_bytes);
  EXPECT_GT(batches[0].json_bytes, 2u * 998u * 1024u);
}

TEST(BatcherTest, RequestBytesCountUtf8BytesNotCharacters) {
  Batcher b(Targets(1), Options());
  MustAdd(b, 0, kT0, "\xF0\x9F\x98\x80");  // one character, four bytes
  MustAdd(b, 0, kT0, "\xC3\xA9");
  ASSERT_TRUE(b.SealAll().ok());
  EXPECT_EQ(4u + 2u + 2 * kEventOverheadBytes, b.PopSealed().api_bytes);
}

// --- the 24-hour span --------------------------------------------------------

TEST(BatcherTest, EventsExactlyTwentyFourHoursApartFitInOneBatch) {
  Batcher b(Targets(1), Options());
  uint64_t id = MustAdd(b, 0, kT0, "first");
  EXPECT_EQ(id, MustAdd(b, 0, kT0 + kDay, "last"));
  EXPECT_EQ(id, MustAdd(b, 0, kT0 + kDay / 2, "middle"));
}

TEST(BatcherTest, EventOneMillisecondPastTwentyFourHoursStartsANewBatch) {
  Batcher b(Targets(1), Options());
  uint64_t id = MustAdd(b, 0, kT0, "first");
  EXPECT_NE(id, MustAdd(b, 0, kT0 + kDay + 1, "too late"));
  ASSERT_TRUE(b.SealAll().ok());
  std::vector<Batch> batches = PopAll(b);
  ASSERT_EQ(2u, batches.size());
  EXPECT_EQ(kT0, batches[0].max_timestamp_ms);
  EXPECT_EQ(kT0 + kDay + 1, batches[1].min_timestamp_ms);
}

TEST(BatcherTest, EarlierEventOneMillisecondPastTwentyFourHoursStartsANewBatch) {
  Batcher b(Targets(1), Options());
  uint64_t id = MustAdd(b, 0, kT0, "first");
  EXPECT_EQ(id, MustAdd(b, 0, kT0 - kDay, "exactly a day earlier"));
  EXPECT_NE(id, MustAdd(b, 0, kT0 + 1, "widens the span past a day"));
}

TEST(BatcherTest, SpanIsMeasuredFromTheEarliestEventNotTheFirst) {
  Batcher b(Targets(1), Options());
  uint64_t id = MustAdd(b, 0, kT0, "a");
  EXPECT_EQ(id, MustAdd(b, 0, kT0 - 1000, "earlier"));
  EXPECT_NE(id, MustAdd(b, 0, kT0 - 1000 + kDay + 1, "a day after the earliest"));
}

}  // namespace
}  // namespace edgelog
