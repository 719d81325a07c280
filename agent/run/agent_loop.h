// AgentLoop: the main loop. Owns every stage (tailer, batcher, sender),
// moves data between them, carries acknowledgements back to the
// checkpoints, and decides when to stop. Nothing calls it; it calls all.
//
//   files ─► Tailer ─► Batcher ─► Sender ─► HTTP ─► CloudWatch Logs
//              ▲                               │
//              └── checkpoints ◄── AckTracker ◄┘ (acknowledgements)
#ifndef EDGELOG_AGENT_RUN_AGENT_LOOP_H_
#define EDGELOG_AGENT_RUN_AGENT_LOOP_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "agent/aws/credentials.h"
#include "agent/base/logger.h"
#include "agent/config/config.h"
#include "agent/net/http_client.h"
#include "agent/send/logs_api.h"
#include "platform/clock.h"
#include "platform/env.h"
#include "platform/http_server.h"
#include "platform/poller.h"

namespace edgelog {

class DirWatcher;
class LastErrorFile;
class ProcessStarter;
class Pipeline;
class ProgressMeter;
struct ProgressFigures;
struct MetricsSnapshot;
struct TailEntry;

// Exit codes (DESIGN §3).
inline constexpr int kExitOk = 0;
inline constexpr int kExitRuntimeFailure = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitUndelivered = 3;

struct RunOptions {
  bool once = false;               // read to the end, deliver, exit
  // How often an idle agent wakes up: files are checked for growth then
  // (inotify wakes it at once when one grows).
  int64_t poll_interval_ms = 1000;
  // How often globs are expanded again: every second without inotify, and as
  // a safety net with it (inotify tells about new files at once).
  int64_t rescan_interval_ms = 1000;
  int64_t watched_rescan_interval_ms = 10000;
  int64_t shutdown_grace_ms = 10000;  // delivery time after SIGTERM
  // Files open at once, at most, whatever edgelog.max_open_files says: what
  // the descriptor limit (RLIMIT_NOFILE) leaves once sockets, the disk
  // buffer and the rest have theirs. 0: no limit known.
  size_t open_files_allowed = 0;
  int64_t once_auth_give_up_ms = 20000;   // --once: refused credentials
  int64_t once_stall_give_up_ms = 300000;  // --once: no progress at all
  uint64_t seed = 0;               // jitter; 0 picks one from the clock
};

// What the loop talks to. All must outlive it.
struct AgentDeps {
  Env& env;
  Clock& clock;
  Logger& log;
  Poller& poller;
  HttpClient& http;
  CredentialsProvider& credentials;
  StopSignals* stop = nullptr;  // null: never asked to stop
  DirWatcher* watcher = nullptr;  // null: poll the files instead
  ProcessStarter* processes = nullptr;  // runs journalctl; null: journals cannot be read
  // Where the last error logged is kept for `edgelog status`, saved once a
  // turn when due; null: not kept.
  LastErrorFile* last_error = nullptr;
  // Asked on SIGHUP whether a new configuration is ready to take over (it
  // was read and checked, and said why not if not). Yes: the loop stops as
  // on SIGTERM and reloading() tells the caller to start it. Empty: SIGHUP
  // is ignored, with a word.
  std::function<bool()> reload;
  // Where the progress line is drawn (a terminal, `run --once`); null: no
  // progress line.
  StatusLine* progress = nullptr;
};

struct RunSummary {
  uint64_t lines_read = 0;
  uint64_t events_delivered = 0;
  uint64_t events_rejected = 0;
  uint64_t empty_lines = 0;
  uint64_t requests = 0;
  uint64_t bytes_read = 0;
  uint64_t body_bytes_sent = 0;
  uint64_t files_followed = 0;    // sources followed in the run
  uint64_t files_remembered = 0;  // of those, still held in memory at its end
};

class AgentLoop {
 public:
  // `entries` come from BuildTailEntries(config, ...).
  AgentLoop(const AgentDeps& deps, const Config& config, std::vector<TailEntry> entries,
            LogsRequestContext context, const RunOptions& options);
  ~AgentLoop();
  AgentLoop(const AgentLoop&) = delete;
  AgentLoop& operator=(const AgentLoop&) = delete;

  // Runs until done (--once), stopped (SIGTERM/SIGINT) or failed; returns
  // the exit code.
  int Run();

  const RunSummary& summary() const { return summary_; }
  // True once Run() ended to make way for a new configuration (SIGHUP).
  bool reloading() const { return reloading_; }
  // Answers GET /metrics and /health (metrics.h), on the loop's thread.
  ServedResponse Serve(const ServedRequest& request);

 private:
  // Where the loop is between turns.
  struct Turns {
    bool stopping = false;      // a stop signal came
    bool flushed = false;       // the tailer has handed on what it held back
    int64_t stop_deadline_ms = 0;
    int64_t last_rescan_ms = 0;
  };
  // Starts stopping for a reload when SIGHUP came and a new configuration
  // is ready.
  void TakeReload(Turns& t, int64_t now);
  // Reads, seals and sends, waits, takes answers: one turn. The exit code
  // once the loop must end.
  std::optional<int> Turn(Turns& t);
  // Finds new files when due and reads; true if it stopped with data left.
  bool Read(Turns& t, int64_t now);
  // Keeps what is undelivered, saves checkpoints, says what was done.
  int Finish(int exit_code);
  // Where reading and delivery are, for the progress line.
  ProgressFigures Progress();
  MetricsSnapshot Metrics();

  AgentDeps deps_;
  RunOptions options_;
  std::unique_ptr<Pipeline> pipeline_;
  std::unique_ptr<ProgressMeter> progress_;  // null: no progress line
  RunSummary summary_;
  bool reloading_ = false;
  int64_t start_unix_ms_ = 0;
  int64_t max_lag_ms_ = 0;  // edgelog.health.max_lag_seconds
};

}  // namespace edgelog

#endif  // EDGELOG_AGENT_RUN_AGENT_LOOP_H_
