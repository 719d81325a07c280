#include "agent/journal/journal_json.h"

#include <gtest/gtest.h>

namespace edgelog {
namespace {

TEST(JournalJsonTest, TakesCursorTimeAndStringMessage) {
  auto line = ParseJournalLine(
      R"({"__CURSOR":"s=1;i=2","__REALTIME_TIMESTAMP":"1796646864658254","MESSAGE":"caf\u00e9 ok","PRIORITY":"6"})");
  ASSERT_TRUE(line.ok()) << line.status().ToString();
  EXPECT_EQ("s=1;i=2", line->cursor);
  EXPECT_EQ(1796646864658254, line->realtime_us);
  EXPECT_TRUE(line->has_message);
  EXPECT_EQ("caf\xC3\xA9 ok", line->message);
}

TEST(JournalJsonTest, AByteArrayMessageIsItsBytes) {
  // journalctl prints a value that is not printable UTF-8 as its bytes.
  auto line = ParseJournalLine(
      R"({"__CURSOR":"c","__REALTIME_TIMESTAMP":"1","MESSAGE":[114,97,119,32,255,0,1]})");
  ASSERT_TRUE(line.ok()) << line.status().ToString();
  EXPECT_EQ(std::string("raw \xFF\x00\x01", 7), line->message);
}

TEST(JournalJsonTest, AMessageGivenTwiceIsEveryValueOnALineOfItsOwn) {
  // journalctl itself shows one value (-o cat the first, -o short the
  // last); the CloudWatch agent's journald receiver sends the entry with
  // the whole array. edgelog sends the message as text: all of it.
  auto line = ParseJournalLine(
      R"({"__CURSOR":"c","__REALTIME_TIMESTAMP":"1","MESSAGE":["one",[116,119,111],null,"3"]})");
  ASSERT_TRUE(line.ok()) << line.status().ToString();
  EXPECT_TRUE(line->has_message);
  EXPECT_EQ("one\ntwo\n3", line->message);
  auto bad = ParseJournalLine(
      R"({"__CURSOR":"c","__REALTIME_TIMESTAMP":"1","MESSAGE":["one",{"x":1}]})");
  EXPECT_FALSE(bad.ok());
}

TEST(JournalJsonTest, NoMessageOrNullIsNoMessage) {
  auto none = ParseJournalLine(R"({"__CURSOR":"c","__REALTIME_TIMESTAMP":"1"})");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_message);
  auto null = ParseJournalLine(R"({"__CURSOR":"c","__REALTIME_TIMESTAMP":"1","MESSAGE":null})");
  ASSERT_TRUE(null.ok());
  EXPECT_FALSE(null->has_message);
}

TEST(JournalJsonTest, WhatIsWrongIsNamed) {
  struct Case {
    const char* line;
    const char* reason;
  } cases[] = {
      {"{\"__CURSOR\":\"c\"", "not JSON"},
      {"[1,2]", "not a JSON object"},
      {R"({"__REALTIME_TIMESTAMP":"1"})", "no __CURSOR field"},
      {R"({"__CURSOR":"","__REALTIME_TIMESTAMP":"1"})", "__CURSOR is not a non-empty string"},
      {R"({"__CURSOR":"c"})", "no __REALTIME_TIMESTAMP field"},
      {R"({"__CURSOR":"c","__REALTIME_TIMESTAMP":17})",
       "__REALTIME_TIMESTAMP is not a decimal string"},
      {R"({"__CURSOR":"c","__REALTIME_TIMESTAMP":"-5"})",
       "__REALTIME_TIMESTAMP is not a decimal string"},
      {R"({"__CURSOR":"c","__REALTIME_TIMESTAMP":"1","MESSAGE":[300]})",
       "MESSAGE is neither a string nor an array of bytes"},
      {R"({"__CURSOR":"c","__REALTIME_TIMESTAMP":"1","MESSAGE":{"a":1}})",
       "MESSAGE is neither a string nor an array of bytes"},
  };
  for (const Case& c : cases) {
    auto line = ParseJournalLine(c.line);
    ASSERT_FALSE(line.ok()) << c.line;
    EXPECT_EQ(Code::kCorruption, line.status().code());
    EXPECT_EQ(c.reason, line.status().message()) << c.line;
  }
}

}  // namespace
}  // namespace edgelog
