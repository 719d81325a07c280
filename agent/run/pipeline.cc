#include "agent/run/pipeline.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "agent/io/file_util.h"
#include "agent/run/destination.h"
#include "platform/watcher.h"

namespace edgelog {
namespace {

constexpr size_t kReadSliceBytes = 1 << 20;         // per Tailer::Read call
constexpr size_t kReadPerIterationBytes = 8 << 20;  // then look at the network
constexpr uint32_t kStreamPerFile = UINT32_MAX;     // in stream_of_

// One target per distinct (group, stream); entry i sends to stream_of[i],
// or, with publish_multi_logs, to a stream per file (kStreamPerFile).
void BuildTargets(const Config& config, std::vector<LogStreamTarget>* targets,
                  std::vector<uint32_t>* stream_of) {
  for (const FileEntry& e : config.files) {
    if (e.publish_multi_logs) {
      stream_of->push_back(kStreamPerFile);
      continue;
    }
    LogStreamTarget t = DestinationOf(e, e.file_path);
    auto it = std::find(targets->begin(), targets->end(), t);
    stream_of->push_back(static_cast<uint32_t>(it - targets->begin()));
    if (it == targets->end()) targets->push_back(t);
  }
}

void BuildJournalTargets(const Config& config, std::vector<LogStreamTarget>* targets,
                         std::vector<uint32_t>* stream_of) {
  for (const JournalEntry& e : config.journals) {
    LogStreamTarget t{e.log_group_name, e.log_stream_name,
                      static_cast<int>(e.retention_in_days), e.log_group_class};
    auto it = std::find(targets->begin(), targets->end(), t);
    stream_of->push_back(static_cast<uint32_t>(it - targets->begin()));
    if (it == targets->end()) targets->push_back(t);
  }
}

// The groups whose retention is checked at start: of file entries and
// journal entries alike.
std::vector<LogGroupSettings> GroupsToCheck(const Config& config) {
  std::vector<LogGroupSettings> groups;
  for (const FileEntry& e : config.files) {
    groups.push_back({e.log_group_name, static_cast<int>(e.retention_in_days),
                      e.log_group_class});
  }
  for (const JournalEntry& e : config.journals) {
    groups.push_back({e.log_group_name, static_cast<int>(e.retention_in_days),
                      e.log_group_class});
  }
  return groups;
}

std::vector<AutoRemoval::Entry> RemovalEntries(const Config& config) {
  std::vector<AutoRemoval::Entry> entries;
  for (const FileEntry& e : config.files) entries.push_back({e.file_path, e.auto_removal});
  return entries;
}

TailerOptions TailerOptionsOf(const Config& config, const RunOptions& run) {
  TailerOptions options;
  options.max_open_files = static_cast<size_t>(config.max_open_files);
  options.follow_links_anywhere = config.follow_symlinks_anywhere;
  if (run.open_files_allowed > 0) {
    options.max_open_files = std::min(options.max_open_files, run.open_files_allowed);
  }
  options.once = run.once;
  return options;
}

TailTime Now(Clock& clock) { return TailTime{clock.NowUnixMillis(), clock.MonotonicMillis()}; }

}  // namespace

Pipeline::Pipeline(const AgentDeps& deps, const Config& config,
                   std::vector<TailEntry> entries, LogsRequestContext context,
                   const RunOptions& options)
    : deps_(deps),
      config_(config),
      options_(options),
      checkpoint_path_(JoinPath(config.state_dir, "checkpoints.json")),
      rejected_log_(deps.env, JoinPath(config.state_dir, "rejected.jsonl"),
                    static_cast<uint64_t>(config.rejected_max_bytes)),
      loaded_checkpoints_(LoadCheckpointsOrStartOver(deps.env, deps.log, config.state_dir, entries)),
      tailer_(deps.env, deps.log, std::move(entries), loaded_checkpoints_,
              TailerOptionsOf(config, options)),
      auto_removal_(deps.env, deps.log, RemovalEntries(config)) {
  // The configured streams; the sender adds those of an earlier
  // configuration found in the disk buffer, and names them all.
  std::vector<LogStreamTarget> targets;
  BuildTargets(config, &targets, &stream_of_);
  BuildJournalTargets(config, &targets, &journal_stream_of_);
  BatcherOptions batcher_options;
  batcher_options.flush_interval_ms = config.force_flush_interval_s * 1000;
  batcher_ = std::make_unique<Batcher>(targets, batcher_options);
  SenderOptions sender_options;
  sender_options.max_in_flight = static_cast<size_t>(config.max_in_flight);
  sender_options.max_in_flight_per_stream = static_cast<size_t>(config.max_in_flight_per_stream);
  sender_options.check_groups = GroupsToCheck(config);
  if (options.once) {
    sender_options.auth_give_up_ms = options.once_auth_give_up_ms;
    sender_options.stall_give_up_ms = options.once_stall_give_up_ms;
  }
  uint64_t seed =
      options.seed != 0 ? options.seed : static_cast<uint64_t>(deps.clock.NowUnixMillis());
  sender_ = std::make_unique<Sender>(
      SenderDeps{deps.http, deps.credentials, deps.clock, deps.log, queue_},
      std::move(context), std::move(targets), sender_options, seed);
  SpoolOptions spool_options;
  spool_options.max_bytes = static_cast<uint64_t>(config.buffer_max_bytes);
  spool_options.when_full =
      config.buffer_when_full == "drop_oldest" ? WhenFull::kDropOldest : WhenFull::kBlock;
  auto spool = Spool::Open(deps.env, deps.clock, deps.log, JoinPath(config.state_dir, "buffer"),
                           spool_options);
  if (spool.ok()) {
    spool_ = std::move(*spool);
  } else {
    fatal_ = "cannot open the disk buffer: " + spool.status().ToString();
  }
  StartJournals();
}

void Pipeline::OnRecord(const Record& r) {
  TrackNewSources();  // the tailer may follow (and read) a file mid-Read
  uint32_t stream = StreamOf(r.source);
  if (stream == kNoStream) return;  // refused: never acknowledged, never checkpointed
  auto batch = batcher_->Add(stream, r.timestamp_ms, r.message, deps_.clock.MonotonicMillis());
  if (!batch.ok()) {
    fatal_ = "cannot build a request: " + batch.status().ToString();
    return;
  }
  tracker_.OnRecord(r.source, *batch, r.end_offset);
}

uint32_t Pipeline::StreamOf(uint32_t source) {
  const SourceInfo& s = tailer_.source(source);
  if (uint32_t fixed = stream_of_[s.entry]; fixed != kStreamPerFile) return fixed;
  auto known = stream_of_source_.find(source);
  if (known != stream_of_source_.end()) return known->second;
  // Named after the file as the application writes it: a rotated file's
  // lines stay in the stream of the name they were written under.
  LogStreamTarget target = DestinationOf(config_.files[s.entry], s.live_path);
  if (std::string why = RefusedDestination(target, s.live_path); !why.empty()) {
    // CloudWatch would refuse every request for it, and retrying would hold
    // --once forever: its lines stay in the file, unacknowledged, so its
    // checkpoint never passes them and a corrected configuration sends them.
    if (refused_paths_.insert(s.live_path).second) deps_.log.Error(why);
    stream_of_source_.emplace(source, kNoStream);
    return kNoStream;
  }
  // The sender may know it already (from the disk buffer): one index for
  // both, the batcher's streams kept in step with the sender's.
  uint32_t stream = sender_->StreamFor(target);
  while (batcher_->stream_count() <= stream) {
    batcher_->AddStream(sender_->target(static_cast<uint32_t>(batcher_->stream_count())));
  }
  stream_of_source_.emplace(source, stream);
  return stream;
}

void Pipeline::OnSkipped(uint32_t source, uint64_t end_offset) {
  TrackNewSources();
  if (StreamOf(source) == kNoStream) return;
  tracker_.OnSkipped(source, end_offset);
}

void Pipeline::OnRejected(const Record& r, std::string_view reason) {
  TrackNewSources();
  uint32_t stream = StreamOf(r.source);
  if (stream == kNoStream) return;
  if (rejected_batch_ == 0) rejected_batch_ = batcher_->NewId();
  rejected_.push_back(
      {stream, std::string(reason), ParsedEvent{r.timestamp_ms, std::string(r.message)}});
  rejected_bytes_ += r.message.size() + reason.size();
  CountRejected(reason, 1);
  tracker_.OnRecord(r.source, rejected_batch_, r.end_offset);
}

void Pipeline::KeepRejected(uint32_t stream, const std::string& reason,
                            std::vector<ParsedEvent> events) {
  CountRejected(reason, events.size());
  for (ParsedEvent& e : events) {
    rejected_bytes_ += e.message.size() + reason.size();
    rejected_.push_back({stream, reason, std::move(e)});
  }
}

void Pipeline::WriteRejected() {
  if (rejected_.empty() && after_rejected_.empty()) return;
  // One append per run of equal stream and reason, then the bytes count.
  size_t start = 0;
  for (size_t i = 1; i <= rejected_.size(); ++i) {
    if (i < rejected_.size() && rejected_[i].stream == rejected_[start].stream &&
        rejected_[i].reason == rejected_[start].reason) {
      continue;
    }
    std::vector<ParsedEvent> events;
    for (size_t j = start; j < i; ++j) events.push_back(rejected_[j].event);
    const LogStreamTarget& target = sender_->target(rejected_[start].stream);
    // The reason quotes CloudWatch, which may quote the credentials.
    Status s = rejected_log_.Append(target, events, deps_.log.Redact(rejected_[start].reason),
                                    deps_.clock.NowUnixMillis());
    if (!s.ok()) {
      if (s.ToString() != rejected_problem_) {  // said once, not at every retry
        rejected_problem_ = s.ToString();
        deps_.log.Error("cannot keep rejected records in " + rejected_log_.path() + ": " +
                        s.ToString() + "; will try again (reading pauses while they wait)");
      }
      for (size_t j = 0; j < start; ++j) {
        rejected_bytes_ -= rejected_[j].event.message.size() + rejected_[j].reason.size();
      }
      rejected_.erase(rejected_.begin(), rejected_.begin() + static_cast<std::ptrdiff_t>(start));
      return;
    }
    deps_.log.Warning(std::to_string(events.size()) + " record(s) for " + target.group +
                      " / " + target.stream + " not delivered (" + rejected_[start].reason +
                      "); kept in " + rejected_log_.path());
    start = i;
  }
  rejected_.clear();
  rejected_bytes_ = 0;
  rejected_problem_.clear();
  if (rejected_batch_ != 0) AckBatch(rejected_batch_);
  rejected_batch_ = 0;
  for (const Ack& a : std::exchange(after_rejected_, {})) Release(a);
}

void Pipeline::TrackNewSources() {
  if (tracked_sources_ == tailer_.source_count()) return;
  for (; tracked_sources_ < tailer_.source_count(); ++tracked_sources_) {
    uint32_t id = static_cast<uint32_t>(tracked_sources_);
    tracker_.AddSource(id, tailer_.source(id).start_offset);
  }
}

void Pipeline::Discover() {
  tailer_.Discover();
  TrackNewSources();
  if (deps_.watcher == nullptr) return;
  std::vector<std::string> want = tailer_.WatchDirs();
  std::vector<std::string> have = deps_.watcher->watched();
  for (const std::string& dir : want) {
    if (std::binary_search(have.begin(), have.end(), dir)) continue;
    Status s = deps_.watcher->Watch(dir);
    if (!s.ok() && s.code() != Code::kNotFound) {
      deps_.log.Debug("not watching " + dir + ": " + s.message());
    }
  }
  std::set<std::string> wanted(want.begin(), want.end());
  for (const std::string& dir : have) {
    if (wanted.count(dir) == 0) deps_.watcher->Unwatch(dir);
  }
}

bool Pipeline::ReadFiles() {
  size_t read = 0;
  bool files_left = false;
  for (;;) {
    if (read >= kReadPerIterationBytes || Buffered() >= MemoryBudget()) {
      files_left = !tailer_.AtEnd();
      break;
    }
    size_t n = tailer_.Read(kReadSliceBytes, Now(deps_.clock), *this);
    TrackNewSources();
    if (n == 0) break;
    read += n;
  }
  bool journals_left = ReadJournals();
  return files_left || journals_left;
}

void Pipeline::FlushQuiet() { tailer_.FlushQuiet(Now(deps_.clock), *this); }

void Pipeline::FlushTailer() {
  tailer_.FlushAll(Now(deps_.clock), *this);
  tailer_flushed_ = true;
}

Status Pipeline::SealAndSend(bool everything) {
  Status sealed = everything ? batcher_->SealAll()
                             : batcher_->SealDue(deps_.clock.MonotonicMillis());
  if (spool_ == nullptr) return sealed;
  while (batcher_->HasSealed()) Route(batcher_->PopSealed());
  FlushToSpool();
  SyncSpoolIfDue();
  if (spilling_) FeedSenderFromSpool();
  sender_->Pump();
  return sealed;
}

void Pipeline::Collect() {
  for (const HttpResponse& r : deps_.http.Poll()) sender_->OnResponse(r);
  TakeAcks();
  if (spool_ != nullptr) {
    UpdateSpilling();
    FlushToSpool();
    SyncSpoolIfDue();
    if (spilling_) FeedSenderFromSpool();
  }
  WriteRejected();
  SaveCheckpointsIfDue();
  RemoveDeliveredFiles();
  sender_->Pump();
}

void Pipeline::RemoveDeliveredFiles() {
  if (!auto_removal_.active()) return;
  int64_t now = deps_.clock.MonotonicMillis();
  if (now < next_removal_ms_) return;
  next_removal_ms_ = now + kAutoRemovalIntervalMs;
  bool buffer_empty = spool_ == nullptr ||
                      (spool_->empty() && to_spool_.empty() && unsynced_.empty());
  if (!buffer_empty) return;
  TrackNewSources();
  std::vector<AutoRemoval::Source> sources;
  for (const auto& [id, s] : tailer_.sources()) {
    sources.push_back({s.entry, s.path, s.live_path, s.file_id, tracker_.delivered(id),
                       tracker_.pending(id)});
  }
  auto_removal_.Run(sources, now);
}

void Pipeline::TakeAcks() {
  for (Ack& a : sender_->TakeAcks()) {
    if (a.partial && buffer_seq_of_.count(a.batch_id) > 0) {
      // Read back from the buffer: its parts not answered are appended as
      // records of their own, and its record closes once they are durable
      // (were it kept whole, the parts CloudWatch took would come again).
      rewritten_.insert(a.batch_id);
      ++buffer_holds_[a.batch_id];
    } else if (a.partial) {
      HoldBatch(a.batch_id);  // its other parts go to the buffer
    }
    if (a.refused.empty()) {
      Release(a);
      continue;
    }
    // CloudWatch is done with the batch, but it counts as done only once
    // its refused events are kept.
    for (Refused& r : a.refused) KeepRejected(a.stream, r.reason, std::move(r.events));
    a.refused.clear();
    after_rejected_.push_back(std::move(a));
  }
}

void Pipeline::Release(const Ack& a) {
  dropped_unreadable_ += a.unreadable;
  auto buffered = buffer_seq_of_.find(a.batch_id);
  if (buffered == buffer_seq_of_.end()) {
    AckBatch(a.batch_id);
    return;
  }
  if (auto held = buffer_holds_.find(a.batch_id); held != buffer_holds_.end()) {
    if (--held->second == 0) buffer_holds_.erase(held);
    return;  // its other parts are not durable yet, or its refused events not kept
  }
  if (a.unreadable > 0) {
    // Kept for a human; the problem quotes CloudWatch, which may quote the credentials.
    spool_->SetAside(buffered->second, deps_.log.Redact(a.problem));
  } else {
    spool_->Ack(buffered->second);
  }
  buffer_seq_of_.erase(buffered);
  spool_retry_at_ms_ = 0;  // room again, maybe
}

int64_t Pipeline::WaitMs(bool more_to_read, int64_t idle_ms) const {
  if (more_to_read && Buffered() < MemoryBudget()) return 0;
  int64_t mono = deps_.clock.MonotonicMillis();
  int64_t wait = idle_ms;
  auto until = [&](std::optional<int64_t> deadline, int64_t now) {
    if (deadline) wait = std::min(wait, std::max<int64_t>(0, *deadline - now));
  };
  until(batcher_->NextDueMs(), mono);
  until(sender_->NextWakeMs(), mono);
  if (!tailer_flushed_) until(tailer_.NextFlushMs(), mono);
  until(JournalWakeMs(), mono);
  int64_t http_timeout = deps_.http.NextTimeoutMs();
  if (http_timeout >= 0) wait = std::min(wait, http_timeout);
  if (!rejected_.empty() || !after_rejected_.empty()) {
    wait = std::min<int64_t>(wait, 1000);  // retry the write
  }
  if (!unsynced_.empty()) until(next_sync_ms_, mono);           // group commit
  if (!to_spool_.empty()) until(spool_retry_at_ms_, mono);       // room again?
  if (checkpoints_changed_) until(next_checkpoint_save_ms_, mono);
  return wait;
}

bool Pipeline::Drained() const {
  bool buffer_empty = spool_ == nullptr ||
                      (spool_->empty() && to_spool_.empty() && unsynced_.empty());
  return batcher_->open_bytes() == 0 && !batcher_->HasSealed() && sender_->idle() &&
         rejected_.empty() && after_rejected_.empty() && buffer_empty;
}

size_t Pipeline::Buffered() const {
  // Records waiting for rejected.jsonl count too: while it cannot be
  // written, reading pauses instead of the queue growing.
  return batcher_->sealed_bytes() + batcher_->open_bytes() + queue_.bytes() +
         MemoryHeld() + rejected_bytes_;
}

void Pipeline::SyncBufferIfAny() {
  if (spool_ != nullptr && (!unsynced_.empty() || spool_->has_unsynced())) SyncBuffer();
}

RunSummary Pipeline::Summary() const {
  const TailStats& t = tailer_.stats();
  const SenderStats& st = sender_->stats();
  uint64_t journal_events = 0;
  for (const auto& j : journals_) journal_events += j->stats().events;
  return RunSummary{t.events + journal_events,      st.events_delivered, st.events_rejected + t.too_old,
                    t.empty_lines, st.requests,         t.bytes_read,
                    st.body_bytes_sent, tailer_.source_count(),
                    std::max<uint64_t>(tailer_.sources().size(), tracker_.source_count())};
}

}  // namespace edgelog
