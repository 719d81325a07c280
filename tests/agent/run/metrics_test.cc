// The exposition and the health rule, from snapshots.
#include "agent/run/metrics.h"

#include <gtest/gtest.h>

#include <string>

namespace edgelog {
namespace {

bool HasLine(const std::string& text, const std::string& line) {
  return ("\n" + text).find("\n" + line + "\n") != std::string::npos;
}

MetricsSnapshot Sample() {
  MetricsSnapshot m;
  m.read_events = 12;
  m.read_bytes = 345;
  m.sent_events = 10;
  m.sent_bytes = 99;
  m.filtered = 2;
  m.rejected["too_old"] = 1;
  m.dropped["buffer_full"] = 4;
  m.requests[static_cast<size_t>(Outcome::kOk)] = 3;
  m.requests[static_cast<size_t>(Outcome::kThrottled)] = 2;
  m.retries = 5;
  m.throttles = 2;
  m.buffer_bytes = 4096;
  m.buffer_segments = 1;
  m.buffer_batches = 2;
  m.memory_bytes = 77;
  m.files_followed = 3;
  m.streams = {{"/app/web", "i-1", 1500}, {"/app/db", "i-1", 0}};
  m.credentials_expiry_unix_ms = 1700000000123;
  m.clock_offset_ms = -2500;
  m.start_unix_ms = 1690000000000;
  return m;
}

TEST(MetricsTest, EveryFigureHasItsLine) {
  std::string text = RenderMetrics(Sample(), "1.2.3", 300000);
  for (const char* line : {
           "edgelog_read_events_total 12",
           "edgelog_read_bytes_total 345",
           "edgelog_sent_events_total 10",
           "edgelog_sent_bytes_total 99",
           "edgelog_filtered_records_total 2",
           "edgelog_rejected_events_total{reason=\"too_old\"} 1",
           "edgelog_rejected_events_total{reason=\"refused\"} 0",
           "edgelog_dropped_events_total{reason=\"buffer_full\"} 4",
           "edgelog_dropped_events_total{reason=\"unreadable\"} 0",
           "edgelog_requests_total{outcome=\"ok\"} 3",
           "edgelog_requests_total{outcome=\"throttled\"} 2",
           "edgelog_requests_total{outcome=\"transport_error\"} 0",
           "edgelog_retries_total 5",
           "edgelog_throttles_total 2",
           "edgelog_buffer_bytes 4096",
           "edgelog_buffer_segments 1",
           "edgelog_buffer_batches 2",
           "edgelog_memory_buffered_bytes 77",
           "edgelog_files_followed 3",
           "edgelog_oldest_undelivered_age_seconds{log_group=\"/app/web\",log_stream=\"i-1\"} "
           "1.500",
           "edgelog_oldest_undelivered_age_seconds{log_group=\"/app/db\",log_stream=\"i-1\"} "
           "0.000",
           "edgelog_credentials_expiry_timestamp_seconds 1700000000.123",
           "edgelog_credentials_valid 1",
           "edgelog_clock_skew_seconds -2.500",
           "edgelog_start_time_seconds 1690000000.000",
           "edgelog_build_info{version=\"1.2.3\"} 1",
           "edgelog_health_ok 1",
           "# TYPE edgelog_sent_events_total counter",
           "# TYPE edgelog_buffer_bytes gauge",
       }) {
    EXPECT_TRUE(HasLine(text, line)) << line << "\nin\n" << text;
  }
}

TEST(MetricsTest, EveryFamilyIsDeclaredOnceBeforeItsSamples) {
  std::string text = RenderMetrics(Sample(), "1", 300000);
  std::map<std::string, int> types;
  std::string declared;
  size_t at = 0;
  while (at < text.size()) {
    size_t end = text.find('\n', at);
    ASSERT_NE(std::string::npos, end) << "the last line has no newline";
    std::string line = text.substr(at, end - at);
    at = end + 1;
    if (line.rfind("# TYPE ", 0) == 0) {
      declared = line.substr(7, line.find(' ', 7) - 7);
      EXPECT_EQ(0, types[declared]++) << declared << " declared twice";
    } else if (line[0] != '#') {
      std::string name = line.substr(0, line.find_first_of("{ "));
      EXPECT_EQ(declared, name) << "sample outside its family: " << line;
    }
  }
}

TEST(MetricsTest, LabelValuesAreEscaped) {
  EXPECT_EQ("a\\\\b\\\"c\\nd", EscapeLabelValue("a\\b\"c\nd"));
  MetricsSnapshot m;
  m.streams = {{"g\"x", "s\nt", 0}};
  std::string text = RenderMetrics(m, "v", 1000);
  EXPECT_TRUE(HasLine(text, "edgelog_oldest_undelivered_age_seconds{log_group=\"g\\\"x\","
                            "log_stream=\"s\\nt\"} 0.000"))
      << text;
}

TEST(MetricsTest, NegativeFractionsKeepTheirSign) {
  MetricsSnapshot m;
  m.clock_offset_ms = -500;
  EXPECT_TRUE(HasLine(RenderMetrics(m, "v", 1000), "edgelog_clock_skew_seconds -0.500"));
  m.clock_offset_ms = 61001;
  EXPECT_TRUE(HasLine(RenderMetrics(m, "v", 1000), "edgelog_clock_skew_seconds 61.001"));
}

TEST(MetricsTest, HealthIsGoodWhileTheOldestLineIsYoungerThanTheLimit) {
  MetricsSnapshot m = Sample();
  ServedResponse r = HealthResponse(m, 300000);
  EXPECT_EQ(200, r.status);
  EXPECT_EQ("ok: oldest undelivered line 1.5 s old\n", r.body);

  m.streams[1].oldest_age_ms = 300000;  // exactly the limit: lagging
  r = HealthResponse(m, 300000);
  EXPECT_EQ(503, r.status);
  EXPECT_NE(std::string::npos, r.body.find("for /app/db / i-1")) << r.body;
  EXPECT_NE(std::string::npos, r.body.find("300.0 s old")) << r.body;
  EXPECT_NE(std::string::npos, r.body.find("edgelog.health.max_lag_seconds")) << r.body;
  EXPECT_TRUE(HasLine(RenderMetrics(m, "v", 300000), "edgelog_health_ok 0"));
}

TEST(MetricsTest, TheFlushIntervalIsAllowedOnTopOfTheLimit) {
  MetricsSnapshot m = Sample();
  m.flush_interval_ms = 10000;
  m.streams[0].oldest_age_ms = 309999;  // waiting for its batch to be due, partly
  EXPECT_EQ(200, HealthResponse(m, 300000).status);
  m.streams[0].oldest_age_ms = 310000;
  ServedResponse r = HealthResponse(m, 300000);
  EXPECT_EQ(503, r.status);
  EXPECT_NE(std::string::npos,
            r.body.find("over the 300.0 s of edgelog.health.max_lag_seconds and the 10.0 s of "
                        "logs.force_flush_interval"))
      << r.body;
}

TEST(MetricsTest, TheDiskBufferCountsForLag) {
  MetricsSnapshot m = Sample();
  m.buffer_oldest_age_ms = 400000;
  EXPECT_EQ(400000, OldestUndeliveredMs(m));
  ServedResponse r = HealthResponse(m, 300000);
  EXPECT_EQ(503, r.status);
  EXPECT_NE(std::string::npos, r.body.find("in the disk buffer")) << r.body;
}

TEST(MetricsTest, CredentialProblemsMakeItUnhealthyWhateverTheLag) {
  MetricsSnapshot m = Sample();
  m.credentials_problem = "CloudWatch Logs refuses them (see the log)";
  ServedResponse r = HealthResponse(m, 300000);
  EXPECT_EQ(503, r.status);
  EXPECT_EQ("credentials: CloudWatch Logs refuses them (see the log)\n", r.body);
  EXPECT_TRUE(HasLine(RenderMetrics(m, "v", 300000), "edgelog_credentials_valid 0"));
}

TEST(MetricsTest, RejectionReasonsBecomeFewLabels) {
  EXPECT_EQ("too_old", RejectionLabel("too old: older than 14 days (tooOldLogEventEndIndex)"));
  EXPECT_EQ("too_old", RejectionLabel("too old: waited in the disk buffer past 14 days"));
  EXPECT_EQ("too_new", RejectionLabel("too new: more than 2 hours in the future (x)"));
  EXPECT_EQ("expired", RejectionLabel("expired: older than the log group's retention (x)"));
  EXPECT_EQ("invalid_parameter",
            RejectionLabel("refused: InvalidParameterException: Log event too large"));
  EXPECT_EQ("refused", RejectionLabel("refused: CreateLogStream for g / s: x"));
  EXPECT_EQ("refused", RejectionLabel(""));
}

}  // namespace
}  // namespace edgelog
