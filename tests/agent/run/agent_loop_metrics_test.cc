// /metrics and /health as the main loop answers them, against what was
// written and what the fake CloudWatch answered.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "agent/run/agent_loop.h"
#include "tests/agent/run/agent_loop_test_fixture.h"

namespace edgelog {
namespace {

using agent_loop_test::AgentLoopTest;
using agent_loop_test::FakeStop;
using agent_loop_test::kLog;
using agent_loop_test::ScriptedPoller;
using testing::FakeHttp;
using testing::SeenRequest;

// "name{labels} value" lines of an exposition, by "name{labels}".
std::map<std::string, std::string> Samples(const std::string& text) {
  std::map<std::string, std::string> out;
  size_t at = 0;
  while (at < text.size()) {
    size_t end = text.find('\n', at);
    std::string line = text.substr(at, end - at);
    at = end == std::string::npos ? text.size() : end + 1;
    if (line.empty() || line[0] == '#') continue;
    size_t space = line.rfind(' ');
    out[line.substr(0, space)] = line.substr(space + 1);
  }
  return out;
}

class AgentLoopMetricsTest : public AgentLoopTest {
 protected:
  // Runs without --once; `act` is called at each wait with the loop, and
  // SIGTERM comes once it returns true.
  void Run(std::function<bool(int wait, AgentLoop& loop)> act) {
    ScriptedPoller poller(clock_);
    FakeStop stop;
    AgentLoop* running = nullptr;
    poller.on_wait = [&] {
      if (act(poller.waits, *running) || poller.waits > 100000) stop.requested = true;
    };
    options_.once = false;
    AgentDeps deps{env_, clock_, log_, poller, http_, *credentials_, &stop};
    AgentLoop loop(deps, config_, Entries(), context_, options_);
    running = &loop;
    loop.Run();
  }

  static std::map<std::string, std::string> Scrape(AgentLoop& loop) {
    ServedResponse r = loop.Serve(ServedRequest{"GET", "/metrics"});
    EXPECT_EQ(200, r.status);
    EXPECT_EQ("text/plain; version=0.0.4; charset=utf-8", r.content_type);
    return Samples(r.body);
  }

  static const char* Lag() {
    return "edgelog_oldest_undelivered_age_seconds{log_group=\"/app/group\","
           "log_stream=\"host-1\"}";
  }
};

TEST_F(AgentLoopMetricsTest, FiguresFollowWhatWasReadAndDelivered) {
  env_.WriteFile(kLog, "one\ntwo\nthree\n");
  std::map<std::string, std::string> before, after;
  Run([&](int wait, AgentLoop& loop) {
    if (wait == 1) before = Scrape(loop);
    if (http_.requests_for("PutLogEvents").empty() || wait < 20) return false;
    after = Scrape(loop);
    return true;
  });
  EXPECT_EQ("0", before["edgelog_sent_events_total"]);
  EXPECT_EQ("3", after["edgelog_read_events_total"]);
  EXPECT_EQ("14", after["edgelog_read_bytes_total"]);
  EXPECT_EQ("3", after["edgelog_sent_events_total"]);
  EXPECT_EQ(std::to_string(http_.requests_for("PutLogEvents")[0].body.size()),
            after["edgelog_sent_bytes_total"]);
  EXPECT_EQ(std::to_string(http_.requests().size()),
            after["edgelog_requests_total{outcome=\"ok\"}"]);
  EXPECT_EQ("0", after["edgelog_throttles_total"]);
  EXPECT_EQ("1", after["edgelog_files_followed"]);
  EXPECT_EQ("0.000", after[Lag()]);
  EXPECT_EQ("1", after["edgelog_health_ok"]);
  EXPECT_EQ("1", after["edgelog_credentials_valid"]);
}

TEST_F(AgentLoopMetricsTest, ThrottlingIsCountedAndLagTurnsHealthBadThenGoodAgain) {
  config_.health_max_lag_s = 60;
  bool throttling = true;
  http_.set_responder([&](const SeenRequest& r) -> std::optional<HttpResponse> {
    if (throttling && r.target == "PutLogEvents") {
      return FakeHttp::AwsError(400, "ThrottlingException", "Rate exceeded");
    }
    return FakeHttp::Ok();
  });
  env_.WriteFile(kLog, "one\n");
  int64_t start = clock_.MonotonicMillis();
  std::map<std::string, std::string> throttled, recovered;
  ServedResponse lagging, healthy;
  Run([&](int, AgentLoop& loop) {
    if (throttling && clock_.MonotonicMillis() - start >= 120000) {
      throttled = Scrape(loop);
      lagging = loop.Serve(ServedRequest{"GET", "/health"});
      throttling = false;
      return false;
    }
    if (throttling || summary_.events_delivered > 0) return false;
    recovered = Scrape(loop);
    if (recovered["edgelog_sent_events_total"] != "1") return false;
    healthy = loop.Serve(ServedRequest{"GET", "/health"});
    return true;
  });
  int64_t throttles = std::stoll(throttled["edgelog_throttles_total"]);
  EXPECT_GT(throttles, 1);
  EXPECT_EQ(throttled["edgelog_throttles_total"],
            throttled["edgelog_requests_total{outcome=\"throttled\"}"]);
  EXPECT_GE(std::stoll(throttled["edgelog_retries_total"]), throttles);
  EXPECT_EQ("0", throttled["edgelog_sent_events_total"]);
  double lag = std::stod(throttled[Lag()]);
  EXPECT_GE(lag, 110.0) << "the line was read at the start, 120 s before";
  EXPECT_LE(lag, 125.0);
  EXPECT_EQ("0", throttled["edgelog_health_ok"]);
  EXPECT_EQ(503, lagging.status);
  EXPECT_NE(std::string::npos, lagging.body.find("for /app/group / host-1")) << lagging.body;

  EXPECT_EQ("0.000", recovered[Lag()]);
  EXPECT_EQ("1", recovered["edgelog_health_ok"]);
  EXPECT_EQ(200, healthy.status) << healthy.body;
  EXPECT_EQ(0u, healthy.body.rfind("ok: ", 0)) << healthy.body;
}

TEST_F(AgentLoopMetricsTest, RefusedCredentialsMakeHealthBad) {
  http_.set_responder([&](const SeenRequest&) -> std::optional<HttpResponse> {
    return FakeHttp::AwsError(400, "UnrecognizedClientException", "bad key");
  });
  env_.WriteFile(kLog, "one\n");
  ServedResponse health;
  std::map<std::string, std::string> samples;
  Run([&](int, AgentLoop& loop) {
    if (http_.requests().size() < 2) return false;
    health = loop.Serve(ServedRequest{"GET", "/health"});
    samples = Scrape(loop);
    return true;
  });
  EXPECT_EQ(503, health.status);
  EXPECT_EQ("credentials: CloudWatch Logs refuses them (see the log)\n", health.body);
  EXPECT_EQ("0", samples["edgelog_credentials_valid"]);
  EXPECT_NE("0", samples["edgelog_requests_total{outcome=\"auth_error\"}"]);
}

TEST_F(AgentLoopMetricsTest, OtherPathsAreNotFoundAndAQueryIsIgnored) {
  env_.WriteFile(kLog, "one\n");
  ServedResponse missing, with_query;
  Run([&](int, AgentLoop& loop) {
    missing = loop.Serve(ServedRequest{"GET", "/"});
    with_query = loop.Serve(ServedRequest{"GET", "/health?verbose=1"});
    return true;
  });
  EXPECT_EQ(404, missing.status);
  EXPECT_EQ(200, with_query.status) << with_query.body;
}

}  // namespace
}  // namespace edgelog
