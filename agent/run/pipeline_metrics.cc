// Pipeline::Metrics: the pipeline's part of /metrics and /health.
#include <algorithm>
#include <limits>

#include "agent/run/pipeline.h"

namespace edgelog {

MetricsSnapshot Pipeline::Metrics(int64_t now_ms) const {
  MetricsSnapshot m;
  const TailStats& t = tailer_.stats();
  const SenderStats& st = sender_->stats();
  m.read_events = t.events;
  m.read_bytes = t.bytes_read;
  m.filtered = t.filtered;
  for (const auto& j : journals_) {
    m.read_events += j->stats().events;
    m.read_bytes += j->stats().bytes_read;
    m.filtered += j->stats().filtered;
  }
  m.sent_events = st.events_delivered;
  m.sent_bytes = st.body_bytes_sent;
  m.rejected.insert(rejected_by_label_.begin(), rejected_by_label_.end());
  m.dropped["unreadable"] = dropped_unreadable_;
  m.dropped["buffer_full"] = spool_ ? spool_->stats().dropped_events : 0;
  m.requests = st.outcomes;
  m.retries = st.retries;
  m.throttles = st.outcomes[static_cast<size_t>(Outcome::kThrottled)];
  if (spool_) {
    m.buffer_bytes = spool_->bytes();
    m.buffer_segments = spool_->segment_count();
    m.buffer_batches = spool_->batch_count();
    if (auto oldest = spool_->OldestNotTakenMs()) {
      m.buffer_oldest_age_ms = std::max<int64_t>(0, now_ms - *oldest);
    }
  }
  m.memory_bytes = Buffered();
  m.flush_interval_ms = config_.force_flush_interval_s * 1000;
  for (const auto& [id, info] : tailer_.sources()) {
    if (!info.superseded && retired_.count(id) == 0) ++m.files_followed;
  }

  // Each stream's oldest line read and not delivered: in an open or sealed
  // batch, the delivery queue, or on its way to the disk buffer. (Batches
  // in the buffer and not read back count in buffer_oldest_age_ms.)
  size_t streams = queue_.stream_count();
  std::vector<int64_t> oldest(streams, std::numeric_limits<int64_t>::max());
  auto note = [&](const Batch& b) {
    if (b.stream < streams) oldest[b.stream] = std::min(oldest[b.stream], b.read_at_ms);
  };
  batcher_->NoteOldest(&oldest);
  for (uint32_t s = 0; s < streams; ++s) {
    for (const Batch& b : queue_.of(s)) note(b);
  }
  for (const Batch& b : to_spool_) note(b);
  for (const auto& [seq, b] : unsynced_) note(b);
  m.streams.reserve(streams);
  for (uint32_t s = 0; s < streams; ++s) {
    const LogStreamTarget& target = sender_->target(s);
    int64_t age = oldest[s] == std::numeric_limits<int64_t>::max()
                      ? 0
                      : std::max<int64_t>(0, now_ms - oldest[s]);
    m.streams.push_back(StreamLag{target.group, target.stream, age});
  }
  return m;
}

}  // namespace edgelog
