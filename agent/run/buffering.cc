// Pipeline: the disk buffer between the batcher and the sender.
//
// While CloudWatch keeps up, sealed batches go straight to the sender and
// nothing but checkpoints is written. When the backlog passes
// edgelog.buffer.memory_bytes, or the endpoint stops answering, the pipeline
// spills: every sealed batch is appended to the spool, and becomes safe (its
// lines may be checkpointed) once a group commit has synced it. The sender
// is then fed from the spool, oldest first, so order is kept; when the spool
// is empty and the endpoint answers, batches go straight to the sender again.
#include <algorithm>
#include <set>

#include "agent/base/cloudwatch_limits.h"
#include "agent/batch/gzip.h"
#include "agent/batch/payload.h"
#include "agent/run/pipeline.h"

namespace edgelog {
namespace {

// Group commit: appended batches are synced at least this often.
constexpr int64_t kSyncIntervalMs = 100;
// Batches taken from the spool into the sender's memory, at most.
constexpr size_t kFeedBytes = 2 << 20;

}  // namespace

size_t Pipeline::MemoryHeld() const {
  size_t n = 0;
  for (const Batch& b : to_spool_) n += b.body.size();
  for (const auto& entry : unsynced_) n += entry.second.body.size();
  return n;
}

void Pipeline::UpdateSpilling() {
  bool behind = Buffered() > MemoryBudget();
  if (!spilling_ && (behind || sender_->endpoint_down() || !spool_->empty())) {
    spilling_ = true;
    deps_.log.Info(std::string(behind ? "CloudWatch Logs is behind"
                                      : "CloudWatch Logs does not answer") +
                   "; buffering batches to disk");
    // Batches waiting in memory go first, so that what follows them in
    // their files can be checkpointed once buffered.
    for (Batch& b : TakeUnheld(/*stopping=*/false)) to_spool_.push_back(std::move(b));
  } else if (spilling_ && spool_->empty() && to_spool_.empty() && unsynced_.empty() &&
             !sender_->endpoint_down()) {
    spilling_ = false;
    deps_.log.Info("disk buffer drained; sending straight from memory again");
  }
}

std::vector<Batch> Pipeline::TakeUnheld(bool stopping) {
  std::vector<Batch> out;
  for (uint32_t stream = 0; stream < queue_.stream_count(); ++stream) {
    std::vector<Batch> leaving = queue_.Remove(stream, sender_->Unheld(stream, stopping));
    sender_->Removed(stream);
    for (Batch& b : leaving) out.push_back(std::move(b));
  }
  return out;
}

void Pipeline::Route(Batch batch) {
  UpdateSpilling();
  if (!spilling_) {
    queue_.Push(std::move(batch));
    return;
  }
  to_spool_.push_back(std::move(batch));
}

void Pipeline::FlushToSpool() {
  // After a failed append (a full disk, an unwritable directory) the next
  // try waits, doubling up to kSpoolRetryMaxMs: a busy writer must not make
  // the agent hammer the disk. Room freed by an ack ends the wait.
  int64_t now = deps_.clock.MonotonicMillis();
  if (now < spool_retry_at_ms_) return;
  while (!to_spool_.empty()) {
    Batch& b = to_spool_.front();
    // The sender names every stream a batch can be for, those of an
    // earlier configuration read back from the buffer included.
    const LogStreamTarget& target = sender_->target(b.stream);
    SpooledBatch s{0, target.group, target.stream, static_cast<uint32_t>(b.event_count),
                   static_cast<uint32_t>(b.api_bytes), b.min_timestamp_ms, b.max_timestamp_ms,
                   b.body, b.read_at_ms};
    // The parts left of a record partly answered replace it: not new data.
    auto seq = spool_->Append(s, /*replacing=*/rewritten_.count(b.id) > 0);
    if (!seq.ok()) {
      spool_retry_delay_ms_ = spool_retry_delay_ms_ == 0
                                  ? kSpoolRetryFirstMs
                                  : std::min(2 * spool_retry_delay_ms_, kSpoolRetryMaxMs);
      spool_retry_at_ms_ = now + spool_retry_delay_ms_;
      // Full (block), or the disk is: the batch stays in memory, reading
      // stops once memory fills, and the files keep the data meanwhile.
      if (!warned_full_) {
        deps_.log.Warning("cannot buffer to disk: " + seq.status().message() +
                          "; reading pauses until there is room");
        warned_full_ = true;
      }
      return;
    }
    warned_full_ = false;
    spool_retry_delay_ms_ = 0;
    unsynced_.emplace(*seq, std::move(b));
    to_spool_.pop_front();
    if (next_sync_ms_ == 0) next_sync_ms_ = deps_.clock.MonotonicMillis() + kSyncIntervalMs;
  }
}

void Pipeline::SyncSpoolIfDue() {
  if (unsynced_.empty() && !spool_->has_unsynced()) return;
  if (next_sync_ms_ != 0 && deps_.clock.MonotonicMillis() < next_sync_ms_) return;
  SyncBuffer();
}

void Pipeline::SpillForStop() {
  if (spool_ == nullptr || Drained()) return;
  // Stopping with batches CloudWatch has not taken: keep them in the disk
  // buffer, so their lines are not read (and sent) again at the next start.
  // A request still unanswered is given up too: were its batch left to the
  // files, every batch behind it would be read and sent again.
  spilling_ = true;
  spool_retry_at_ms_ = 0;  // a last try, whatever the backoff
  std::vector<Batch> waiting = TakeUnheld(/*stopping=*/true);
  TakeAcks();  // batches accepted ahead of their turn, settled now
  // Those read back from the disk buffer are still there: sent at the next
  // start, not appended again; but the parts left of one CloudWatch partly
  // answered are appended as records of their own (TakeAcks).
  for (Batch& b : waiting) {
    if (b.in_buffer && rewritten_.count(b.id) > 0) b.in_buffer = false;
  }
  waiting.erase(std::remove_if(waiting.begin(), waiting.end(),
                               [](const Batch& b) { return b.in_buffer; }),
                waiting.end());
  WriteRejected();  // with their refused events, before they count as done
  to_spool_.insert(to_spool_.begin(), std::make_move_iterator(waiting.begin()),
                   std::make_move_iterator(waiting.end()));
  FlushToSpool();
  SyncBuffer();
}

void Pipeline::SyncBuffer() {
  next_sync_ms_ = 0;
  auto durable = spool_->Sync();  // what it lists is what was not dropped
  if (!durable.ok()) {
    // Not durable after all: append them again later, in their order.
    deps_.log.Error("cannot sync the disk buffer: " + durable.status().ToString());
    for (auto it = unsynced_.rbegin(); it != unsynced_.rend(); ++it) {
      to_spool_.push_front(std::move(it->second));
    }
    unsynced_.clear();
    return;
  }
  // Every batch appended before this sync is settled: durable (its lines
  // are safe on disk now) or, with drop_oldest, dropped (counted by the
  // spool). Either way its lines are done, once every part of it is (the
  // parts of a split batch share its id, and one ack covers them all: one
  // still waiting to be appended keeps the batch pending).
  std::set<uint64_t> settled;
  for (auto& [seq, batch] : unsynced_) settled.insert(batch.id);
  unsynced_.clear();
  for (const Batch& waiting : to_spool_) settled.erase(waiting.id);
  for (uint64_t id : settled) {
    if (buffer_seq_of_.count(id) > 0) {
      Ack parts;  // the parts left of a batch read back, durable anew
      parts.batch_id = id;
      Release(parts);
    } else {
      AckBatch(id);
    }
  }
}

void Pipeline::FeedSenderFromSpool() {
  int64_t now = deps_.clock.NowUnixMillis();
  size_t feed = std::min(kFeedBytes, MemoryBudget() / 2);
  while (queue_.bytes() + rejected_bytes_ < feed) {
    std::optional<SpooledBatch> s = spool_->TakeNext();
    if (!s) return;
    uint32_t stream = sender_->StreamFor(s->group, s->stream);
    uint64_t id = batcher_->NewId();
    buffer_seq_of_.emplace(id, s->seq);
    if (s->max_timestamp_ms < now - kMaxEventAgeMillis) {
      // Waited past what CloudWatch accepts: keep the events, do not send.
      Ack expired;
      expired.batch_id = id;
      expired.stream = stream;
      auto json = GunzipBody(s->body, 64 << 20);
      auto events = json.ok() ? ParseEvents(*json)
                              : StatusOr<std::vector<ParsedEvent>>(json.status());
      if (!events.ok()) {
        expired.unreadable = s->event_count;
        expired.problem = "waited in the disk buffer past 14 days, and cannot be read back (" +
                          events.status().ToString() + ")";
        Release(expired);
        continue;
      }
      KeepRejected(stream, "too old: waited in the disk buffer past 14 days",
                   std::move(*events));
      after_rejected_.push_back(expired);
      continue;
    }
    BatchContents saved;
    saved.event_count = s->event_count;
    saved.api_bytes = s->api_bytes;
    saved.min_timestamp_ms = s->min_timestamp_ms;
    saved.max_timestamp_ms = s->max_timestamp_ms;
    saved.read_at_ms = s->read_at_ms;
    queue_.Push(RestoreBatch(id, stream, std::move(s->body), saved));
  }
}

}  // namespace edgelog
