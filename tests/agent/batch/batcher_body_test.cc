#include "agent/batch/batcher.h"

#include <cjson/cJSON.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "tests/agent/batch/batcher_test_fixture.h"

namespace edgelog {
namespace {

using batcher_test::EventsOf;
using batcher_test::Gunzip;
using batcher_test::kT0;
using batcher_test::MustAdd;
using batcher_test::Options;
using batcher_test::PopAll;
using batcher_test::Target;
using batcher_test::Targets;

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
