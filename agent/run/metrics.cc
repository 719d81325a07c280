#include "agent/run/metrics.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>

namespace edgelog {
namespace {

// Builds the exposition one family at a time.
class Exposition {
 public:
  void Family(std::string_view name, std::string_view type, std::string_view help) {
    out_.append("# HELP ").append(name).append(" ").append(help).append("\n");
    out_.append("# TYPE ").append(name).append(" ").append(type).append("\n");
  }
  void Sample(std::string_view name, uint64_t value) {
    Sample(name, {}, std::to_string(value));
  }
  void Sample(std::string_view name, std::string_view labels, uint64_t value) {
    Sample(name, labels, std::to_string(value));
  }
  // Milliseconds as seconds, exactly: "-0.500", "61.001".
  void Seconds(std::string_view name, std::string_view labels, int64_t ms) {
    uint64_t magnitude = ms < 0 ? 0 - static_cast<uint64_t>(ms) : static_cast<uint64_t>(ms);
    char text[32];
    std::snprintf(text, sizeof text, "%s%" PRIu64 ".%03" PRIu64, ms < 0 ? "-" : "",
                  magnitude / 1000, magnitude % 1000);
    Sample(name, labels, text);
  }
  // A counter or gauge with one sample.
  void One(std::string_view name, std::string_view type, std::string_view help,
           uint64_t value) {
    Family(name, type, help);
    Sample(name, value);
  }
  std::string Take() { return std::move(out_); }

 private:
  void Sample(std::string_view name, std::string_view labels, const std::string& value) {
    out_.append(name);
    if (!labels.empty()) out_.append("{").append(labels).append("}");
    out_.append(" ").append(value).append("\n");
  }
  std::string out_;
};

std::string Label(std::string_view name, std::string_view value) {
  return std::string(name) + "=\"" + EscapeLabelValue(value) + "\"";
}

// Milliseconds as seconds to a tenth, for /health's sentence.
std::string Tenths(int64_t ms) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", static_cast<double>(ms) / 1000.0);
  return text;
}

}  // namespace

