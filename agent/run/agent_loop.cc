#include "agent/run/agent_loop.h"

#include "agent/run/pipeline.h"
#include "platform/watcher.h"

namespace edgelog {

AgentLoop::AgentLoop(const AgentDeps& deps, const Config& config,
                     std::vector<TailEntry> entries, LogsRequestContext context,
                     const RunOptions& options)
    : deps_(deps),
      options_(options),
      pipeline_(std::make_unique<Pipeline>(deps, config, std::move(entries),
                                           std::move(context), options)) {}

AgentLoop::~AgentLoop() = default;

int AgentLoop::Run() {
  Pipeline& p = *pipeline_;
  Clock& clock = deps_.clock;
  bool stopping = false;
  bool flushed = false;  // the tailer has handed on what it held back
  int64_t stop_deadline = 0;
  int64_t last_rescan = clock.MonotonicMillis();
  p.Discover();
  if (p.tailer().source_count() == 0) {
    deps_.log.Warning("no file matches the configured file_path patterns yet");
  }
  int exit_code = kExitOk;
  while (true) {
    int64_t now = clock.MonotonicMillis();
    if (!stopping && deps_.stop != nullptr && deps_.stop->stop_requested()) {
      stopping = true;
      stop_deadline = now + options_.shutdown_grace_ms;
      deps_.log.Info(std::string(deps_.stop->signal_name()) +
                     " received: delivering what has been read, then stopping");
    }
    bool more_to_read = false;
    if (!stopping) {
      WatchChanges changes;
      if (deps_.watcher != nullptr) changes = deps_.watcher->TakeChanges();
      // Rescanning is a safety net while inotify watches; the way to find
      // new files when it does not.
      bool watching = deps_.watcher != nullptr && !deps_.watcher->watched().empty();
      int64_t rescan_every =
          watching ? options_.watched_rescan_interval_ms : options_.rescan_interval_ms;
      if (!options_.once &&
          (changes.names || changes.overflow || now - last_rescan >= rescan_every)) {
        p.Discover();
        last_rescan = now;
      }
      more_to_read = p.ReadFiles();
      p.FlushQuiet();
    }
    bool read_everything = options_.once && !more_to_read && p.tailer().AtEnd();
    if ((read_everything || stopping) && !flushed) {
      p.FlushTailer();  // incomplete last lines and waiting multi-line records
      flushed = true;
    }
    Status sealed = p.SealAndSend(stopping || read_everything);
    if (!sealed.ok()) {
      deps_.log.Error("cannot build a request: " + sealed.ToString());
      exit_code = kExitRuntimeFailure;
      break;
    }

    int64_t idle_ms = options_.once && !stopping ? 1000 : options_.poll_interval_ms;
    auto waited = deps_.poller.Wait(p.WaitMs(more_to_read, idle_ms));
    if (!waited.ok()) {
      deps_.log.Error(waited.status().ToString());
      exit_code = kExitRuntimeFailure;
      break;
    }
    p.Collect();

    if (!p.fatal().empty()) {
      deps_.log.Error(p.fatal());
      exit_code = kExitRuntimeFailure;
      break;
    }
    if (p.sender().failed()) {
      deps_.log.Error("giving up: " + p.sender().failure());
      exit_code = options_.once ? kExitUndelivered : kExitRuntimeFailure;
      break;
    }
    if ((read_everything || stopping) && p.Drained()) break;
    if (stopping && clock.MonotonicMillis() >= stop_deadline) {
      deps_.log.Warning("stopping with data not yet acknowledged; it will be sent "
                        "again from the files on the next start");
      exit_code = options_.once ? kExitUndelivered : kExitOk;
      break;
    }
  }
  p.SpillForStop();     // undelivered batches are kept, not read again
  p.SyncBufferIfAny();  // what was appended counts as kept only once synced
  Status s = p.SaveCheckpoints();
  if (!s.ok()) {
    deps_.log.Error("cannot save checkpoints: " + s.ToString());
    if (exit_code == kExitOk) exit_code = kExitRuntimeFailure;
  }
  summary_ = p.Summary();
  deps_.log.Info("delivered " + std::to_string(summary_.events_delivered) + " events (" +
                 std::to_string(summary_.events_rejected) + " refused, " +
                 std::to_string(summary_.empty_lines) + " empty lines skipped) in " +
                 std::to_string(summary_.requests) + " requests");
  return exit_code;
}

}  // namespace edgelog
