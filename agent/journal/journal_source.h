// JournalSource: one journald collect_list entry, read through journalctl.
//
//   journalctl -o json ─► lines ─► MESSAGE, __REALTIME_TIMESTAMP ─► filters ─► sink
//
// Each line journalctl prints is one entry. Its MESSAGE (a string, or the
// byte array journalctl prints for binary data; invalid UTF-8 repaired as
// the files' is) becomes the event, its __REALTIME_TIMESTAMP (µs) the event
// time. Positions are bytes of journalctl's output, counted from 0 over the
// whole run (across restarts of journalctl), so that the AckTracker treats
// a journal like a file; the cursor of an entry is the position's name in
// the journal, and Delivered() turns a delivered offset back into the
// cursor to save. journalctl is started again after the last entry read
// (--after-cursor), so a restart within the run repeats nothing either.
//
// journalctl that cannot be run, or that exits (with an error, or at all
// while following), is started again after a wait that doubles from
// kRestartFirstMs to kRestartMaxMs; each failure is logged, saying what to
// do, once for as long as it repeats. With --once (no --follow) journalctl
// exits at the current end: the source is then at its end, or failed.
//
// Not thread-safe; owned by the main loop.
#ifndef EDGELOG_AGENT_JOURNAL_JOURNAL_SOURCE_H_
#define EDGELOG_AGENT_JOURNAL_JOURNAL_SOURCE_H_

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "agent/base/logger.h"
#include "agent/config/config.h"
#include "agent/journal/journal_filters.h"
#include "agent/tail/record.h"
#include "platform/process.h"

namespace edgelog {

struct JournalSourceOptions {
  std::string directory;  // journalctl --directory; "": the system journal
  bool once = false;      // read to the current end, then stop
  int64_t restart_first_ms = 1000;
  int64_t restart_max_ms = 60000;
};

struct JournalStats {
  uint64_t entries = 0;    // lines that were journal entries
  uint64_t events = 0;     // records handed on
  uint64_t malformed = 0;  // lines skipped: not an entry journalctl should print
  uint64_t filtered = 0;   // left out by the filters
  uint64_t empty = 0;      // no MESSAGE, or an empty one
  uint64_t too_old = 0;    // older than CloudWatch takes
  uint64_t starts = 0;     // journalctl started
  uint64_t bytes_read = 0;
};

class JournalSource {
 public:
  // `id`: the source id its records carry. `name` says which entry it is
  // in log lines ("logs.logs_collected.journald.collect_list[0]"). `cursor`:
  // the last delivered entry's, "" at a first start. `starter` and `log`
  // must outlive it.
  JournalSource(uint32_t id, std::string name, JournalEntry entry, JournalFilters filters,
                std::string cursor, ProcessStarter& starter, Logger& log,
                JournalSourceOptions options);
  ~JournalSource();
  JournalSource(const JournalSource&) = delete;
  JournalSource& operator=(const JournalSource&) = delete;

  // Starts journalctl when due; hands on the entries of what it printed,
  // at most about `max_bytes` of it. Returns the bytes taken.
  size_t Read(size_t max_bytes, TailTime now, RecordSink& sink);
  // Nothing more is wanted for now (memory is full): output stops waking
  // the loop until the next Read.
  void Pause();
  // Bytes up to `offset` are delivered: their last entry's cursor is the
  // one to save.
  void Delivered(uint64_t offset);

  uint32_t id() const { return id_; }
  const std::string& name() const { return name_; }
  // The cursor of the last entry delivered ("" before any).
  const std::string& delivered_cursor() const { return delivered_cursor_; }
  // With --once: journalctl exited and all it printed was handed on, or it
  // failed for good (failure() says why).
  bool AtEnd() const { return finished_; }
  const std::string& failure() const { return failure_; }
  // When Read has work without any output arriving (a restart, a look for
  // the exit): monotonic ms.
  std::optional<int64_t> NextWakeMs() const;
  const JournalStats& stats() const { return stats_; }

 private:
  void Start(TailTime now);
  // Takes the complete lines of buffer_.
  void TakeLines(TailTime now, RecordSink& sink);
  void TakeLine(std::string_view line, TailTime now, RecordSink& sink);
  // `start_offset`: where the entry's line began.
  void Emit(const std::string& message, int64_t time_ms, uint64_t start_offset, TailTime now,
            RecordSink& sink);
  void Malformed(const std::string& reason);
  // journalctl's output ended: reaps it and decides what comes next.
  void AfterExit(TailTime now, RecordSink& sink);
  // journalctl could not run or failed: `problem` logged with the fix, and
  // a restart planned (or, with --once, the end).
  void Failed(const std::string& problem, const std::string& fix, TailTime now);
  void Restart(TailTime now);

  uint32_t id_;
  std::string name_;
  JournalEntry entry_;
  JournalFilters filters_;
  ProcessStarter& starter_;
  Logger& log_;
  JournalSourceOptions options_;

  std::unique_ptr<StreamingProcess> process_;
  std::string buffer_;         // output not yet cut into lines
  uint64_t offset_ = 0;        // bytes of output taken so far, in the run
  std::string read_cursor_;    // the last entry read: where a restart goes on
  // When the first start without a cursor was tried (wall clock, ms; -1:
  // not yet): one tried again before an entry was read (journalctl exits
  // on a journal that has no file yet) reads what was written since, not
  // the last entries of that moment.
  int64_t first_try_unix_ms_ = -1;
  std::string delivered_cursor_;
  // (end offset, cursor) of entries read, not yet delivered.
  std::deque<std::pair<uint64_t, std::string>> cursors_;
  int64_t restart_at_ms_ = 0;  // monotonic: no start before
  int64_t restart_delay_ms_ = 0;
  bool reap_pending_ = false;  // output ended, exit not seen yet
  int64_t reap_at_ms_ = 0;     // monotonic: when to look for it again
  bool finished_ = false;
  bool read_since_start_ = false;
  std::string failure_;
  std::string last_problem_;   // said once while it repeats
  JournalStats stats_;
};

}  // namespace edgelog

#endif  // EDGELOG_AGENT_JOURNAL_JOURNAL_SOURCE_H_
