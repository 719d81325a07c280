// What the operator's endpoints say: `GET /metrics` in the Prometheus text
// format and `GET /health`, from a snapshot of the main loop's figures
// (AgentLoop takes it when a request comes, on the loop). Counters start
// from zero when the agent starts and when a reload starts the loop again.
//
// Health tells the truth about lag, not about error counts: it is good
// while the oldest line read and not yet delivered (in a batch, in memory
// or in the disk buffer) is younger than edgelog.health.max_lag_seconds
// plus logs.force_flush_interval (the wait a batch makes on purpose), and
// the credentials are held, unexpired and not refused by CloudWatch.
#ifndef EDGELOG_AGENT_RUN_METRICS_H_
#define EDGELOG_AGENT_RUN_METRICS_H_

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agent/send/classify.h"
#include "platform/http_server.h"

namespace edgelog {

// A stream's oldest undelivered line: its age, 0 when nothing waits.
struct StreamLag {
  std::string group;
  std::string stream;
  int64_t oldest_age_ms = 0;
};

struct MetricsSnapshot {
  uint64_t read_events = 0;  // handed on by the tailer and the journals
  uint64_t read_bytes = 0;   // file bytes and journalctl output read
  uint64_t sent_events = 0;  // accepted by CloudWatch
  uint64_t sent_bytes = 0;   // request bodies sent (gzip), retries included
  uint64_t filtered = 0;     // records the filters left out
  // Events kept in rejected.jsonl, by RejectionLabel; dropped ones by
  // "buffer_full" (edgelog.buffer.when_full: drop_oldest) and "unreadable"
  // (refused, and their body could not be read back).
  std::map<std::string, uint64_t> rejected;
  std::map<std::string, uint64_t> dropped;
  std::array<uint64_t, kOutcomeCount> requests{};  // by Outcome
  uint64_t retries = 0;
  uint64_t throttles = 0;
  uint64_t buffer_bytes = 0;  // disk buffer records not acknowledged
  uint64_t buffer_segments = 0;
  uint64_t buffer_batches = 0;
  uint64_t memory_bytes = 0;  // batch bytes held in memory
  uint64_t files_followed = 0;
  std::vector<StreamLag> streams;
  // The disk buffer's oldest batch not read back yet (its stream is known
  // only once it is): 0 when there is none.
  int64_t buffer_oldest_age_ms = 0;
  int64_t credentials_expiry_unix_ms = 0;  // 0: long-term, or none held
  // "" while the credentials are fine; else why not.
  std::string credentials_problem;
  int64_t clock_offset_ms = 0;  // AWS's time minus ours
  int64_t start_unix_ms = 0;
  // logs.force_flush_interval: how long a line may wait on purpose for its
  // batch to fill; health allows it on top of max_lag.
  int64_t flush_interval_ms = 0;
};

// The oldest undelivered line's age, over every stream and the buffer.
int64_t OldestUndeliveredMs(const MetricsSnapshot& m);

// The exposition, version 0.0.4 of the text format; `max_lag_ms` for
// edgelog_health_ok.
std::string RenderMetrics(const MetricsSnapshot& m, std::string_view version,
                          int64_t max_lag_ms);

// 200 with "ok ..." or 503 with the reason, one line.
ServedResponse HealthResponse(const MetricsSnapshot& m, int64_t max_lag_ms);

// A rejected.jsonl reason as a label: "too_old", "too_new", "expired",
// "invalid_parameter" (a single event CloudWatch refused as invalid), or
// "refused" (any other refusal).
std::string_view RejectionLabel(std::string_view reason);

// A label value in the text format: \, " and newline escaped.
std::string EscapeLabelValue(std::string_view value);

}  // namespace edgelog

#endif  // EDGELOG_AGENT_RUN_METRICS_H_
