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
#include "agent/journal/cursor_store.h"
#include "agent/journal/journal_source.h"
#include "agent/run/ack_tracker.h"
#include "agent/run/auto_removal.h"
#include "agent/run/agent_loop.h"
#include "agent/run/metrics.h"
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
  // Reads while there is room (files, then journals); true if it stopped
  // with data left to read.
  bool ReadFiles();
  // What the directory watch reported since the last look (see
  // Tailer::WatchingWrites).
  void NoteWatch(bool watching, bool content_changed) {
    tailer_.WatchingWrites(watching);
    if (content_changed) tailer_.WriteReported();
  }
  // --once: every journal was read to its end (or failed: JournalFailures
  // says why).
  bool JournalsAtEnd() const;
  // --once: why journals could not be read ("" when all were).
  std::string JournalFailures() const;
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
  // Files left unread because CloudWatch would refuse their names.
  size_t refused_files() const { return refused_paths_.size(); }
  RunSummary Summary() const;
  // The figures of /metrics and /health that the pipeline knows (all but
  // the credentials and the start time); `now_ms` is monotonic.
  MetricsSnapshot Metrics(int64_t now_ms) const;

 private:
  void TrackNewSources();

  // journal_feed.cc: the journald collect_list entries.
  // Where a JournalSource puts its records: the same batches, tracked by
  // their own AckTracker (journal source ids are the entry indexes).
  class JournalFeed : public RecordSink {
   public:
    explicit JournalFeed(Pipeline& p) : p_(p) {}
    void OnRecord(const Record& r) override;
    void OnSkipped(uint32_t source, uint64_t end_offset) override;
    void OnRejected(const Record& r, std::string_view reason) override;

   private:
    Pipeline& p_;
  };
  void StartJournals();
  // Warns once when the journal directory is missing or holds no journal.
  void WarnOfAnEmptyJournal();
  // The cursor saved for journals[index], or carried from its old key when
  // only its destination changed; "" to start as at a first start.
  std::string SavedCursorOf(size_t index);
  // Reads the journals while there is room; true if one stopped with
  // output left.
  bool ReadJournals();
  // Every tracker learns that batch `id` is done (or will be once more).
  void AckBatch(uint64_t id);
  void HoldBatch(uint64_t id);
  // Saves the journals' delivered cursors when they moved.
  Status SaveJournalCursorsIfMoved();
  std::optional<int64_t> JournalWakeMs() const;
  // The stream (sender and batcher index) source `source` sends to: its
  // entry's, or, with publish_multi_logs, its file's, added at its first
  // record; kNoStream when CloudWatch would refuse the names made from its
  // path (said once per path): its records are not taken.
  static constexpr uint32_t kNoStream = UINT32_MAX - 1;
  uint32_t StreamOf(uint32_t source);
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
  // auto_removal: deletes the files that may go (see AutoRemoval), at most
  // once per kAutoRemovalIntervalMs, and only while nothing waits in the
  // disk buffer (what the tracker counts as done is then what CloudWatch
  // acknowledged, or kept as rejected).
  void RemoveDeliveredFiles();
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
  std::vector<uint32_t> stream_of_;  // entry index → stream index (or one per file)
  // Source id → stream index, for the files of publish_multi_logs entries;
  // dropped when the source is forgotten.
  std::unordered_map<uint32_t, uint32_t> stream_of_source_;
  // Files whose path-made names CloudWatch would refuse (said once each).
  std::set<std::string> refused_paths_;
  std::unique_ptr<Batcher> batcher_;
  // Sealed batches in memory, per stream, until CloudWatch is done with
  // them; the sender works on them in place.
  DeliveryQueue queue_{0};
  std::unique_ptr<Sender> sender_;
  AckTracker tracker_;
  size_t tracked_sources_ = 0;
  // The journals: one source per journald entry, by entry index.
  std::vector<std::unique_ptr<JournalSource>> journals_;
  std::vector<uint32_t> journal_stream_of_;  // journald entry index → stream index
  AckTracker journal_tracker_;
  JournalFeed journal_feed_{*this};
  std::string journal_cursor_path_;
  JournalCursors saved_cursors_;  // as last saved (or loaded)
  std::vector<Rejected> rejected_;
  size_t rejected_bytes_ = 0;  // of the messages and reasons in rejected_
  std::string rejected_problem_;  // the last failure to write them, said once
  // Events sent to rejected_, by RejectionLabel; events given up unreadable.
  std::map<std::string, uint64_t, std::less<>> rejected_by_label_;
  uint64_t dropped_unreadable_ = 0;
  void CountRejected(std::string_view reason, uint64_t events) {
    rejected_by_label_[std::string(RejectionLabel(reason))] += events;
  }

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
  AutoRemoval auto_removal_;
  int64_t next_removal_ms_ = 0;  // monotonic
  static constexpr int64_t kAutoRemovalIntervalMs = 1000;
};

// Loads the checkpoints of `state_dir`, carried to `entries` whose
// destination changed since they were saved (reload.h); a corrupt file is
// moved aside (and said so) and reading starts from the files' beginnings:
// re-sending beats losing.
std::vector<Checkpoint> LoadCheckpointsOrStartOver(Env& env, Logger& log,
                                                   const std::string& state_dir,
                                                   const std::vector<TailEntry>& entries);

}  // namespace edgelog

#endif  // EDGELOG_AGENT_RUN_PIPELINE_H_
