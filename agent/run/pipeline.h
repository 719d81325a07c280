// Pipeline: the stages the main loop owns, wired together. Records from the
// tailer go into batches; sealed batches go to the delivery queue (or the
// disk buffer, and back to the queue from it), where the sender works on
// them in place until CloudWatch is done with them; acknowledgements
// come back through the AckTracker to the checkpoints. The pipeline alone
// writes rejected.jsonl: records the tailer rejects (too old), events
// CloudWatch refused (they come with the sender's Ack) and batches that
// waited in the disk buffer past what CloudWatch accepts are kept there
// before their bytes count as done.
#ifndef EDGELOG_AGENT_RUN_PIPELINE_H_
#define EDGELOG_AGENT_RUN_PIPELINE_H_

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "agent/batch/batcher.h"
#include "agent/run/ack_tracker.h"
#include "agent/run/agent_loop.h"
#include "agent/send/rejected_log.h"
#include "agent/send/sender.h"
#include "agent/spool/spool.h"
#include "agent/tail/checkpoint_store.h"
#include "agent/tail/tailer.h"

namespace edgelog {

class Pipeline : public RecordSink {
 public:
  Pipeline(const AgentDeps& deps, const Config& config, std::vector<TailEntry> entries,
           LogsRequestContext context, const RunOptions& options);

  // RecordSink.
  void OnRecord(const Record& r) override;
  void OnSkipped(uint32_t source, uint64_t end_offset) override;
  void OnRejected(const Record& r, std::string_view reason) override;

  // Finds new files and keeps the watched directories in step.
  void Discover();
  // Reads while there is room; true if it stopped with data left to read.
  bool ReadFiles();
  // Hands on multi-line records that waited long enough.
  void FlushQuiet();
  // Hands on what the tailer holds back (shutdown, end of --once); the
  // files are not read after that.
  void FlushTailer();
  // Seals due batches (all with `everything`) and hands them to the sender.
  Status SealAndSend(bool everything);
  // Takes finished requests and acknowledgements; saves checkpoints when
  // they moved. Writes rejected records first.
  void Collect();
  // Makes what the disk buffer holds durable now (before stopping).
  void SyncBufferIfAny();
  // Before stopping: batches not delivered go to the disk buffer.
  void SpillForStop();
  Status SaveCheckpoints();

  // Milliseconds the loop may sleep.
  int64_t WaitMs(bool more_to_read, int64_t idle_ms) const;
  // Nothing waits in a batch, the delivery queue, the sender or the
  // rejected queue.
  bool Drained() const;
  // Batch bytes held in memory: open and sealed in the batcher, in the
  // delivery queue, waiting for the disk buffer. The one measure of
  // edgelog.buffer.memory_bytes (MemoryBudget): past it batches spill to
  // disk, and reading pauses until they have.
  size_t Buffered() const;
  size_t MemoryBudget() const { return static_cast<size_t>(config_.buffer_memory_bytes); }

  Tailer& tailer() { return tailer_; }
  Sender& sender() { return *sender_; }
  const std::string& fatal() const { return fatal_; }
  RunSummary Summary() const;

 private:
  void TrackNewSources();
  // Forgets the sources retired by this save (`now_retired`), and every
  // retired source once per kForgetRetryMs.
  void ForgetRetired(const std::vector<uint32_t>& now_retired);
  // The checkpoint of source `id` now: its delivered offset, and the
  // fingerprint of the bytes before it (read again only when it moved).
  Checkpoint CheckpointOf(uint32_t id, const SourceInfo& s);
  // Appends the records waiting for rejected.jsonl; once all are there,
  // releases what waited on them.
  void WriteRejected();
  // Queues events for rejected.jsonl.
  void KeepRejected(uint32_t stream, const std::string& reason,
                    std::vector<ParsedEvent> events);
  // Takes the sender's finished batches: released at once, or once their
  // refused events are in rejected.jsonl.
  void TakeAcks();
  // A batch is done: its lines count as delivered, or its disk buffer
  // record is removed (or set aside when unreadable).
  void Release(const Ack& ack);

