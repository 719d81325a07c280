#include "agent/send/sender.h"

#include <cjson/cJSON.h>
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "agent/aws/credentials.h"
#include "agent/aws/endpoint.h"
#include "agent/batch/gzip.h"
#include "agent/batch/payload.h"
#include "tests/support/capture_logger.h"
#include "tests/support/fake_clock.h"
#include "tests/support/fake_http.h"
#include "tests/support/fault_env.h"
#include "tests/support/mem_env.h"

namespace edgelog {
namespace {

using testing::CaptureLogger;
using testing::FakeClock;
using testing::FakeHttp;
using testing::FaultEnv;
using testing::FaultKind;
using testing::FaultPersistence;
using testing::MemEnv;
using testing::SeenRequest;

using Strings = std::vector<std::string>;

const char kRejectedPath[] = "/state/rejected.jsonl";

// The messages of a gzip PutLogEvents body, in order.
Strings MessagesOf(const std::string& gzip_body) {
  auto json = GunzipBody(gzip_body, 64 << 20);
  EXPECT_TRUE(json.ok()) << json.status().ToString();
  if (!json.ok()) return {};
  auto events = ParseEvents(*json);
  EXPECT_TRUE(events.ok()) << events.status().ToString();
  Strings out;
  if (events.ok()) {
    for (const ParsedEvent& e : *events) out.push_back(e.message);
  }
  return out;
}

bool BodyHas(const SeenRequest& r, const std::string& message) {
  for (const std::string& m : MessagesOf(r.body)) {
    if (m == message) return true;
  }
  return false;
}

Strings Targets(const FakeHttp& http) {
  Strings out;
  for (const SeenRequest& r : http.requests()) out.push_back(r.target);
  return out;
}

HttpResponse MotoSignatureMismatch() {
  HttpResponse r;
  r.status = 403;
  r.body =
      "<ErrorResponse><Error><Code>SignatureDoesNotMatch</Code><Message>The request "
      "signature we calculated does not match the signature you provided.</Message>"
      "</Error></ErrorResponse>";
  return r;
}

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

class SenderTest : public ::testing::Test {
 protected:
  SenderTest() {
    mem_.CreateDirs("/state");
    mem_.SetVar("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE");
    mem_.SetVar("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
  }

  void Init(std::vector<LogStreamTarget> targets, SenderOptions options = {},
            uint64_t seed = 1) {
    batcher_ = std::make_unique<Batcher>(targets, BatcherOptions{});
    auto endpoint = ParseEndpointUrl("https://logs.us-east-1.amazonaws.com/");
    ASSERT_TRUE(endpoint.ok());
    LogsRequestContext context{*endpoint, "us-east-1", "edgelog-test"};
    sender_ = std::make_unique<Sender>(
        SenderDeps{http_, *credentials_, clock_, log_, rejected_}, context, targets,
        options, seed);
  }

  Batch MakeBatch(uint32_t stream, const Strings& messages) {
    int64_t ts = clock_.NowUnixMillis();
    for (const std::string& m : messages) {
      EXPECT_TRUE(batcher_->Add(stream, ts++, m, clock_.MonotonicMillis()).ok());
    }
    EXPECT_TRUE(batcher_->SealAll().ok());
    EXPECT_TRUE(batcher_->HasSealed());
    return batcher_->PopSealed();
  }

  uint64_t Enqueue(uint32_t stream, const Strings& messages) {
    Batch b = MakeBatch(stream, messages);
    uint64_t id = b.id;
    sender_->Enqueue(std::move(b));
    return id;
  }

  // One turn of the main loop, without waiting.
  void Turn() {
    sender_->Pump();
    for (const HttpResponse& r : http_.Poll()) sender_->OnResponse(r);
    for (const Ack& a : sender_->TakeAcks()) acks_.push_back(a);
  }

  // Moves the clock to the next retry, as the main loop's wait would.
  void WaitForRetry() {
    auto wake = sender_->NextWakeMs();
    int64_t now = clock_.MonotonicMillis();
    if (wake && *wake > now) clock_.Advance(*wake - now);
  }

  // Turns until the sender is idle or failed.
  void RunUntilIdle(int max_turns = 10000) {
    for (int i = 0; i < max_turns; ++i) {
      Turn();
      if (sender_->idle() || sender_->failed()) return;
      if (http_.in_flight() == 0) WaitForRetry();
    }
    ADD_FAILURE() << "sender not idle after " << max_turns << " turns";
  }

  // Every PutLogEvents body's messages, in the order sent.
  std::vector<Strings> PutMessages() const {
    std::vector<Strings> out;
    for (const SeenRequest& r : http_.requests_for("PutLogEvents")) {
      out.push_back(MessagesOf(r.body));
    }
    return out;
  }

  MemEnv mem_;
  FaultEnv fault_env_{mem_};  // disarmed unless a test arms it
  RejectedLog rejected_{fault_env_, kRejectedPath};
  std::unique_ptr<CredentialsProvider> credentials_ = NewEnvironmentCredentials(mem_);
  FakeHttp http_;
  FakeClock clock_;
  CaptureLogger log_;
  std::unique_ptr<Batcher> batcher_;
  std::unique_ptr<Sender> sender_;
  std::vector<Ack> acks_;
};

const LogStreamTarget kTarget{"/app/group", "host-1", 0, ""};

// ---------------------------------------------------------------------------
// Delivery

TEST_F(SenderTest, OneDeliveredBatchGivesOneAck) {
  Init({kTarget});
  uint64_t id = Enqueue(0, {"first", "second"});
  EXPECT_FALSE(sender_->idle());
  Turn();
  ASSERT_EQ(1u, acks_.size());
  EXPECT_EQ(id, acks_[0].batch_id);
  EXPECT_EQ(0u, acks_[0].stream);
  EXPECT_EQ(2u, acks_[0].delivered);
  EXPECT_EQ(0u, acks_[0].rejected);
  EXPECT_TRUE(sender_->idle());
  EXPECT_EQ(0u, sender_->queued_bytes());
  EXPECT_EQ(1u, sender_->stats().requests);
  EXPECT_EQ(2u, sender_->stats().events_delivered);
  EXPECT_EQ(1u, sender_->stats().batches_acked);
  EXPECT_TRUE(sender_->TakeAcks().empty()) << "an ack is handed over once";
}

TEST_F(SenderTest, TheBodySentIsTheBatchBodyByteForByteWithGzipEncoding) {
  Init({kTarget});
  Batch batch = MakeBatch(0, {"caf\xC3\xA9", "tab\there", "quote\"back\\slash"});
  std::string body = batch.body;
  sender_->Enqueue(std::move(batch));
  EXPECT_EQ(body.size(), sender_->queued_bytes());
  Turn();
  ASSERT_EQ(1u, http_.requests().size());
  const SeenRequest& r = http_.requests()[0];
  EXPECT_EQ("PutLogEvents", r.target);
  EXPECT_EQ(body, r.body);
  EXPECT_EQ("gzip", r.header("Content-Encoding"));
  EXPECT_EQ("application/x-amz-json-1.1", r.header("Content-Type"));
  EXPECT_NE("", r.header("Authorization"));
  EXPECT_EQ(body.size(), sender_->stats().body_bytes_sent);
  EXPECT_EQ((Strings{"caf\xC3\xA9", "tab\there", "quote\"back\\slash"}), MessagesOf(r.body));
}

TEST_F(SenderTest, NothingIsAckedBeforeTheAnswerArrives) {
  Init({kTarget});
  bool answer = false;
  http_.set_responder([&](const SeenRequest&) -> std::optional<HttpResponse> {
    if (!answer) return std::nullopt;
    return FakeHttp::Ok();
  });
  Enqueue(0, {"a"});
  for (int i = 0; i < 5; ++i) Turn();
  EXPECT_TRUE(acks_.empty());
  EXPECT_FALSE(sender_->idle());
  EXPECT_EQ(1u, http_.requests().size()) << "the request is not repeated while in flight";
  answer = true;
  Turn();
  EXPECT_EQ(1u, acks_.size());
  EXPECT_TRUE(sender_->idle());
}

TEST_F(SenderTest, DataAlreadyAcceptedCountsAsDelivered) {
  Init({kTarget});
  http_.set_responder([](const SeenRequest&) -> std::optional<HttpResponse> {
    return FakeHttp::AwsError(400, "DataAlreadyAcceptedException", "already");
  });
  Enqueue(0, {"a"});
  Turn();
  ASSERT_EQ(1u, acks_.size());
  EXPECT_EQ(1u, acks_[0].delivered);
}

// ---------------------------------------------------------------------------
// Creating what is missing

TEST_F(SenderTest, AMissingStreamIsCreatedThenTheBatchReplayed) {
  Init({kTarget});
  int puts = 0;
  http_.set_responder([&](const SeenRequest& r) -> std::optional<HttpResponse> {
    if (r.target == "PutLogEvents" && puts++ == 0) {
      return FakeHttp::AwsError(400, "ResourceNotFoundException",
                                "The specified log stream does not exist.");
    }
    return FakeHttp::Ok();
  });
  uint64_t id = Enqueue(0, {"a", "b"});
  RunUntilIdle();
  EXPECT_EQ((Strings{"PutLogEvents", "CreateLogStream", "PutLogEvents"}), Targets(http_));
  const SeenRequest& create = http_.requests()[1];
  EXPECT_EQ(R"({"logGroupName":"/app/group","logStreamName":"host-1"})", create.body);
  EXPECT_EQ("", create.header("Content-Encoding"));
  EXPECT_EQ(http_.requests()[0].body, http_.requests()[2].body) << "the same batch replayed";
  ASSERT_EQ(1u, acks_.size());
  EXPECT_EQ(id, acks_[0].batch_id);
  EXPECT_EQ(2u, acks_[0].delivered);
  EXPECT_EQ(1u, sender_->stats().streams_created);
}

TEST_F(SenderTest, AMissingGroupIsCreatedWithItsRetentionThenTheStream) {
  LogStreamTarget target{"/app/group", "host-1", 14, "INFREQUENT_ACCESS"};
  Init({target});
  std::map<std::string, int> calls;
  http_.set_responder([&](const SeenRequest& r) -> std::optional<HttpResponse> {
    int n = calls[r.target]++;
    if (r.target == "PutLogEvents" && n == 0) {
      return FakeHttp::AwsError(400, "ResourceNotFoundException", "no stream");
    }
    if (r.target == "CreateLogStream" && n == 0) {
      return FakeHttp::AwsError(400, "ResourceNotFoundException",
                                "The specified log group does not exist.");
    }
    return FakeHttp::Ok();
  });
  Enqueue(0, {"a"});
  RunUntilIdle();
  EXPECT_EQ((Strings{"PutLogEvents", "CreateLogStream", "CreateLogGroup",
                     "PutRetentionPolicy", "CreateLogStream", "PutLogEvents"}),
            Targets(http_));
  auto groups = http_.requests_for("CreateLogGroup");
  ASSERT_EQ(1u, groups.size());
  EXPECT_EQ(R"({"logGroupName":"/app/group","logGroupClass":"INFREQUENT_ACCESS"})",
            groups[0].body);
  auto retention = http_.requests_for("PutRetentionPolicy");
  ASSERT_EQ(1u, retention.size());
  EXPECT_EQ(R"({"logGroupName":"/app/group","retentionInDays":14})", retention[0].body);
  EXPECT_EQ(1u, acks_.size());
  EXPECT_EQ(1u, sender_->stats().groups_created);
  EXPECT_EQ(1u, sender_->stats().streams_created);
}

TEST_F(SenderTest, NoRetentionPolicyIsSetWithoutRetentionInDays) {
  for (int retention : {0, -1}) {
    SCOPED_TRACE("retention_in_days " + std::to_string(retention));
    http_ = FakeHttp();
    acks_.clear();
    Init({LogStreamTarget{"/app/group", "host-1", retention, ""}});
    std::map<std::string, int> calls;
    http_.set_responder([&](const SeenRequest& r) -> std::optional<HttpResponse> {
      int n = calls[r.target]++;
      if ((r.target == "PutLogEvents" || r.target == "CreateLogStream") && n == 0) {
        return FakeHttp::AwsError(400, "ResourceNotFoundException", "missing");
      }
      return FakeHttp::Ok();
    });
    Enqueue(0, {"a"});
    RunUntilIdle();
    EXPECT_EQ((Strings{"PutLogEvents", "CreateLogStream", "CreateLogGroup",
                       "CreateLogStream", "PutLogEvents"}),
              Targets(http_));
    EXPECT_EQ(1u, acks_.size());
  }
}

TEST_F(SenderTest, AnExistingStreamCountsAsCreated) {
  Init({kTarget});
  int puts = 0;
  http_.set_responder([&](const SeenRequest& r) -> std::optional<HttpResponse> {
    if (r.target == "PutLogEvents" && puts++ == 0) {
      return FakeHttp::AwsError(400, "ResourceNotFoundException", "missing");
    }
    if (r.target == "CreateLogStream") {
      return FakeHttp::AwsError(400, "ResourceAlreadyExistsException", "exists");
    }
    return FakeHttp::Ok();
  });
  Enqueue(0, {"a"});
  RunUntilIdle();
  EXPECT_EQ((Strings{"PutLogEvents", "CreateLogStream", "PutLogEvents"}), Targets(http_));
  EXPECT_EQ(1u, acks_.size());
  EXPECT_EQ(0u, sender_->stats().streams_created) << "someone else created it";
}

TEST_F(SenderTest, AnExistingGroupCountsAsCreatedAndTheStreamFollows) {
  Init({LogStreamTarget{"/app/group", "host-1", 30, ""}});
  std::map<std::string, int> calls;
  http_.set_responder([&](const SeenRequest& r) -> std::optional<HttpResponse> {
    int n = calls[r.target]++;
    if ((r.target == "PutLogEvents" || r.target == "CreateLogStream") && n == 0) {
      return FakeHttp::AwsError(400, "ResourceNotFoundException", "missing");
    }
    if (r.target == "CreateLogGroup") {
      return FakeHttp::AwsError(400, "ResourceAlreadyExistsException", "exists");
    }
    return FakeHttp::Ok();
  });
  Enqueue(0, {"a"});
  RunUntilIdle();
  EXPECT_EQ((Strings{"PutLogEvents", "CreateLogStream", "CreateLogGroup", "CreateLogStream",
                     "PutLogEvents"}),
            Targets(http_))
      << "a group created by someone else keeps its retention";
  EXPECT_EQ(1u, acks_.size());
}

TEST_F(SenderTest, ARefusedRetentionPolicyDoesNotStopDelivery) {
  Init({LogStreamTarget{"/app/group", "host-1", 13, ""}});
  std::map<std::string, int> calls;
  http_.set_responder([&](const SeenRequest& r) -> std::optional<HttpResponse> {
    int n = calls[r.target]++;
    if ((r.target == "PutLogEvents" || r.target == "CreateLogStream") && n == 0) {
      return FakeHttp::AwsError(400, "ResourceNotFoundException", "missing");
    }
    if (r.target == "PutRetentionPolicy") {
      return FakeHttp::AwsError(400, "InvalidParameterException", "13 is not a valid value");
    }
    return FakeHttp::Ok();
  });
  Enqueue(0, {"a"});
  RunUntilIdle();
  EXPECT_EQ(1u, acks_.size());
  EXPECT_EQ(1, calls["PutRetentionPolicy"]);
  EXPECT_GE(log_.Count(LogLevel::kError, "retention"), 1);
}

// ---------------------------------------------------------------------------
// Transient failures

struct TransientCase {
  const char* name;
  HttpResponse response;
};

class SenderTransientTest : public SenderTest,
                            public ::testing::WithParamInterface<TransientCase> {};

TEST_P(SenderTransientTest, BacksOffAndDeliversTheBatchOnceItSucceeds) {
  SenderOptions options;
  options.backoff = BackoffPolicy{1000, 1000};
  Init({kTarget}, options);
  int puts = 0;
  http_.set_responder([&](const SeenRequest&) -> std::optional<HttpResponse> {
    return puts++ < 2 ? GetParam().response : FakeHttp::Ok();
  });
  uint64_t id = Enqueue(0, {"a", "b"});

  for (int failure = 1; failure <= 2; ++failure) {
    SCOPED_TRACE("after failure " + std::to_string(failure));
    Turn();
    ASSERT_EQ(failure, puts);
    EXPECT_TRUE(acks_.empty());
    auto wake = sender_->NextWakeMs();
    ASSERT_TRUE(wake.has_value());
    int64_t now = clock_.MonotonicMillis();
    ASSERT_GT(*wake, now) << "no backoff";
    EXPECT_LE(*wake, now + 1000);
    clock_.Advance(*wake - now - 1);
    Turn();
    Turn();
    EXPECT_EQ(failure, puts) << "retried before the backoff ended";
    clock_.Advance(1);
  }
  Turn();
  EXPECT_EQ(3, puts);
  ASSERT_EQ(1u, acks_.size());
  EXPECT_EQ(id, acks_[0].batch_id);
  EXPECT_EQ(2u, acks_[0].delivered);
  EXPECT_EQ(2u, sender_->stats().retries);
  EXPECT_EQ(0u, sender_->stats().events_rejected);
  EXPECT_FALSE(mem_.Exists(kRejectedPath));
  // All three attempts carried the same body.
  auto puts_seen = http_.requests_for("PutLogEvents");
  ASSERT_EQ(3u, puts_seen.size());
  EXPECT_EQ(puts_seen[0].body, puts_seen[2].body);
}

HttpResponse WithStatus(int status) {
  HttpResponse r;
  r.status = status;
  return r;
}

INSTANTIATE_TEST_SUITE_P(
    Failures, SenderTransientTest,
    ::testing::Values(
        TransientCase{"Throttling", FakeHttp::AwsError(400, "ThrottlingException", "Rate exceeded")},
        TransientCase{"ServiceUnavailable",
                      FakeHttp::AwsError(503, "ServiceUnavailableException", "")},
        TransientCase{"Bare503", WithStatus(503)},
        TransientCase{"Bare500", WithStatus(500)},
        TransientCase{"ConnectionRefused", FakeHttp::Transport(TransportError::kConnect)},
        TransientCase{"ConnectionReset", FakeHttp::Transport(TransportError::kConnection)},
        TransientCase{"Timeout", FakeHttp::Transport(TransportError::kTimeout)}),
    [](const ::testing::TestParamInfo<TransientCase>& info) { return info.param.name; });

TEST_F(SenderTest, AtMostOneRequestIsInFlightPerStream) {
  Init({kTarget});
  bool answer = false;
  http_.set_responder([&](const SeenRequest&) -> std::optional<HttpResponse> {
    if (!answer) return std::nullopt;
    return FakeHttp::Ok();
  });
  uint64_t b1 = Enqueue(0, {"one"});
  uint64_t b2 = Enqueue(0, {"two"});
  uint64_t b3 = Enqueue(0, {"three"});
  for (int i = 0; i < 5; ++i) Turn();
  EXPECT_EQ(1u, http_.requests().size());
  EXPECT_EQ(1u, http_.in_flight());
  answer = true;
  RunUntilIdle();
  EXPECT_EQ((std::vector<Strings>{{"one"}, {"two"}, {"three"}}), PutMessages());
  ASSERT_EQ(3u, acks_.size());
  EXPECT_EQ(b1, acks_[0].batch_id);
  EXPECT_EQ(b2, acks_[1].batch_id);
  EXPECT_EQ(b3, acks_[2].batch_id);
}

TEST_F(SenderTest, StreamsProceedInParallelUpToMaxInFlight) {
  SenderOptions options;
  options.max_in_flight = 2;
  Init({{"g", "s0", 0, ""}, {"g", "s1", 0, ""}, {"g", "s2", 0, ""}}, options);
  bool answer = false;
  http_.set_responder([&](const SeenRequest&) -> std::optional<HttpResponse> {
    if (!answer) return std::nullopt;
    return FakeHttp::Ok();
  });
  Enqueue(0, {"a"});
  Enqueue(1, {"b"});
  Enqueue(2, {"c"});
  for (int i = 0; i < 3; ++i) Turn();
  EXPECT_EQ(2u, http_.in_flight());
  EXPECT_EQ(2u, http_.requests().size());
  answer = true;
  RunUntilIdle();
  EXPECT_EQ(3u, http_.requests().size());
  EXPECT_EQ(3u, acks_.size());
}

TEST_F(SenderTest, AFailingStreamDoesNotHoldBackAnother) {
  Init({{"g", "broken", 0, ""}, {"g", "fine", 0, ""}});
  http_.set_responder([&](const SeenRequest& r) -> std::optional<HttpResponse> {
    if (BodyHas(r, "to broken")) {
      return FakeHttp::AwsError(503, "ServiceUnavailableException", "");
    }
    return FakeHttp::Ok();
  });
  Enqueue(0, {"to broken"});
  uint64_t fine = Enqueue(1, {"to fine"});
  for (int i = 0; i < 5; ++i) {
    Turn();
    WaitForRetry();
  }
  ASSERT_EQ(1u, acks_.size());
  EXPECT_EQ(fine, acks_[0].batch_id);
}

TEST_F(SenderTest, OrderOfBatchesInAStreamIsKeptAcrossRetries) {
  Init({kTarget});
  int b2_failures = 0;
  http_.set_responder([&](const SeenRequest& r) -> std::optional<HttpResponse> {
    if (BodyHas(r, "b2") && b2_failures < 3) {
      ++b2_failures;
      return b2_failures == 2 ? FakeHttp::Transport(TransportError::kConnection)
                              : FakeHttp::AwsError(400, "ThrottlingException", "");
    }
    return FakeHttp::Ok();
  });
  uint64_t id1 = Enqueue(0, {"b1"});
  uint64_t id2 = Enqueue(0, {"b2"});
  uint64_t id3 = Enqueue(0, {"b3"});
  RunUntilIdle();
  EXPECT_EQ((std::vector<Strings>{{"b1"}, {"b2"}, {"b2"}, {"b2"}, {"b2"}, {"b3"}}),
            PutMessages());
  ASSERT_EQ(3u, acks_.size());
  EXPECT_EQ(id1, acks_[0].batch_id);
  EXPECT_EQ(id2, acks_[1].batch_id);
  EXPECT_EQ(id3, acks_[2].batch_id);
}

TEST_F(SenderTest, WithAStallGiveUpTimeAStreamWithoutProgressFails) {
  SenderOptions options;
  options.stall_give_up_ms = 5000;
  Init({kTarget}, options);
  http_.set_responder([](const SeenRequest&) -> std::optional<HttpResponse> {
    return FakeHttp::AwsError(503, "ServiceUnavailableException", "down");
  });
  Enqueue(0, {"a"});
  int64_t start = clock_.MonotonicMillis();
  RunUntilIdle();
  ASSERT_TRUE(sender_->failed());
  EXPECT_GE(clock_.MonotonicMillis() - start, 5000);
  EXPECT_NE(std::string::npos, sender_->failure().find("ServiceUnavailableException"));
  EXPECT_TRUE(acks_.empty());
}

// ---------------------------------------------------------------------------
// Refused credentials

TEST_F(SenderTest, RefusedCredentialsFailAfterTheAuthGiveUpTimeAndNotBefore) {
  SenderOptions options;
  options.auth_give_up_ms = 10000;
  Init({kTarget}, options);
  http_.set_responder(
      [](const SeenRequest&) -> std::optional<HttpResponse> { return MotoSignatureMismatch(); });
  Enqueue(0, {"a"});
  int64_t start = clock_.MonotonicMillis();
  int64_t failed_after = -1;
  for (int i = 0; i < 10000 && clock_.MonotonicMillis() - start < 3600 * 1000; ++i) {
    Turn();
    if (sender_->failed()) {
      failed_after = clock_.MonotonicMillis() - start;
      break;
    }
    WaitForRetry();
  }
  ASSERT_GE(failed_after, 0) << "never gave up";
  EXPECT_GE(failed_after, 10000) << "gave up before auth_give_up_ms";
  EXPECT_LE(failed_after, 10000 + BackoffPolicy().cap_ms) << "gave up long after";
  EXPECT_GT(http_.requests().size(), 2u) << "retried in between";
  EXPECT_NE(std::string::npos, sender_->failure().find("signature or credentials"))
      << sender_->failure();
  EXPECT_NE(std::string::npos, sender_->failure().find("SignatureDoesNotMatch"));
  EXPECT_TRUE(acks_.empty());
  size_t requests = http_.requests().size();
  Turn();
  EXPECT_EQ(requests, http_.requests().size()) << "a failed sender sends nothing more";
}

TEST_F(SenderTest, WithoutAGiveUpTimeRefusedCredentialsAreRetriedUntilAccepted) {
  Init({kTarget});
  bool refuse = true;
  http_.set_responder([&](const SeenRequest&) -> std::optional<HttpResponse> {
    if (refuse) return FakeHttp::AwsError(400, "UnrecognizedClientException", "bad token");
    return FakeHttp::Ok();
  });
  Enqueue(0, {"a"});
  int64_t start = clock_.MonotonicMillis();
  while (clock_.MonotonicMillis() - start < 3600 * 1000) {
    Turn();
    ASSERT_FALSE(sender_->failed());
    WaitForRetry();
  }
  EXPECT_GT(http_.requests().size(), 10u);
  EXPECT_TRUE(acks_.empty());
  EXPECT_EQ(1, log_.Count(LogLevel::kError, "signature or credentials"))
      << "the refusal is explained once, not on every retry";
  refuse = false;
  RunUntilIdle();
  EXPECT_EQ(1u, acks_.size());
}

TEST_F(SenderTest, WithoutCredentialsNothingIsSentUntilTheyAppear) {
  mem_.UnsetVar("AWS_ACCESS_KEY_ID");
  mem_.UnsetVar("AWS_SECRET_ACCESS_KEY");
  Init({kTarget});
  Enqueue(0, {"a"});
  for (int i = 0; i < 5; ++i) {
    Turn();
    WaitForRetry();
  }
  EXPECT_TRUE(http_.requests().empty());
  EXPECT_GE(log_.Count(LogLevel::kError, "AWS_ACCESS_KEY_ID"), 1);
  mem_.SetVar("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE");
  mem_.SetVar("AWS_SECRET_ACCESS_KEY", "secret");
  RunUntilIdle();
  EXPECT_EQ(1u, acks_.size());
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
  EXPECT_EQ(0u, sender_->queued_bytes());
  EXPECT_TRUE(sender_->idle());
  for (const SeenRequest& r : http_.requests_for("PutLogEvents")) {
    EXPECT_EQ("gzip", r.header("Content-Encoding"));
  }
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

TEST_F(SenderTest, RefusedEventsAreAckedOnlyOnceSafelyInTheRejectedFile) {
  Init({kTarget});
  http_.set_responder([](const SeenRequest&) -> std::optional<HttpResponse> {
    return FakeHttp::AwsError(400, "InvalidParameterException", "bad");
  });
  fault_env_.FailCall(1, FaultKind::kNoSpace, FaultPersistence::kFromThenOn);
  Enqueue(0, {"lonely"});
  for (int i = 0; i < 5; ++i) {
    Turn();
    WaitForRetry();
  }
  EXPECT_TRUE(fault_env_.fired());
  EXPECT_TRUE(acks_.empty()) << "acked although the rejected file could not be written";
  EXPECT_FALSE(sender_->idle());
  fault_env_.FailCall(0, FaultKind::kNoSpace, FaultPersistence::kOnce);  // disk has room again
  RunUntilIdle();
  ASSERT_EQ(1u, acks_.size());
  EXPECT_EQ(1u, acks_[0].rejected);
  auto lines = RejectedLines(mem_);
  ASSERT_GE(lines.size(), 1u);
  EXPECT_EQ("lonely", lines.back().message);
}

TEST_F(SenderTest, AcceptedEventsAreNotSentAgainWhileTheRejectedFileCannotBeWritten) {
  // CloudWatch took events 1 and 2 and refused event 0 as too old. If the
  // refused event cannot be kept yet, the batch must wait, but resending it
  // would store events 1 and 2 twice (DESIGN §1: no duplicates without a
  // crash), and resending at once, without backoff, spins.
  Init({kTarget});
  http_.set_responder([](const SeenRequest&) -> std::optional<HttpResponse> {
    return FakeHttp::Ok(R"({"rejectedLogEventsInfo":{"tooOldLogEventEndIndex":0}})");
  });
  fault_env_.FailCall(1, FaultKind::kNoSpace, FaultPersistence::kFromThenOn);
  Enqueue(0, {"too old", "kept 1", "kept 2"});
  for (int i = 0; i < 20; ++i) {
    Turn();
    WaitForRetry();
  }
  EXPECT_TRUE(acks_.empty());
  EXPECT_EQ(1u, http_.requests_for("PutLogEvents").size())
      << "accepted events were sent again " << http_.requests_for("PutLogEvents").size() - 1
      << " times while the rejected file was unwritable";
  fault_env_.FailCall(0, FaultKind::kNoSpace, FaultPersistence::kOnce);
  RunUntilIdle();
  ASSERT_EQ(1u, acks_.size());
  EXPECT_EQ(2u, acks_[0].delivered);
  EXPECT_EQ(1u, acks_[0].rejected);
  EXPECT_EQ(1u, RejectedLines(mem_).size());
}

// ---------------------------------------------------------------------------
// Timers

TEST_F(SenderTest, NoWakeUpIsNeededWhenNothingWaits) {
  Init({kTarget});
  EXPECT_FALSE(sender_->NextWakeMs().has_value());
  EXPECT_TRUE(sender_->idle());
}

TEST_F(SenderTest, AStreamWaitingOnlyForAFreeRequestSlotAsksForNoTimer) {
  // With more streams than max_in_flight, the waiting stream can only start
  // when an answer frees a slot; a wake-up time in the past would make the
  // main loop poll without sleeping until then.
  SenderOptions options;
  options.max_in_flight = 1;
  Init({{"g", "s0", 0, ""}, {"g", "s1", 0, ""}}, options);
  http_.set_responder([](const SeenRequest&) -> std::optional<HttpResponse> {
    return std::nullopt;
  });
  Enqueue(0, {"a"});
  Enqueue(1, {"b"});
  Turn();
  ASSERT_EQ(1u, http_.in_flight());
  auto wake = sender_->NextWakeMs();
  EXPECT_TRUE(!wake.has_value() || *wake > clock_.MonotonicMillis())
      << "wake-up at " << *wake << ", now is " << clock_.MonotonicMillis();
}

}  // namespace
}  // namespace edgelog
