#include "agent/batch/batcher.h"

#include <cjson/cJSON.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "agent/base/cloudwatch_limits.h"
#include "agent/batch/payload.h"

namespace edgelog {
namespace {

// A target with only group and stream set.
LogStreamTarget Target(std::string group, std::string stream) {
  LogStreamTarget t;
  t.group = std::move(group);
  t.stream = std::move(stream);
  return t;
}

constexpr int64_t kT0 = 1700000000000;  // a plausible event time
constexpr int64_t kInterval = 5000;
constexpr int64_t kDay = 24LL * 3600 * 1000;

BatcherOptions Options(int64_t flush_interval_ms = kInterval) {
  BatcherOptions o;
  o.flush_interval_ms = flush_interval_ms;
  return o;
}

std::vector<LogStreamTarget> Targets(int n) {
  std::vector<LogStreamTarget> out;
  for (int i = 0; i < n; ++i) {
    out.push_back(Target("/edgelog/group", "stream-" + std::to_string(i)));
  }
  return out;
}

// Adds one event and expects success; returns the batch id.
uint64_t MustAdd(Batcher& b, uint32_t stream, int64_t ts, std::string_view msg,
                 int64_t now = 0) {
  auto id = b.Add(stream, ts, msg, now);
  EXPECT_TRUE(id.ok()) << id.status().ToString();
  return id.ok() ? *id : 0;
}

std::vector<Batch> PopAll(Batcher& b) {
  std::vector<Batch> out;
  while (b.HasSealed()) out.push_back(b.PopSealed());
  return out;
}

std::string Gunzip(const Batch& batch) {
  auto json = GunzipBody(batch.body, 64 << 20);
  EXPECT_TRUE(json.ok()) << json.status().ToString();
  return json.ok() ? *json : "";
}

std::vector<ParsedEvent> EventsOf(const Batch& batch) {
  auto events = ParseEvents(Gunzip(batch));
  EXPECT_TRUE(events.ok()) << events.status().ToString();
  return events.ok() ? *events : std::vector<ParsedEvent>{};
}

// --- joining and sealing -----------------------------------------------------

TEST(BatcherTest, NothingIsSealedBeforeALimitOrTheInterval) {
  Batcher b(Targets(1), Options());
  MustAdd(b, 0, kT0, "a");
  MustAdd(b, 0, kT0 + 1, "b");
  EXPECT_FALSE(b.HasSealed());
  EXPECT_EQ(0u, b.sealed_bytes());
  EXPECT_GT(b.open_bytes(), 0u);
}

TEST(BatcherTest, EventsOfOneStreamJoinOneBatch) {
  Batcher b(Targets(1), Options());
  uint64_t id = MustAdd(b, 0, kT0, "a");
  EXPECT_EQ(id, MustAdd(b, 0, kT0, "b"));
  EXPECT_EQ(id, MustAdd(b, 0, kT0, "c"));
  ASSERT_TRUE(b.SealAll().ok());
  std::vector<Batch> batches = PopAll(b);
  ASSERT_EQ(1u, batches.size());
  EXPECT_EQ(id, batches[0].id);
  EXPECT_EQ(3u, batches[0].event_count);
}

TEST(BatcherTest, SealAllWithNothingOpenSealsNothing) {
  Batcher b(Targets(2), Options());
  ASSERT_TRUE(b.SealAll().ok());
  EXPECT_FALSE(b.HasSealed());
  EXPECT_FALSE(b.NextDueMs().has_value());
}

TEST(BatcherTest, EventAfterASealStartsANewBatch) {
  Batcher b(Targets(1), Options());
  uint64_t first = MustAdd(b, 0, kT0, "a");
  ASSERT_TRUE(b.SealAll().ok());
  uint64_t second = MustAdd(b, 0, kT0, "b");
  EXPECT_NE(first, second);
  ASSERT_TRUE(b.SealAll().ok());
  std::vector<Batch> batches = PopAll(b);
  ASSERT_EQ(2u, batches.size());
  EXPECT_EQ("a", EventsOf(batches[0]).at(0).message);
  EXPECT_EQ("b", EventsOf(batches[1]).at(0).message);
}

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

// --- order -------------------------------------------------------------------

TEST(BatcherTest, OutOfOrderEventsAreSortedByTimeStably) {
  Batcher b(Targets(1), Options());
  MustAdd(b, 0, kT0 + 30, "c1");
  MustAdd(b, 0, kT0 + 10, "a1");
  MustAdd(b, 0, kT0 + 20, "b1");
  MustAdd(b, 0, kT0 + 10, "a2");
  MustAdd(b, 0, kT0 + 30, "c2");
  MustAdd(b, 0, kT0 + 10, "a3");
  ASSERT_TRUE(b.SealAll().ok());
  Batch batch = b.PopSealed();
  std::vector<ParsedEvent> events = EventsOf(batch);
  std::vector<std::string> messages;
  std::vector<int64_t> times;
  for (const ParsedEvent& e : events) {
    messages.push_back(e.message);
    times.push_back(e.timestamp_ms);
  }
  EXPECT_EQ((std::vector<std::string>{"a1", "a2", "a3", "b1", "c1", "c2"}), messages);
  EXPECT_EQ((std::vector<int64_t>{kT0 + 10, kT0 + 10, kT0 + 10, kT0 + 20, kT0 + 30,
                                  kT0 + 30}),
            times);
  EXPECT_EQ(kT0 + 10, batch.min_timestamp_ms);
  EXPECT_EQ(kT0 + 30, batch.max_timestamp_ms);
}

TEST(BatcherTest, ManyEventsWithEqualTimesKeepTheirArrivalOrderWhenSorted) {
  // Enough events that an unstable sort would reorder equal times.
  Batcher b(Targets(1), Options());
  constexpr int kEvents = 2000;
  for (int i = 0; i < kEvents; ++i) {
    int64_t ts = kT0 + (i * 7919) % 10;  // times 0..9 in a scrambled order
    MustAdd(b, 0, ts, std::to_string(i));
  }
  ASSERT_TRUE(b.SealAll().ok());
  std::vector<ParsedEvent> events = EventsOf(b.PopSealed());
  ASSERT_EQ(static_cast<size_t>(kEvents), events.size());
  for (size_t i = 1; i < events.size(); ++i) {
    ASSERT_LE(events[i - 1].timestamp_ms, events[i].timestamp_ms) << "event " << i;
    if (events[i - 1].timestamp_ms == events[i].timestamp_ms) {
      ASSERT_LT(std::stoi(events[i - 1].message), std::stoi(events[i].message))
          << "equal times reordered at " << i;
    }
  }
}

TEST(BatcherTest, InOrderEventsKeepTheirOrder) {
  Batcher b(Targets(1), Options());
  for (int i = 0; i < 100; ++i) MustAdd(b, 0, kT0 + i / 10, "m" + std::to_string(i));
  ASSERT_TRUE(b.SealAll().ok());
  std::vector<ParsedEvent> events = EventsOf(b.PopSealed());
  ASSERT_EQ(100u, events.size());
  for (int i = 0; i < 100; ++i) EXPECT_EQ("m" + std::to_string(i), events[i].message);
}

TEST(BatcherTest, BatchAfterAnUnsortedOneIsNotReordered) {
  Batcher b(Targets(1), Options());
  MustAdd(b, 0, kT0 + 5, "late");
  MustAdd(b, 0, kT0, "early");
  ASSERT_TRUE(b.SealAll().ok());
  MustAdd(b, 0, kT0 + 1, "x");
  MustAdd(b, 0, kT0 + 2, "y");
  ASSERT_TRUE(b.SealAll().ok());
  std::vector<Batch> batches = PopAll(b);
  ASSERT_EQ(2u, batches.size());
  std::vector<ParsedEvent> second = EventsOf(batches[1]);
  ASSERT_EQ(2u, second.size());
  EXPECT_EQ("x", second[0].message);
  EXPECT_EQ("y", second[1].message);
}

// --- the flush interval ------------------------------------------------------

TEST(BatcherTest, SealDueOneMillisecondBeforeTheIntervalSealsNothing) {
  Batcher b(Targets(1), Options(kInterval));
  MustAdd(b, 0, kT0, "a", /*now=*/1000);
  ASSERT_TRUE(b.SealDue(1000 + kInterval - 1).ok());
  EXPECT_FALSE(b.HasSealed());
}

TEST(BatcherTest, SealDueAtTheIntervalSealsTheBatch) {
  Batcher b(Targets(1), Options(kInterval));
  MustAdd(b, 0, kT0, "a", /*now=*/1000);
  ASSERT_TRUE(b.SealDue(1000 + kInterval).ok());
  ASSERT_TRUE(b.HasSealed());
  EXPECT_EQ(1u, b.PopSealed().event_count);
  EXPECT_EQ(0u, b.open_bytes());
}

TEST(BatcherTest, IntervalCountsFromTheFirstEventOfTheBatch) {
  Batcher b(Targets(1), Options(kInterval));
  MustAdd(b, 0, kT0, "a", /*now=*/1000);
  MustAdd(b, 0, kT0, "b", /*now=*/1000 + kInterval - 1);
  ASSERT_TRUE(b.SealDue(1000 + kInterval).ok());
  ASSERT_TRUE(b.HasSealed());
  EXPECT_EQ(2u, b.PopSealed().event_count);
}

TEST(BatcherTest, NextDueIsTheFirstEventTimePlusTheInterval) {
  Batcher b(Targets(1), Options(kInterval));
  EXPECT_FALSE(b.NextDueMs().has_value());
  MustAdd(b, 0, kT0, "a", /*now=*/1000);
  MustAdd(b, 0, kT0, "b", /*now=*/3000);
  ASSERT_TRUE(b.NextDueMs().has_value());
  EXPECT_EQ(1000 + kInterval, *b.NextDueMs());
  ASSERT_TRUE(b.SealDue(*b.NextDueMs()).ok());
  EXPECT_FALSE(b.NextDueMs().has_value());
}

TEST(BatcherTest, NextDueIsTheEarliestOverAllStreams) {
  Batcher b(Targets(3), Options(kInterval));
  MustAdd(b, 2, kT0, "a", /*now=*/3000);
  MustAdd(b, 0, kT0, "b", /*now=*/2000);
  MustAdd(b, 1, kT0, "c", /*now=*/4000);
  EXPECT_EQ(2000 + kInterval, b.NextDueMs());
  ASSERT_TRUE(b.SealDue(2000 + kInterval).ok());
  std::vector<Batch> batches = PopAll(b);
  ASSERT_EQ(1u, batches.size());
  EXPECT_EQ(0u, batches[0].stream);
  EXPECT_EQ(3000 + kInterval, b.NextDueMs());
}

TEST(BatcherTest, BatchSealedByALimitRestartsTheInterval) {
  Batcher b(Targets(1), Options(kInterval));
  MustAdd(b, 0, kT0, "a", /*now=*/0);
  MustAdd(b, 0, kT0 + kDay + 1, "b", /*now=*/4000);  // seals the first batch
  EXPECT_EQ(4000 + kInterval, b.NextDueMs());
  ASSERT_TRUE(b.SealDue(kInterval).ok());
  EXPECT_EQ(1u, PopAll(b).size());  // only the one the span sealed
}

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

// --- the body ----------------------------------------------------------------

TEST(BatcherTest, BodyIsGzippedJsonWithGroupStreamAndEvents) {
  std::vector<LogStreamTarget> targets = {Target("/app/group-1", "host \"quoted\" name")};
  Batcher b(targets, Options());
  const std::vector<std::string> messages = {
      "plain",
      "quotes \" and backslashes \\ \\\\",
      "controls \x01\x02\x1B\x1F\t\r\n\b\f",
      "four-byte \xF0\x9F\x98\x80",
      "separator \xE2\x80\xA8 here",
      "del \x7F",
  };
  for (size_t i = 0; i < messages.size(); ++i) MustAdd(b, 0, kT0 + i, messages[i]);
  ASSERT_TRUE(b.SealAll().ok());
  Batch batch = b.PopSealed();
  std::string json = Gunzip(batch);
  std::unique_ptr<cJSON, void (*)(cJSON*)> root(
      cJSON_ParseWithLength(json.data(), json.size()), cJSON_Delete);
  ASSERT_TRUE(root) << json;
  const cJSON* group = cJSON_GetObjectItemCaseSensitive(root.get(), "logGroupName");
  const cJSON* stream = cJSON_GetObjectItemCaseSensitive(root.get(), "logStreamName");
  const cJSON* events = cJSON_GetObjectItemCaseSensitive(root.get(), "logEvents");
  ASSERT_TRUE(cJSON_IsString(group));
  ASSERT_TRUE(cJSON_IsString(stream));
  ASSERT_TRUE(cJSON_IsArray(events));
  EXPECT_STREQ("/app/group-1", group->valuestring);
  EXPECT_STREQ("host \"quoted\" name", stream->valuestring);
  ASSERT_EQ(static_cast<int>(messages.size()), cJSON_GetArraySize(events));
  for (size_t i = 0; i < messages.size(); ++i) {
    const cJSON* e = cJSON_GetArrayItem(events, static_cast<int>(i));
    EXPECT_EQ(static_cast<double>(kT0 + i),
              cJSON_GetObjectItemCaseSensitive(e, "timestamp")->valuedouble);
    EXPECT_EQ(messages[i], cJSON_GetObjectItemCaseSensitive(e, "message")->valuestring);
  }
}

TEST(BatcherTest, ParseEventsReadsTheBodyBackExactly) {
  Batcher b(Targets(1), Options());
  const std::vector<std::string> messages = {
      std::string("nul \0 byte", 10),
      "quote \" backslash \\",
      "newline \n tab \t cr \r",
      std::string("\x00\x01\x1F", 3),
      "\xF4\x8F\xBF\xBF max code point",
      "\xE2\x80\xA8\xE2\x80\xA9",
      "{\"timestamp\":1,\"message\":\"fake\"}",
  };
  for (size_t i = 0; i < messages.size(); ++i) MustAdd(b, 0, kT0 + 1000 - i, messages[i]);
  ASSERT_TRUE(b.SealAll().ok());
  std::vector<ParsedEvent> events = EventsOf(b.PopSealed());
  ASSERT_EQ(messages.size(), events.size());
  // Added in falling time order, so the body holds them reversed.
  for (size_t i = 0; i < messages.size(); ++i) {
    size_t added = messages.size() - 1 - i;
    EXPECT_EQ(kT0 + 1000 - static_cast<int64_t>(added), events[i].timestamp_ms);
    EXPECT_EQ(messages[added], events[i].message) << "event " << i;
  }
}

TEST(BatcherTest, BodyAtHighestGzipLevelReadsBackToo) {
  BatcherOptions o = Options();
  o.gzip_level = 9;
  Batcher b(Targets(1), o);
  for (int i = 0; i < 1000; ++i) MustAdd(b, 0, kT0 + i, "line number " + std::to_string(i));
  ASSERT_TRUE(b.SealAll().ok());
  Batch batch = b.PopSealed();
  EXPECT_LT(batch.body.size(), batch.json_bytes);
  std::vector<ParsedEvent> events = EventsOf(batch);
  ASSERT_EQ(1000u, events.size());
  EXPECT_EQ("line number 999", events[999].message);
}

TEST(BatcherTest, FullBatchBodyMatchesBuildBodyOfTheSameEvents) {
  Batcher b(Targets(1), Options());
  std::vector<ParsedEvent> expected;
  for (int i = 0; i < 10000; ++i) {
    std::string m = "event " + std::to_string(i) + " \"q\"";
    MustAdd(b, 0, kT0 + i, m);
    expected.push_back({kT0 + i, m});
  }
  ASSERT_TRUE(b.SealAll().ok());
  std::vector<Batch> batches = PopAll(b);
  ASSERT_EQ(1u, batches.size());
  EXPECT_EQ(BuildBody(b.target(0), expected), Gunzip(batches[0]));
}

}  // namespace
}  // namespace edgelog