  // buffering.cc: the disk buffer between the batcher and the sender.
  void Route(Batch batch);
  // Removes from the delivery queue the batches no request holds (with
  // `stopping`, those whose request is unanswered too), oldest first per
  // stream: for the disk buffer.
  std::vector<Batch> TakeUnheld(bool stopping);
  void FlushToSpool();
  // Saves the checkpoints when lines were acknowledged since the last save
  // and the last save is kCheckpointIntervalMs old.
  void SaveCheckpointsIfDue();
  void SyncSpoolIfDue();
  void SyncBuffer();
  void FeedSenderFromSpool();
  void UpdateSpilling();
  size_t MemoryHeld() const;

  // A record waiting to be appended to rejected.jsonl.
  struct Rejected {
    uint32_t stream;  // the sender's index
    std::string reason;
    ParsedEvent event;
  };

  AgentDeps deps_;
  const Config& config_;
  RunOptions options_;
  std::string checkpoint_path_;
  RejectedLog rejected_log_;
  std::vector<Checkpoint> loaded_checkpoints_;
  // Per source: the offset last saved and the fingerprint before it.
  std::map<uint32_t, std::pair<uint64_t, Fingerprint>> before_;
  // Sources finished, their file gone from its path: their checkpoints are
  // not saved again, and they are forgotten (tailer and tracker) once the
  // tailer can be sure their file will not be met again.
  std::set<uint32_t> retired_;
  int64_t next_forget_ms_ = 0;  // monotonic: when every retired source is tried again
  static constexpr int64_t kForgetRetryMs = 30000;
  Tailer tailer_;
  std::vector<uint32_t> stream_of_;  // entry index → stream index
  std::unique_ptr<Batcher> batcher_;
  // Sealed batches in memory, per stream, until CloudWatch is done with
  // them; the sender works on them in place.
  DeliveryQueue queue_{0};
  std::unique_ptr<Sender> sender_;
  AckTracker tracker_;
  size_t tracked_sources_ = 0;
  std::vector<Rejected> rejected_;
  size_t rejected_bytes_ = 0;  // of the messages and reasons in rejected_
  std::string rejected_problem_;  // the last failure to write them, said once

  // The disk buffer. While spilling, sealed batches go to the spool (kept in
  // memory until synced), and the sender is fed from it, oldest first.
  std::unique_ptr<Spool> spool_;
  bool spilling_ = false;
  std::deque<Batch> to_spool_;          // sealed, not yet appended (full, or errors)
  std::map<uint64_t, Batch> unsynced_;  // appended, not yet durable: by spool seq
  int64_t next_sync_ms_ = 0;
  bool warned_full_ = false;
  bool checkpoints_changed_ = false;  // acknowledged since the last save
  bool tailer_flushed_ = false;       // reading is over: its timers no longer count
  int64_t next_checkpoint_save_ms_ = 0;
  static constexpr int64_t kCheckpointIntervalMs = 1000;
  int64_t spool_retry_at_ms_ = 0;     // no append before (monotonic), after a failure
  int64_t spool_retry_delay_ms_ = 0;  // the wait after the last failure
  static constexpr int64_t kSpoolRetryFirstMs = 100;
  static constexpr int64_t kSpoolRetryMaxMs = 5000;
  uint64_t rejected_batch_ = 0;  // AckTracker id of the rejected records waiting
  std::vector<Ack> after_rejected_;  // released once rejected_ is written
  // Batch id → disk buffer record, for batches read back from the buffer.
  std::unordered_map<uint64_t, uint64_t> buffer_seq_of_;
  // Of those, split batches partly answered at a stop: their other parts
  // are appended anew, and their record closes after one more Release
  // than it would take (their parts durable, their refused events kept).
  std::set<uint64_t> rewritten_;
  std::unordered_map<uint64_t, int> buffer_holds_;
  std::string fatal_;
};

// Loads the checkpoints of `state_dir`; a corrupt file is moved aside (and
// said so) and reading starts from the files' beginnings: re-sending beats
// losing.
std::vector<Checkpoint> LoadCheckpointsOrStartOver(Env& env, Logger& log,
                                                   const std::string& state_dir);

}  // namespace edgelog

#endif  // EDGELOG_AGENT_RUN_PIPELINE_H_
