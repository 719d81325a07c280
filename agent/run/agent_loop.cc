#include "agent/run/agent_loop.h"

#include <algorithm>

#include "agent/base/file_util.h"
#include "agent/batch/batcher.h"
#include "agent/run/ack_tracker.h"
#include "agent/send/rejected_log.h"
#include "agent/send/sender.h"
#include "agent/tail/checkpoint_store.h"
#include "agent/tail/tailer.h"

namespace edgelog {
namespace {

constexpr size_t kReadSliceBytes = 1 << 20;       // per Tailer::Read call
constexpr size_t kReadPerIterationBytes = 8 << 20;  // then look at the network

// One target per distinct (group, stream); entry i sends to stream_of[i].
void BuildTargets(const Config& config, std::vector<LogStreamTarget>* targets,
                  std::vector<uint32_t>* stream_of) {
  for (const FileEntry& e : config.files) {
    LogStreamTarget t{e.log_group_name, e.log_stream_name,
                      static_cast<int>(e.retention_in_days), e.log_group_class};
    auto it = std::find(targets->begin(), targets->end(), t);
    stream_of->push_back(static_cast<uint32_t>(it - targets->begin()));
    if (it == targets->end()) targets->push_back(t);
  }
}

std::vector<std::string> Patterns(const Config& config) {
  std::vector<std::string> out;
  for (const FileEntry& e : config.files) out.push_back(e.file_path);
  return out;
}

}  // namespace

struct AgentLoop::Impl : public RecordSink {
  Impl(const AgentDeps& d, const Config& c, LogsRequestContext context,
       const RunOptions& o, std::vector<Checkpoint> loaded)
      : deps(d),
        config(c),
        options(o),
        checkpoint_path(JoinPath(c.state_dir, "checkpoints.json")),
        rejected(d.env, JoinPath(c.state_dir, "rejected.jsonl")),
        loaded_checkpoints(loaded),
        tailer(d.env, d.log, Patterns(c), std::move(loaded), TailerOptions{}) {
    std::vector<LogStreamTarget> targets;
    BuildTargets(c, &targets, &stream_of);
    BatcherOptions batcher_options;
    batcher_options.flush_interval_ms = c.force_flush_interval_s * 1000;
    batcher = std::make_unique<Batcher>(targets, batcher_options);
    SenderOptions sender_options;
    sender_options.max_in_flight = static_cast<size_t>(c.max_in_flight);
    if (o.once) {
      sender_options.auth_give_up_ms = o.once_auth_give_up_ms;
      sender_options.stall_give_up_ms = o.once_stall_give_up_ms;
    }
    uint64_t seed = o.seed != 0 ? o.seed : static_cast<uint64_t>(d.clock.NowUnixMillis());
    sender = std::make_unique<Sender>(
        SenderDeps{d.http, d.credentials, d.clock, d.log, rejected}, std::move(context),
        targets, sender_options, seed);
  }

  // RecordSink: records go into their stream's open batch.
  void OnRecord(const Record& r) override {
    uint32_t stream = stream_of[tailer.source(r.source).entry];
    auto batch = batcher->Add(stream, r.timestamp_ms, r.message, deps.clock.MonotonicMillis());
    if (!batch.ok()) {
      fatal = "cannot build a request: " + batch.status().ToString();
      return;
    }
    tracker.OnRecord(r.source, *batch, r.end_offset);
  }
  void OnSkipped(uint32_t source, uint64_t end_offset) override {
    tracker.OnSkipped(source, end_offset);
  }

  size_t Buffered() const {
    return batcher->sealed_bytes() + batcher->open_bytes() + sender->queued_bytes();
  }

  void TrackNewSources() {
    for (; tracked_sources < tailer.source_count(); ++tracked_sources) {
      uint32_t id = static_cast<uint32_t>(tracked_sources);
      tracker.AddSource(id, tailer.source(id).start_offset);
    }
  }

  // Reads while there is room; returns true if it stopped with data left.
  bool ReadFiles() {
    size_t read = 0;
    while (read < kReadPerIterationBytes && Buffered() < options.max_buffered_bytes) {
      size_t n = tailer.Read(kReadSliceBytes, deps.clock.NowUnixMillis(), *this);
      TrackNewSources();
      if (n == 0) return false;
      read += n;
    }
    return !tailer.AtEnd();
  }

  Status SaveCheckpoints() {
    std::vector<Checkpoint> all;
    auto put = [&](const Checkpoint& c) {
      for (Checkpoint& existing : all) {
        if (existing.id == c.id) {
          existing = c;
          return;
        }
      }
      all.push_back(c);
    };
    for (const Checkpoint& c : loaded_checkpoints) put(c);
    for (uint32_t id = 0; id < tailer.source_count(); ++id) {
      const SourceInfo& s = tailer.source(id);
      put(Checkpoint{s.file_id, s.path, tracker.delivered(id), s.head});
    }
    return edgelog::SaveCheckpoints(deps.env, checkpoint_path, all);
  }

  // Milliseconds the loop may sleep.
  int64_t WaitMs(int64_t now, bool more_to_read, bool stopping) {
    if (more_to_read && Buffered() < options.max_buffered_bytes) return 0;
    int64_t wait = options.once && !stopping ? 1000 : options.poll_interval_ms;
    auto until = [&](std::optional<int64_t> deadline) {
      if (deadline) wait = std::min(wait, std::max<int64_t>(0, *deadline - now));
    };
    until(batcher->NextDueMs());
    until(sender->NextWakeMs());
    int64_t http_timeout = deps.http.NextTimeoutMs();
    if (http_timeout >= 0) wait = std::min(wait, http_timeout);
    return wait;
  }

