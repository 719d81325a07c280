#include "agent/send/sender.h"

#include <cjson/cJSON.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tests/agent/send/sender_test_fixture.h"

namespace edgelog {
namespace {

using sender_test::BodyHas;
using sender_test::kRejectedPath;
using sender_test::kTarget;
using sender_test::MessagesOf;
using sender_test::SenderTest;
using sender_test::Strings;
using testing::FakeHttp;
using testing::MemEnv;
using testing::SeenRequest;

struct JsonLine {
  std::string group, stream, message, reason;
  int64_t timestamp = 0;
};

// The lines of the rejected file.
std::vector<JsonLine> RejectedLines(const MemEnv& env) {
  std::vector<JsonLine> out;
  std::string text = env.ReadFile(kRejectedPath);
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    EXPECT_NE(std::string::npos, nl) << "last line not terminated";
    if (nl == std::string::npos) break;
    std::string line = text.substr(start, nl - start);
    start = nl + 1;
    cJSON* j = cJSON_ParseWithLength(line.data(), line.size());
    EXPECT_NE(nullptr, j) << line;
    if (j == nullptr) continue;
    auto str = [&](const char* key) {
      const cJSON* item = cJSON_GetObjectItem(j, key);
      return cJSON_IsString(item) ? std::string(item->valuestring) : std::string("<missing>");
    };
    JsonLine l{str("group"), str("stream"), str("message"), str("reason")};
    const cJSON* ts = cJSON_GetObjectItem(j, "timestamp");
    l.timestamp = cJSON_IsNumber(ts) ? static_cast<int64_t>(ts->valuedouble) : -1;
    out.push_back(l);
    cJSON_Delete(j);
  }
  return out;
}

// ---------------------------------------------------------------------------
// Events CloudWatch refuses

TEST_F(SenderTest, RejectedEventsInfoPutsThoseEventsInTheRejectedFile) {
  Init({kTarget});
  http_.set_responder([](const SeenRequest&) -> std::optional<HttpResponse> {
    return FakeHttp::Ok(
        R"({"rejectedLogEventsInfo":{"tooOldLogEventEndIndex":1,"tooNewLogEventStartIndex":4}})");
  });
  uint64_t id = Enqueue(0, {"e0", "e1", "e2", "e3", "e4"});
  RunUntilIdle();
  ASSERT_EQ(1u, acks_.size());
  EXPECT_EQ(id, acks_[0].batch_id);
  EXPECT_EQ(2u, acks_[0].delivered);
  EXPECT_EQ(3u, acks_[0].rejected);
  EXPECT_EQ(2u, sender_->stats().events_delivered);
  EXPECT_EQ(3u, sender_->stats().events_rejected);
  EXPECT_EQ(1u, http_.requests().size()) << "accepted events are not sent again";
  auto lines = RejectedLines(mem_);
  ASSERT_EQ(3u, lines.size());
  EXPECT_EQ("e0", lines[0].message);
  EXPECT_EQ("e1", lines[1].message);
  EXPECT_EQ("e4", lines[2].message);
  EXPECT_NE(std::string::npos, lines[0].reason.find("too old"));
  EXPECT_NE(std::string::npos, lines[1].reason.find("too old"));
  EXPECT_NE(std::string::npos, lines[2].reason.find("too new"));
  for (const JsonLine& l : lines) {
    EXPECT_EQ("/app/group", l.group);
    EXPECT_EQ("host-1", l.stream);
    EXPECT_GT(l.timestamp, 0);
  }
  EXPECT_EQ(3u, rejected_.events_written());
}

TEST_F(SenderTest, ExpiredEventsAreKeptWithTheirReason) {
  Init({kTarget});
  http_.set_responder([](const SeenRequest&) -> std::optional<HttpResponse> {
    return FakeHttp::Ok(R"({"rejectedLogEventsInfo":{"expiredLogEventEndIndex":0}})");
  });
  Enqueue(0, {"old", "fresh"});
  RunUntilIdle();
  ASSERT_EQ(1u, acks_.size());
  EXPECT_EQ(1u, acks_[0].delivered);
  EXPECT_EQ(1u, acks_[0].rejected);
  auto lines = RejectedLines(mem_);
  ASSERT_EQ(1u, lines.size());
  EXPECT_EQ("old", lines[0].message);
  EXPECT_NE(std::string::npos, lines[0].reason.find("expired"));
}

TEST_F(SenderTest, InvalidParameterSplitsTheBatchUntilTheRefusedEventIsAlone) {
  Init({kTarget});
  http_.set_responder([](const SeenRequest& r) -> std::optional<HttpResponse> {
    if (BodyHas(r, "BAD")) {
      return FakeHttp::AwsError(400, "InvalidParameterException", "Log event is invalid");
    }
    return FakeHttp::Ok();
  });
  uint64_t id = Enqueue(0, {"a", "b", "BAD", "d", "e"});
  RunUntilIdle();
  ASSERT_EQ(1u, acks_.size()) << "the parts of a batch are acknowledged together";
  EXPECT_EQ(id, acks_[0].batch_id);
  EXPECT_EQ(4u, acks_[0].delivered);
  EXPECT_EQ(1u, acks_[0].rejected);
  // Accepted events went out once each, in order.
  Strings delivered;
  for (const SeenRequest& r : http_.requests_for("PutLogEvents")) {
    if (BodyHas(r, "BAD")) continue;
    for (const std::string& m : MessagesOf(r.body)) delivered.push_back(m);
  }
  EXPECT_EQ((Strings{"a", "b", "d", "e"}), delivered);
  auto lines = RejectedLines(mem_);
  ASSERT_EQ(1u, lines.size());
  EXPECT_EQ("BAD", lines[0].message);
  EXPECT_NE(std::string::npos, lines[0].reason.find("InvalidParameterException"));
  EXPECT_EQ(0u, queue_->bytes());
  EXPECT_TRUE(sender_->idle());
  for (const SeenRequest& r : http_.requests_for("PutLogEvents")) {
    EXPECT_EQ("gzip", r.header("Content-Encoding"));
  }
}

// The halves of a refused request are whole batches: were their sizes and
// times left at 0, one that went through the disk buffer would be filed as
// "older than 14 days" without ever being sent.
TEST_F(SenderTest, TheHalvesOfASplitRequestCarryTheirOwnCountsSizesAndTimes) {
  Init({kTarget});
  int puts = 0;
  http_.set_responder([&](const SeenRequest&) -> std::optional<HttpResponse> {
    if (puts++ == 0) {
      return FakeHttp::AwsError(400, "InvalidParameterException", "Log event is invalid");
    }
    return std::nullopt;  // the halves wait for an answer
  });
  Batch whole = MakeBatch(0, {"a", "bb", "ccc", "dddd"});
  int64_t t0 = whole.min_timestamp_ms;
  ASSERT_GT(t0, 0);
  queue_->Push(std::move(whole));
  Turn();
  Turn();
  std::vector<Batch> halves = TakeUnheld(/*stopping=*/true);
  ASSERT_EQ(2u, halves.size());
  EXPECT_EQ((Strings{"a", "bb"}), MessagesOf(halves[0].body));
  EXPECT_EQ((Strings{"ccc", "dddd"}), MessagesOf(halves[1].body));
  EXPECT_EQ(2u, halves[0].event_count);
  EXPECT_EQ(1u + 2u + 2 * 26u, halves[0].api_bytes);
  EXPECT_EQ(3u + 4u + 2 * 26u, halves[1].api_bytes);
  EXPECT_EQ(t0, halves[0].min_timestamp_ms);
  EXPECT_EQ(t0 + 1, halves[0].max_timestamp_ms);
  EXPECT_EQ(t0 + 2, halves[1].min_timestamp_ms);
  EXPECT_EQ(t0 + 3, halves[1].max_timestamp_ms);
  EXPECT_GT(halves[1].json_bytes, 0u);
}

// A batch whose body cannot be read back (a poison record from the disk
// buffer) and that CloudWatch refuses: it cannot be split or kept as
// rejected. It is given up, said so, and the stream behind it goes on,
// where it used to be retried forever.
TEST_F(SenderTest, ARefusedBatchThatCannotBeReadBackIsGivenUpAndTheStreamGoesOn) {
  for (const char* code : {"InvalidParameterException", "SerializationException"}) {
    SCOPED_TRACE(code);
    Init({kTarget});
    acks_.clear();
    http_.set_responder([&](const SeenRequest& r) -> std::optional<HttpResponse> {
      if (r.body == "not gzip") return FakeHttp::AwsError(400, code, "cannot read the body");
      return FakeHttp::Ok();
    });
    Batch poison = MakeBatch(0, {"x", "y"});
    poison.body = "not gzip";
    uint64_t poison_id = poison.id;
    queue_->Push(std::move(poison));
    uint64_t next = Enqueue(0, {"after"});
    RunUntilIdle();
    ASSERT_EQ(2u, acks_.size());
    EXPECT_EQ(poison_id, acks_[0].batch_id);
    EXPECT_EQ(2u, acks_[0].unreadable);
    EXPECT_EQ(0u, acks_[0].delivered);
    EXPECT_NE(std::string::npos, acks_[0].problem.find(code)) << acks_[0].problem;
    EXPECT_EQ(next, acks_[1].batch_id);
    EXPECT_EQ(1u, acks_[1].delivered);
    EXPECT_GE(log_.Count(LogLevel::kError, "cannot be read back"), 1);
  }
}

// One half of a split request is in flight when spilling starts: the other
// half must stay with it. Both share the batch's id and one ack; were the
// second half buffered, its sync would mark the whole id safe and the
// checkpoint would pass the first half's lines, still unanswered.
TEST_F(SenderTest, TheOtherHalfOfABusySplitRequestIsNotTakenForTheBuffer) {
  Init({kTarget});
  int puts = 0;
  http_.set_responder([&](const SeenRequest&) -> std::optional<HttpResponse> {
    if (puts++ == 0) {
      return FakeHttp::AwsError(400, "InvalidParameterException", "Log event is invalid");
    }
    return std::nullopt;  // the first half waits for an answer
  });
  Enqueue(0, {"a", "b", "c", "d"});
  Turn();
  Turn();
  EXPECT_TRUE(TakeUnheld().empty()) << "a half of a busy batch was taken";
  // At a stop both go, together.
  EXPECT_EQ(2u, TakeUnheld(/*stopping=*/true).size());
}

// A batch read back from the disk buffer, split after InvalidParameter: its
// halves are still the buffer's (one record there covers them). Taken for
// the buffer again, they would be appended a second time and the record
// never closed: sent again at every start.
TEST_F(SenderTest, TheHalvesOfABatchFromTheDiskBufferStayInTheQueue) {
  Init({kTarget});
  int puts = 0;
  http_.set_responder([&](const SeenRequest&) -> std::optional<HttpResponse> {
    if (puts++ == 0) {
      return FakeHttp::AwsError(400, "InvalidParameterException", "Log event is invalid");
    }
    return std::nullopt;
  });
  Batch b = MakeBatch(0, {"a", "b", "c", "d"});
  b.in_buffer = true;
  queue_->Push(std::move(b));
  Turn();
  Turn();
  ASSERT_EQ(2u, queue_->of(0).size()) << "not split";
  EXPECT_TRUE(queue_->of(0)[0].in_buffer);
  EXPECT_TRUE(queue_->of(0)[1].in_buffer);
  EXPECT_TRUE(TakeUnheld().empty());
  // At a stop they leave as what they are: the buffer's (not appended again).
  std::vector<Batch> left = TakeUnheld(/*stopping=*/true);
  ASSERT_EQ(2u, left.size());
  EXPECT_TRUE(left[0].in_buffer && left[1].in_buffer);
}

TEST_F(SenderTest, InvalidParameterForASingleEventBatchRejectsItWithoutSplitting) {
  Init({kTarget});
  http_.set_responder([](const SeenRequest&) -> std::optional<HttpResponse> {
    return FakeHttp::AwsError(400, "InvalidParameterException", "too large");
  });
  Enqueue(0, {"only"});
  RunUntilIdle();
  EXPECT_EQ(1u, http_.requests().size());
  ASSERT_EQ(1u, acks_.size());
  EXPECT_EQ(0u, acks_[0].delivered);
  EXPECT_EQ(1u, acks_[0].rejected);
  EXPECT_EQ(1u, RejectedLines(mem_).size());
}

TEST_F(SenderTest, AFinalRefusalKeepsEveryEventInTheRejectedFile) {
  Init({kTarget});
  http_.set_responder([](const SeenRequest&) -> std::optional<HttpResponse> {
    return FakeHttp::AwsError(400, "InvalidOperationException", "not allowed");
  });
  Enqueue(0, {"x", "y"});
  RunUntilIdle();
  ASSERT_EQ(1u, acks_.size());
  EXPECT_EQ(2u, acks_[0].rejected);
  auto lines = RejectedLines(mem_);
  ASSERT_EQ(2u, lines.size());
  EXPECT_NE(std::string::npos, lines[0].reason.find("InvalidOperationException"));
}

// The sender writes no file: refused events go with the batch's Ack, one
// group per run of a reason, in batch order, for the main loop to keep.
// CloudWatch stored the others, so the batch is never sent again.
TEST_F(SenderTest, RefusedEventsTravelWithTheAckAndTheBatchIsNotSentAgain) {
  Init({kTarget});
  http_.set_responder([](const SeenRequest&) -> std::optional<HttpResponse> {
    return FakeHttp::Ok(
        R"({"rejectedLogEventsInfo":{"tooOldLogEventEndIndex":1,"tooNewLogEventStartIndex":3}})");
  });
  Enqueue(0, {"old 1", "old 2", "kept", "new 1"});
  RunUntilIdle();
  EXPECT_EQ(1u, http_.requests_for("PutLogEvents").size());
  ASSERT_EQ(1u, acks_.size());
  EXPECT_EQ(1u, acks_[0].delivered);
  EXPECT_EQ(3u, acks_[0].rejected);
  ASSERT_EQ(2u, acks_[0].refused.size());
  EXPECT_NE(std::string::npos, acks_[0].refused[0].reason.find("too old"));
  ASSERT_EQ(2u, acks_[0].refused[0].events.size());
  EXPECT_EQ("old 1", acks_[0].refused[0].events[0].message);
  EXPECT_EQ("old 2", acks_[0].refused[0].events[1].message);
  EXPECT_NE(std::string::npos, acks_[0].refused[1].reason.find("too new"));
  ASSERT_EQ(1u, acks_[0].refused[1].events.size());
  EXPECT_EQ("new 1", acks_[0].refused[1].events[0].message);
}

// A request split after InvalidParameter, its halves refused in turn: one
// Ack for the batch, with the refused single events of every part.
TEST_F(SenderTest, TheRefusedPartsOfASplitRequestShareOneAck) {
  Init({kTarget});
  http_.set_responder([](const SeenRequest& r) -> std::optional<HttpResponse> {
    if (BodyHas(r, "bad")) {
      return FakeHttp::AwsError(400, "InvalidParameterException", "Log event is invalid");
    }
    return FakeHttp::Ok();
  });
  uint64_t id = Enqueue(0, {"good 1", "bad", "good 2", "good 3"});
  RunUntilIdle();
  ASSERT_EQ(1u, acks_.size());
  EXPECT_EQ(id, acks_[0].batch_id);
  EXPECT_EQ(3u, acks_[0].delivered);
  EXPECT_EQ(1u, acks_[0].rejected);
  ASSERT_EQ(1u, acks_[0].refused.size());
  ASSERT_EQ(1u, acks_[0].refused[0].events.size());
  EXPECT_EQ("bad", acks_[0].refused[0].events[0].message);
}

}  // namespace
}  // namespace edgelog
