#include "agent/send/put_response.h"

#include <gtest/gtest.h>

#include <string>

namespace edgelog {
namespace {

bool Contains(const std::string& s, const std::string& needle) {
  return s.find(needle) != std::string::npos;
}

TEST(PutResponseTest, AnAnswerWithoutRejectedInfoRejectsNothing) {
  for (const char* body : {"{}", "", "{\"nextSequenceToken\":\"4961\"}", "not json",
                           "{\"rejectedLogEventsInfo\":null}",
                           "{\"rejectedLogEventsInfo\":{}}"}) {
    RejectedInfo info = ParseRejectedInfo(body);
    EXPECT_FALSE(info.any()) << body;
    EXPECT_EQ("", RejectionReason(info, 0)) << body;
  }
}

TEST(PutResponseTest, AllThreeIndexesAreRead) {
  RejectedInfo info = ParseRejectedInfo(
      R"({"nextSequenceToken":"x","rejectedLogEventsInfo":{"tooNewLogEventStartIndex":7,)"
      R"("tooOldLogEventEndIndex":2,"expiredLogEventEndIndex":1}})");
  ASSERT_TRUE(info.any());
  ASSERT_TRUE(info.too_new_start.has_value());
  EXPECT_EQ(7u, *info.too_new_start);
  ASSERT_TRUE(info.too_old_end.has_value());
  EXPECT_EQ(2u, *info.too_old_end);
  ASSERT_TRUE(info.expired_end.has_value());
  EXPECT_EQ(1u, *info.expired_end);
}

TEST(PutResponseTest, IndexesThatAreNotNonNegativeNumbersAreIgnored) {
  RejectedInfo info = ParseRejectedInfo(
      R"({"rejectedLogEventsInfo":{"tooNewLogEventStartIndex":"3","tooOldLogEventEndIndex":-1}})");
  EXPECT_FALSE(info.any());
}

TEST(PutResponseTest, IndexesOutsideARequestAreIgnoredNotCast) {
  // 1e300 does not fit any integer: casting it is undefined behaviour.
  for (const char* v : {"1e300", "-1e300", "10000", "2.5", "1e19"}) {
    std::string body = std::string(R"({"rejectedLogEventsInfo":{"tooOldLogEventEndIndex":)") + v +
                       R"(,"tooNewLogEventStartIndex":)" + v + "}}";
    EXPECT_FALSE(ParseRejectedInfo(body).any()) << v;
  }
  RejectedInfo last = ParseRejectedInfo(R"({"rejectedLogEventsInfo":{"tooOldLogEventEndIndex":9999}})");
  ASSERT_TRUE(last.too_old_end.has_value());
  EXPECT_EQ(9999u, *last.too_old_end);
}

TEST(PutResponseTest, TooNewRejectsFromTheStartIndexToTheEnd) {
  RejectedInfo info = ParseRejectedInfo(R"({"rejectedLogEventsInfo":{"tooNewLogEventStartIndex":3}})");
  EXPECT_EQ("", RejectionReason(info, 0));
  EXPECT_EQ("", RejectionReason(info, 2));
  EXPECT_TRUE(Contains(RejectionReason(info, 3), "too new"));
  EXPECT_TRUE(Contains(RejectionReason(info, 9), "too new"));
}

TEST(PutResponseTest, TooOldRejectsFromTheStartUpToAndIncludingTheEndIndex) {
  RejectedInfo info = ParseRejectedInfo(R"({"rejectedLogEventsInfo":{"tooOldLogEventEndIndex":1}})");
  EXPECT_TRUE(Contains(RejectionReason(info, 0), "too old"));
  EXPECT_TRUE(Contains(RejectionReason(info, 1), "too old"));
  EXPECT_EQ("", RejectionReason(info, 2));
}

TEST(PutResponseTest, ExpiredRejectsUpToAndIncludingTheEndIndex) {
  RejectedInfo info = ParseRejectedInfo(R"({"rejectedLogEventsInfo":{"expiredLogEventEndIndex":0}})");
  EXPECT_TRUE(Contains(RejectionReason(info, 0), "expired"));
  EXPECT_EQ("", RejectionReason(info, 1));
}

TEST(PutResponseTest, EachReasonNamesTheApiField) {
  RejectedInfo info = ParseRejectedInfo(
      R"({"rejectedLogEventsInfo":{"tooNewLogEventStartIndex":5,)"
      R"("tooOldLogEventEndIndex":3,"expiredLogEventEndIndex":1}})");
  EXPECT_TRUE(Contains(RejectionReason(info, 0), "expiredLogEventEndIndex"));
  EXPECT_TRUE(Contains(RejectionReason(info, 2), "tooOldLogEventEndIndex"));
  EXPECT_EQ("", RejectionReason(info, 4));
  EXPECT_TRUE(Contains(RejectionReason(info, 5), "tooNewLogEventStartIndex"));
}

}  // namespace
}  // namespace edgelog