  AgentDeps deps;
  const Config& config;
  RunOptions options;
  std::string checkpoint_path;
  RejectedLog rejected;
  std::vector<Checkpoint> loaded_checkpoints;
  Tailer tailer;
  std::vector<uint32_t> stream_of;
  std::unique_ptr<Batcher> batcher;
  std::unique_ptr<Sender> sender;
  AckTracker tracker;
  size_t tracked_sources = 0;
  std::string fatal;
};

AgentLoop::AgentLoop(const AgentDeps& deps, const Config& config,
                     LogsRequestContext context, const RunOptions& options) {
  std::string path = JoinPath(config.state_dir, "checkpoints.json");
  auto loaded = LoadCheckpoints(deps.env, path);
  if (!loaded.ok()) {
    // Start over rather than refuse to start: re-sending beats losing.
    std::string aside = path + ".corrupt";
    deps.env.Rename(path, aside);
    deps.log.Error(loaded.status().message() + "; moved to " + aside +
                   ", files will be read from their start");
    loaded = std::vector<Checkpoint>{};
  }
  impl_ = std::make_unique<Impl>(deps, config, std::move(context), options,
                                 std::move(*loaded));
}

AgentLoop::~AgentLoop() = default;

int AgentLoop::Run() {
  Impl& m = *impl_;
  Clock& clock = m.deps.clock;
  bool stopping = false;
  int64_t stop_deadline = 0;
  int64_t last_rescan = clock.MonotonicMillis();
  m.tailer.Discover();
  m.TrackNewSources();
  if (m.tailer.source_count() == 0) {
    m.deps.log.Warning("no file matches the configured file_path patterns yet");
  }
  int exit_code = kExitOk;
  while (true) {
    int64_t now = clock.MonotonicMillis();
    if (!stopping && m.deps.stop != nullptr && m.deps.stop->stop_requested()) {
      stopping = true;
      stop_deadline = now + m.options.shutdown_grace_ms;
      m.deps.log.Info(std::string(m.deps.stop->signal_name()) +
                      " received: delivering what has been read, then stopping");
    }
    bool more_to_read = false;
    if (!stopping) {
      if (!m.options.once && now - last_rescan >= m.options.rescan_interval_ms) {
        m.tailer.Discover();
        m.TrackNewSources();
        last_rescan = now;
      }
      more_to_read = m.ReadFiles();
    }
    bool read_everything = m.options.once && !more_to_read && m.tailer.AtEnd();
    Status sealed = stopping || read_everything ? m.batcher->SealAll()
                                                : m.batcher->SealDue(now);
    if (!sealed.ok() && m.fatal.empty()) m.fatal = sealed.ToString();
    while (m.batcher->HasSealed()) m.sender->Enqueue(m.batcher->PopSealed());
    m.sender->Pump();

    auto waited = m.deps.poller.Wait(m.WaitMs(now, more_to_read, stopping));
    if (!waited.ok()) m.fatal = waited.status().ToString();
    for (const HttpResponse& r : m.deps.http.Poll()) m.sender->OnResponse(r);
    for (const Ack& a : m.sender->TakeAcks()) m.tracker.OnAck(a.batch_id);
    if (m.tracker.TakeChanged()) {
      Status s = m.SaveCheckpoints();
      if (!s.ok()) m.deps.log.Error("cannot save checkpoints: " + s.ToString());
    }
    m.sender->Pump();

    bool drained = m.batcher->open_bytes() == 0 && !m.batcher->HasSealed() &&
                   m.sender->idle();
    if (!m.fatal.empty()) {
      m.deps.log.Error(m.fatal);
      exit_code = kExitRuntimeFailure;
      break;
    }
    if (m.sender->failed()) {
      m.deps.log.Error("giving up: " + m.sender->failure());
      exit_code = m.options.once ? kExitUndelivered : kExitRuntimeFailure;
      break;
    }
    if ((read_everything || stopping) && drained) break;
    if (stopping && clock.MonotonicMillis() >= stop_deadline) {
      m.deps.log.Warning("stopping with data not yet acknowledged; it will be sent "
                         "again from the files on the next start");
      exit_code = m.options.once ? kExitUndelivered : kExitOk;
      break;
    }
  }
  Status s = m.SaveCheckpoints();
  if (!s.ok()) {
    m.deps.log.Error("cannot save checkpoints: " + s.ToString());
    if (exit_code == kExitOk) exit_code = kExitRuntimeFailure;
  }
  const TailStats& t = m.tailer.stats();
  const SenderStats& st = m.sender->stats();
  summary_ = RunSummary{t.records,           st.events_delivered, st.events_rejected,
                        t.empty_lines,       st.requests,         t.bytes_read,
                        st.body_bytes_sent};
  m.deps.log.Info("delivered " + std::to_string(st.events_delivered) + " events (" +
                  std::to_string(st.events_rejected) + " refused, " +
                  std::to_string(t.empty_lines) + " empty lines skipped) in " +
                  std::to_string(st.requests) + " requests");
  return exit_code;
}

}  // namespace edgelog
