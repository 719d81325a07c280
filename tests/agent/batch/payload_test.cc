#include "agent/batch/payload.h"

#include <cjson/cJSON.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

namespace edgelog {
namespace {

// A target with only group and stream set.
LogStreamTarget Target(std::string group, std::string stream) {
  LogStreamTarget t;
  t.group = std::move(group);
  t.stream = std::move(stream);
  return t;
}

using JsonPtr = std::unique_ptr<cJSON, void (*)(cJSON*)>;

JsonPtr ParseJson(const std::string& text) {
  return JsonPtr(cJSON_ParseWithLength(text.data(), text.size()), cJSON_Delete);
}

// Messages that need every kind of care in JSON.
std::vector<std::string> TrickyMessages() {
  std::string controls;
  for (int c = 1; c < 0x20; ++c) controls.push_back(static_cast<char>(c));
  return {
      "plain",
      "quote \" and backslash \\ and slash /",
      "\\u0041 is not an escape here",
      controls,
      std::string("nul\0inside", 10),
      std::string(1, '\0'),
      "del \x7F",
      "four-byte \xF0\x9F\x98\x80 and \xF4\x8F\xBF\xBF",
      "line separator \xE2\x80\xA8 paragraph \xE2\x80\xA9",
      "caf\xC3\xA9 \xE4\xB8\xAD\xE6\x96\x87",
      "{\"timestamp\":1,\"message\":\"x\"}],\"logEvents\":[",
      "ends with backslash \\",
  };
}

TEST(PayloadTest, EventJsonHasTimestampThenEscapedMessage) {
  std::string out;
  AppendEventJson(1700000000123, "hi \"there\"\n", &out);
  EXPECT_EQ(R"({"timestamp":1700000000123,"message":"hi \"there\"\n"})", out);
}

TEST(PayloadTest, EventJsonAppendsToExistingOutput) {
  std::string out = "[";
  AppendEventJson(1, "a", &out);
  EXPECT_EQ(R"([{"timestamp":1,"message":"a"})", out);
}

TEST(PayloadTest, BodyPrefixNamesGroupAndStreamThenOpensEvents) {
  LogStreamTarget t = Target("/aws/app", "host-1");
  EXPECT_EQ(R"({"logGroupName":"/aws/app","logStreamName":"host-1","logEvents":[)",
            BodyPrefix(t));
}

TEST(PayloadTest, BodyPrefixEscapesAStreamNameWithQuotes) {
  LogStreamTarget t = Target("g", "say \"hi\"\\");
  std::string body = BodyPrefix(t) + std::string(kBodySuffix);
  JsonPtr root = ParseJson(body);
  ASSERT_TRUE(root) << body;
  EXPECT_STREQ("say \"hi\"\\",
               cJSON_GetObjectItemCaseSensitive(root.get(), "logStreamName")->valuestring);
}

TEST(PayloadTest, BuildBodyIsPrefixEventsJoinedByCommaAndSuffix) {
  LogStreamTarget t = Target("g", "s");
  std::string body = BuildBody(t, {{1, "a"}, {2, "b"}});
  EXPECT_EQ(R"({"logGroupName":"g","logStreamName":"s","logEvents":[)"
            R"({"timestamp":1,"message":"a"},{"timestamp":2,"message":"b"}]})",
            body);
}

TEST(PayloadTest, BuildBodyWithNoEventsHasAnEmptyArray) {
  LogStreamTarget t = Target("g", "s");
  EXPECT_EQ(R"({"logGroupName":"g","logStreamName":"s","logEvents":[]})", BuildBody(t, {}));
}

TEST(PayloadTest, BuiltBodyIsValidJsonWithTheApiFieldNames) {
  LogStreamTarget t = Target("/my/group", "my-stream");
  std::vector<ParsedEvent> events;
  int64_t ts = 1700000000000;
  for (const std::string& m : TrickyMessages()) {
    if (m.find('\0') != std::string::npos) continue;  // cJSON strings end at NUL
    events.push_back({ts++, m});
  }
  std::string body = BuildBody(t, events);
  JsonPtr root = ParseJson(body);
  ASSERT_TRUE(root) << body;
  EXPECT_STREQ("/my/group",
               cJSON_GetObjectItemCaseSensitive(root.get(), "logGroupName")->valuestring);
  EXPECT_STREQ("my-stream",
               cJSON_GetObjectItemCaseSensitive(root.get(), "logStreamName")->valuestring);
  const cJSON* list = cJSON_GetObjectItemCaseSensitive(root.get(), "logEvents");
  ASSERT_TRUE(cJSON_IsArray(list));
  ASSERT_EQ(static_cast<int>(events.size()), cJSON_GetArraySize(list));
  for (size_t i = 0; i < events.size(); ++i) {
    const cJSON* e = cJSON_GetArrayItem(list, static_cast<int>(i));
    EXPECT_EQ(2, cJSON_GetArraySize(e));
    EXPECT_EQ(static_cast<double>(events[i].timestamp_ms),
              cJSON_GetObjectItemCaseSensitive(e, "timestamp")->valuedouble);
    EXPECT_EQ(events[i].message,
              cJSON_GetObjectItemCaseSensitive(e, "message")->valuestring);
  }
}

TEST(PayloadTest, ParseEventsReadsBackEveryMessageExactly) {
  LogStreamTarget t = Target("g", "s");
  std::vector<ParsedEvent> events;
  int64_t ts = 1700000000000;
  for (const std::string& m : TrickyMessages()) events.push_back({ts++, m});
  auto parsed = ParseEvents(BuildBody(t, events));
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  ASSERT_EQ(events.size(), parsed->size());
  for (size_t i = 0; i < events.size(); ++i) {
    EXPECT_EQ(events[i].timestamp_ms, (*parsed)[i].timestamp_ms) << i;
    EXPECT_EQ(events[i].message, (*parsed)[i].message) << i;
  }
}

TEST(PayloadTest, ParseEventsReadsZeroAndNegativeAndLargeTimestamps) {
  LogStreamTarget t = Target("g", "s");
  std::vector<ParsedEvent> events = {
      {-5, "a"}, {0, "b"}, {1, "c"}, {4102444800000, "d"}, {INT64_MAX, "e"}};
  auto parsed = ParseEvents(BuildBody(t, events));
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  ASSERT_EQ(events.size(), parsed->size());
  for (size_t i = 0; i < events.size(); ++i) {
    EXPECT_EQ(events[i].timestamp_ms, (*parsed)[i].timestamp_ms);
  }
}

TEST(PayloadTest, ParseEventsOfAnEmptyListIsEmpty) {
  auto parsed = ParseEvents(BuildBody(Target("g", "s"), {}));
  ASSERT_TRUE(parsed.ok());
  EXPECT_TRUE(parsed->empty());
}

TEST(PayloadTest, ParseEventsIsNotFooledByAStreamNameThatLooksLikeTheEventList) {
  LogStreamTarget t = Target("g", "\"logEvents\":[{\"timestamp\":9,\"message\":\"fake\"}");
  auto parsed = ParseEvents(BuildBody(t, {{1, "real"}}));
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  ASSERT_EQ(1u, parsed->size());
  EXPECT_EQ("real", (*parsed)[0].message);
}

TEST(PayloadTest, ParseEventsAcceptsAnEscapedSlash) {
  auto parsed = ParseEvents(R"({"logEvents":[{"timestamp":1,"message":"a\/b"}]})");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ("a/b", (*parsed)[0].message);
}

TEST(PayloadTest, ParseEventsRefusesABodyWithoutEvents) {
  auto parsed = ParseEvents(R"({"logGroupName":"g"})");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(Code::kCorruption, parsed.status().code());
}

TEST(PayloadTest, ParseEventsRefusesMalformedEvents) {
  const std::string bodies[] = {
      R"({"logEvents":[{"timestamp":1}]})",
      R"({"logEvents":[{"timestamp":"1","message":"a"}]})",
      R"({"logEvents":[{"timestamp":,"message":"a"}]})",
      R"({"logEvents":[{"message":"a","timestamp":1}]})",
      R"({"logEvents":[{"timestamp":1,"message":"a"},]})",
      R"({"logEvents":[{"timestamp":1,"message":"unterminated}]})",
      R"({"logEvents":[{"timestamp":1,"message":"bad \u00zz"}]})",
      R"({"logEvents":[{"timestamp":1,"message":"a"})",
      R"({"logEvents":[)",
  };
  for (const std::string& body : bodies) {
    auto parsed = ParseEvents(body);
    EXPECT_FALSE(parsed.ok()) << body;
    if (!parsed.ok()) {
      EXPECT_EQ(Code::kCorruption, parsed.status().code()) << body;
    }
  }
}

TEST(PayloadTest, ParseEventsRefusesEveryTruncationInsideTheEventList) {
  std::string body = BuildBody(Target("g", "s"),
                               {{1, "one \"quoted\""}, {2, "two\n"}, {3, "three"}});
  // Up to and including the closing ']' of the event list: the final '}'
  // adds no event, so the reader need not insist on it.
  for (size_t keep = 0; keep + 1 < body.size(); ++keep) {
    auto parsed = ParseEvents(std::string_view(body).substr(0, keep));
    EXPECT_FALSE(parsed.ok()) << "accepted " << body.substr(0, keep);
  }
}

}  // namespace
}  // namespace edgelog
