#include "agent/run/agent_loop.h"

#include "agent/base/version.h"
#include "agent/run/last_error.h"
#include "agent/run/metrics.h"
#include "agent/run/pipeline.h"
#include "agent/run/progress.h"
#include "platform/watcher.h"

namespace edgelog {

AgentLoop::AgentLoop(const AgentDeps& deps, const Config& config,
                     std::vector<TailEntry> entries, LogsRequestContext context,
                     const RunOptions& options)
    : deps_(deps),
      options_(options),
      pipeline_(std::make_unique<Pipeline>(deps, config, std::move(entries),
                                           std::move(context), options)),
      start_unix_ms_(deps.clock.NowUnixMillis()),
      max_lag_ms_(config.health_max_lag_s * 1000) {}

AgentLoop::~AgentLoop() = default;

int AgentLoop::Run() {
  pipeline_->Discover();
  if (pipeline_->tailer().source_count() == 0 && !pipeline_->tailer().entries().empty()) {
    deps_.log.Warning("no file matches the configured file_path patterns yet");
  }
  if (deps_.progress != nullptr) {
    progress_ = std::make_unique<ProgressMeter>(deps_.clock, *deps_.progress);
  }
  Turns turns;
  turns.last_rescan_ms = deps_.clock.MonotonicMillis();
  std::optional<int> exit_code;
  while (!exit_code) exit_code = Turn(turns);
  return Finish(*exit_code);
}

std::optional<int> AgentLoop::Turn(Turns& t) {
  Pipeline& p = *pipeline_;
  int64_t now = deps_.clock.MonotonicMillis();
  if (!t.stopping && deps_.stop != nullptr && deps_.stop->stop_requested()) {
    t.stopping = true;
    t.stop_deadline_ms = now + options_.shutdown_grace_ms;
    deps_.log.Info(std::string(deps_.stop->signal_name()) +
                   " received: delivering what has been read, then stopping");
  }
  if (!t.stopping) TakeReload(t, now);
  bool more_to_read = !t.stopping && Read(t, now);
  bool read_everything =
      options_.once && !more_to_read && p.tailer().AtEnd() && p.JournalsAtEnd();
  if ((read_everything || t.stopping) && !t.flushed) {
    p.FlushTailer();  // incomplete last lines and waiting multi-line records
    t.flushed = true;
  }
  Status sealed = p.SealAndSend(t.stopping || read_everything);
  if (!sealed.ok()) {
    deps_.log.Error("cannot build a request: " + sealed.ToString());
    return kExitRuntimeFailure;
  }

  int64_t idle_ms = options_.once && !t.stopping ? 1000 : options_.poll_interval_ms;
  auto waited = deps_.poller.Wait(p.WaitMs(more_to_read, idle_ms));
  if (!waited.ok()) {
    deps_.log.Error(waited.status().ToString());
    return kExitRuntimeFailure;
  }
  p.Collect();
  if (progress_ != nullptr && progress_->Due()) progress_->Update(Progress());
  if (deps_.last_error != nullptr) deps_.last_error->SaveIfDue();

  if (!p.fatal().empty()) {
    deps_.log.Error(p.fatal());
    return kExitRuntimeFailure;
  }
  if (p.sender().failed()) {
    deps_.log.Error("giving up: " + p.sender().failure());
    return options_.once ? kExitUndelivered : kExitRuntimeFailure;
  }
  if ((read_everything || t.stopping) && p.Drained()) {
    // --once: a journal that could not be read is a failure of the run,
    // though the files were delivered (its error was logged already).
    if (!p.JournalFailures().empty()) return kExitRuntimeFailure;
    // --once: lines left in files CloudWatch would refuse were not delivered.
    if (options_.once && p.refused_files() > 0) {
      deps_.log.Error(std::to_string(p.refused_files()) + " file(s) not read: CloudWatch "
                      "Logs would refuse the names made from their paths (said above)");
      return kExitUndelivered;
    }
    return kExitOk;
  }
  if (t.stopping && deps_.clock.MonotonicMillis() >= t.stop_deadline_ms) {
    deps_.log.Warning(reloading_ ? "reloading with data not yet acknowledged; it is sent after "
                                   "the reload"
                                 : "stopping with data not yet acknowledged; it is kept (in the "
                                   "disk buffer, or read again from the files) and sent at the "
                                   "next start");
    return options_.once ? kExitUndelivered : kExitOk;
  }
  return std::nullopt;
}

void AgentLoop::TakeReload(Turns& t, int64_t now) {
  if (deps_.stop == nullptr || !deps_.stop->TakeReloadRequest()) return;
  if (options_.once) {
    deps_.log.Info("SIGHUP ignored: --once reads to the end with the configuration it started "
                   "with");
    return;
  }
  if (!deps_.reload) {
    deps_.log.Info("SIGHUP ignored: nothing to reload");
    return;
  }
  if (!deps_.reload()) return;  // said why, and runs on as it was
  reloading_ = true;
  t.stopping = true;
  t.stop_deadline_ms = now + options_.shutdown_grace_ms;
  deps_.log.Info("SIGHUP received: delivering what has been read, then reloading");
}

bool AgentLoop::Read(Turns& t, int64_t now) {
  Pipeline& p = *pipeline_;
  WatchChanges changes;
  if (deps_.watcher != nullptr) changes = deps_.watcher->TakeChanges();
  // Rescanning is a safety net while inotify watches; the way to find new
  // files when it does not.
  bool watching = deps_.watcher != nullptr && !deps_.watcher->watched().empty();
  int64_t rescan_every =
      watching ? options_.watched_rescan_interval_ms : options_.rescan_interval_ms;
  if (!options_.once &&
      (changes.names || changes.overflow || now - t.last_rescan_ms >= rescan_every)) {
    p.Discover();
    t.last_rescan_ms = now;
  }
  p.NoteWatch(watching, changes.content || changes.overflow);
  bool more_to_read = p.ReadFiles();
  p.FlushQuiet();
  return more_to_read;
}

int AgentLoop::Finish(int exit_code) {
  Pipeline& p = *pipeline_;
  p.SpillForStop();     // undelivered batches are kept, not read again
  p.SyncBufferIfAny();  // what was appended counts as kept only once synced
  Status s = p.SaveCheckpoints();
  if (!s.ok()) {
    deps_.log.Error("cannot save checkpoints: " + s.ToString());
    if (exit_code == kExitOk) exit_code = kExitRuntimeFailure;
  }
  if (progress_ != nullptr) progress_->Finish(Progress());
  summary_ = p.Summary();
  deps_.log.Info("delivered " + std::to_string(summary_.events_delivered) + " events (" +
                 std::to_string(summary_.events_rejected) + " refused, " +
                 std::to_string(summary_.empty_lines) + " empty lines skipped) in " +
                 std::to_string(summary_.requests) + " requests");
  return exit_code;
}

ProgressFigures AgentLoop::Progress() {
  Pipeline& p = *pipeline_;
  RunSummary s = p.Summary();
  ProgressFigures f;
  f.bytes_read = s.bytes_read;
  f.events_sent = s.events_delivered;
  // Journald entries alone have no size to measure against.
  if (!p.tailer().entries().empty()) {
    f.total_bytes = s.bytes_read + p.tailer().BytesLeftInOpenFiles();
  }
  return f;
}

MetricsSnapshot AgentLoop::Metrics() {
  MetricsSnapshot m = pipeline_->Metrics(deps_.clock.MonotonicMillis());
  m.start_unix_ms = start_unix_ms_;
  m.clock_offset_ms = pipeline_->sender().clock_offset_ms();
  m.credentials_expiry_unix_ms = deps_.credentials.ExpiresUnixMs();
  auto credentials = deps_.credentials.Get();
  if (!credentials.ok() && credentials.status().code() != Code::kUnavailable) {
    // Not the reason itself: it may quote a credential helper's output, and
    // any client of the endpoint reads this.
    m.credentials_problem = "none held: fetching them failed (see the log)";
  } else if (m.credentials_expiry_unix_ms != 0 &&
             m.credentials_expiry_unix_ms <= deps_.clock.NowUnixMillis()) {
    m.credentials_problem = "expired, and none fetched since (see the log)";
  } else if (pipeline_->sender().credentials_refused()) {
    m.credentials_problem = "CloudWatch Logs refuses them (see the log)";
  }
  return m;
}

ServedResponse AgentLoop::Serve(const ServedRequest& request) {
  std::string path = request.target.substr(0, request.target.find('?'));
  if (path == "/metrics") {
    ServedResponse r;
    r.content_type = "text/plain; version=0.0.4; charset=utf-8";
    r.body = RenderMetrics(Metrics(), kVersion, max_lag_ms_);
    return r;
  }
  if (path == "/health") return HealthResponse(Metrics(), max_lag_ms_);
  ServedResponse r;
  r.status = 404;
  r.body = "not found: edgelog serves /metrics and /health\n";
  return r;
}

}  // namespace edgelog