std::string EscapeLabelValue(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string_view RejectionLabel(std::string_view reason) {
  if (reason.rfind("too old", 0) == 0) return "too_old";
  if (reason.rfind("too new", 0) == 0) return "too_new";
  if (reason.rfind("expired", 0) == 0) return "expired";
  if (reason.find("InvalidParameterException") != std::string_view::npos) {
    return "invalid_parameter";
  }
  return "refused";
}

int64_t OldestUndeliveredMs(const MetricsSnapshot& m) {
  int64_t oldest = m.buffer_oldest_age_ms;
  for (const StreamLag& s : m.streams) oldest = std::max(oldest, s.oldest_age_ms);
  return oldest;
}

std::string RenderMetrics(const MetricsSnapshot& m, std::string_view version,
                          int64_t max_lag_ms) {
  Exposition e;
  e.Family("edgelog_build_info", "gauge", "The running edgelog's version.");
  e.Sample("edgelog_build_info", Label("version", version), 1);
  e.Family("edgelog_start_time_seconds", "gauge",
           "Unix time the agent (or its last reload) started; counters count from then.");
  e.Seconds("edgelog_start_time_seconds", {}, m.start_unix_ms);

  e.One("edgelog_read_events_total", "counter",
        "Events made from the lines of files and journal entries read.", m.read_events);
  e.One("edgelog_read_bytes_total", "counter", "Bytes read from files and journalctl.",
        m.read_bytes);
  e.One("edgelog_sent_events_total", "counter", "Events CloudWatch Logs accepted.",
        m.sent_events);
  e.One("edgelog_sent_bytes_total", "counter",
        "PutLogEvents request bodies sent (gzip), retries included.", m.sent_bytes);
  e.One("edgelog_filtered_records_total", "counter", "Records the filters left out.",
        m.filtered);
  e.Family("edgelog_rejected_events_total", "counter",
           "Events not delivered and kept in rejected.jsonl, by reason.");
  for (const char* reason : {"too_old", "too_new", "expired", "invalid_parameter", "refused"}) {
    auto it = m.rejected.find(reason);
    e.Sample("edgelog_rejected_events_total", Label("reason", reason),
             it == m.rejected.end() ? 0 : it->second);
  }
  e.Family("edgelog_dropped_events_total", "counter",
           "Events given up without a copy kept, by reason.");
  for (const char* reason : {"buffer_full", "unreadable"}) {
    auto it = m.dropped.find(reason);
    e.Sample("edgelog_dropped_events_total", Label("reason", reason),
             it == m.dropped.end() ? 0 : it->second);
  }

  e.Family("edgelog_requests_total", "counter",
           "Requests to CloudWatch Logs answered or failed, by outcome.");
  for (size_t i = 0; i < kOutcomeCount; ++i) {
    e.Sample("edgelog_requests_total",
             Label("outcome", OutcomeName(static_cast<Outcome>(i))), m.requests[i]);
  }
  e.One("edgelog_retries_total", "counter", "Requests retried after a backoff.", m.retries);
  e.One("edgelog_throttles_total", "counter",
        "Requests CloudWatch Logs throttled (ThrottlingException, HTTP 429).", m.throttles);

  e.One("edgelog_buffer_bytes", "gauge",
        "Disk buffer: bytes of the batches not acknowledged yet.", m.buffer_bytes);
  e.One("edgelog_buffer_segments", "gauge", "Disk buffer: segment files.", m.buffer_segments);
  e.One("edgelog_buffer_batches", "gauge", "Disk buffer: batches not acknowledged yet.",
        m.buffer_batches);
  e.Family("edgelog_buffer_oldest_age_seconds", "gauge",
           "Disk buffer: age of the oldest batch not read back yet (0: none).");
  e.Seconds("edgelog_buffer_oldest_age_seconds", {}, m.buffer_oldest_age_ms);
  e.One("edgelog_memory_buffered_bytes", "gauge",
        "Batch bytes held in memory (open, sealed, queued, on their way to disk).",
        m.memory_bytes);
  e.One("edgelog_files_followed", "gauge", "Files followed now.", m.files_followed);

  e.Family("edgelog_oldest_undelivered_age_seconds", "gauge",
           "Per stream: age of the oldest line read and not yet delivered (0: none).");
  for (const StreamLag& s : m.streams) {
    e.Seconds("edgelog_oldest_undelivered_age_seconds",
              Label("log_group", s.group) + "," + Label("log_stream", s.stream),
              s.oldest_age_ms);
  }
  e.Family("edgelog_credentials_expiry_timestamp_seconds", "gauge",
           "Unix time the credentials held expire (0: long-term, or none held).");
  e.Seconds("edgelog_credentials_expiry_timestamp_seconds", {},
            m.credentials_expiry_unix_ms);
  e.One("edgelog_credentials_valid", "gauge",
        "1 while credentials are held, unexpired and not refused by CloudWatch Logs.",
        m.credentials_problem.empty() ? 1 : 0);
  e.Family("edgelog_clock_skew_seconds", "gauge",
           "AWS's time minus this host's, from the answers' Date headers (0 until it is "
           "far enough off to sign with AWS's).");
  e.Seconds("edgelog_clock_skew_seconds", {}, m.clock_offset_ms);
  e.One("edgelog_health_ok", "gauge", "1 while /health answers 200.",
        HealthResponse(m, max_lag_ms).status == 200 ? 1 : 0);
  return e.Take();
}

ServedResponse HealthResponse(const MetricsSnapshot& m, int64_t max_lag_ms) {
  ServedResponse r;
  int64_t oldest = OldestUndeliveredMs(m);
  std::string lag = "oldest undelivered line " + Tenths(oldest) + " s old";
  if (oldest >= max_lag_ms + m.flush_interval_ms) {
    std::string where = "in the disk buffer";
    for (const StreamLag& s : m.streams) {
      if (s.oldest_age_ms == oldest) where = "for " + s.group + " / " + s.stream;
    }
    r.status = 503;
    r.body = "lagging: " + lag + " (" + where + "), over the " + Tenths(max_lag_ms) +
             " s of edgelog.health.max_lag_seconds" +
             (m.flush_interval_ms > 0 ? " and the " + Tenths(m.flush_interval_ms) +
                                            " s of logs.force_flush_interval"
                                      : "") +
             "\n";
  } else if (!m.credentials_problem.empty()) {
    r.status = 503;
    r.body = "credentials: " + m.credentials_problem + "\n";
  } else {
    r.body = "ok: " + lag + "\n";
  }
  return r;
}

}  // namespace edgelog
