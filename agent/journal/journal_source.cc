#include "agent/journal/journal_source.h"

#include <algorithm>

#include "agent/base/cloudwatch_limits.h"
#include "agent/journal/journal_json.h"
#include "agent/journal/journalctl_args.h"
#include "agent/text/utf8.h"

namespace edgelog {
namespace {

// A line longer than this is no entry journalctl prints with a message
// CloudWatch could take: skipped, not held in memory.
constexpr size_t kMaxLineBytes = 32 << 20;
// Malformed lines logged one by one, at most; then only counted.
constexpr uint64_t kMalformedLogged = 10;
// How often a child whose output ended is looked at until it is reaped.
constexpr int64_t kReapPollMs = 10;


}  // namespace

JournalSource::JournalSource(uint32_t id, std::string name, JournalEntry entry,
                             JournalFilters filters, std::string cursor,
                             ProcessStarter& starter, Logger& log, JournalSourceOptions options)
    : id_(id),
      name_(std::move(name)),
      entry_(std::move(entry)),
      filters_(std::move(filters)),
      starter_(starter),
      log_(log),
      options_(std::move(options)),
      read_cursor_(cursor),
      delivered_cursor_(std::move(cursor)) {}

JournalSource::~JournalSource() = default;

size_t JournalSource::Read(size_t max_bytes, TailTime now, RecordSink& sink) {
  if (finished_) return 0;
  if (!process_) {
    if (now.mono_ms < restart_at_ms_) return 0;
    Start(now);
    if (!process_) return 0;
  }
  process_->WatchOutput(true);
  auto n = process_->Read(&buffer_, max_bytes);
  if (!n.ok()) {
    Failed("cannot read the output of journalctl: " + n.status().ToString(), "", now);
    return 0;
  }
  stats_.bytes_read += *n;
  if (*n > 0) TakeLines(now, sink);
  if (process_ && process_->output_ended()) AfterExit(now, sink);
  return *n;
}

void JournalSource::Pause() {
  if (process_) process_->WatchOutput(false);
}

void JournalSource::Start(TailTime now) {
  JournalctlWhere where{options_.directory, read_cursor_, !options_.once};
  if (read_cursor_.empty() && first_try_unix_ms_ >= 0) {
    where.since_unix_s = first_try_unix_ms_ / 1000;
  } else if (read_cursor_.empty()) {
    first_try_unix_ms_ = now.unix_ms;
  }
  std::vector<std::string> argv = JournalctlArgs(entry_, where);
  auto started = starter_.Start(argv);
  if (!started.ok()) {
    const bool missing = started.status().code() == Code::kNotFound;
    Failed("cannot run journalctl: " + started.status().message(),
           missing ? kJournalctlInstallFix : "", now);
    return;
  }
  process_ = std::move(*started);
  ++stats_.starts;
  read_since_start_ = false;
  reap_pending_ = false;
  std::string from = !read_cursor_.empty() ? " after cursor " + read_cursor_
                     : where.since_unix_s >= 0
                         ? " (first start, tried again: the entries since its first try)"
                         : " (first start: the last " + std::to_string(kFirstStartLines) +
                               " entries, then new ones)";
  log_.Debug(name_ + ": started journalctl" + from);
}

void JournalSource::TakeLines(TailTime now, RecordSink& sink) {
  size_t start = 0;
  for (;;) {
    size_t nl = buffer_.find('\n', start);
    if (nl == std::string::npos) break;
    std::string_view line(buffer_.data() + start, nl - start);
    offset_ += line.size() + 1;
    TakeLine(line, now, sink);
    start = nl + 1;
  }
  buffer_.erase(0, start);
  if (buffer_.size() > kMaxLineBytes) {
    // Dropped whole: its bytes still count, so offsets stay those of the output.
    offset_ += buffer_.size();
    buffer_.clear();
    Malformed("a line longer than " + std::to_string(kMaxLineBytes) + " bytes");
    sink.OnSkipped(id_, offset_);
  }
}

void JournalSource::TakeLine(std::string_view line, TailTime now, RecordSink& sink) {
  if (line.empty()) {  // nothing journalctl prints, but harmless
    sink.OnSkipped(id_, offset_);
    return;
  }
  auto parsed = ParseJournalLine(line);
  if (!parsed.ok()) {
    Malformed(parsed.status().message());
    sink.OnSkipped(id_, offset_);
    return;
  }
  ++stats_.entries;
  read_since_start_ = true;
  read_cursor_ = parsed->cursor;
  cursors_.emplace_back(offset_, parsed->cursor);
  std::string message;
  AppendSanitizedUtf8(parsed->message, &message);
  if (message.empty()) {
    ++stats_.empty;
    sink.OnSkipped(id_, offset_);
    return;
  }
  if (!filters_.Pass(message)) {
    ++stats_.filtered;
    sink.OnSkipped(id_, offset_);
    return;
  }
  Emit(message, parsed->realtime_us / 1000, offset_ - line.size() - 1, now, sink);
}

void JournalSource::Emit(const std::string& message, int64_t time_ms, uint64_t start_offset,
                         TailTime now, RecordSink& sink) {
  Record r;
  r.source = id_;
  // As for files: a time CloudWatch would refuse as too far ahead becomes
  // the time it was read; one too old is kept as rejected, not sent.
  r.timestamp_ms = time_ms > now.unix_ms + kMaxEventFutureMillis ? now.unix_ms : time_ms;
  if (r.timestamp_ms < now.unix_ms - kMaxEventAgeMillis) {
    ++stats_.too_old;
    r.message = message;
    r.end_offset = offset_;
    sink.OnRejected(r, "too old: older than 14 days, CloudWatch Logs would refuse it");
    return;
  }
  // Longer than one event: split on characters; only the last part covers
  // the entry, so a crash between parts sends it whole again.
  std::string_view text = message;
  while (!text.empty()) {
    size_t cut = Utf8BoundaryAtOrBefore(text, kMaxEventMessageBytes);
    bool last = cut == text.size();
    r.message = text.substr(0, cut);
    r.end_offset = last ? offset_ : start_offset;
    sink.OnRecord(r);
    ++stats_.events;
    text.remove_prefix(cut);
  }
}

void JournalSource::Malformed(const std::string& reason) {
  ++stats_.malformed;
  if (stats_.malformed <= kMalformedLogged) {
    log_.Warning(name_ + ": skipped a line journalctl printed: " + reason +
                 (stats_.malformed == kMalformedLogged ? " (more are counted, not logged)" : ""));
  }
}

void JournalSource::AfterExit(TailTime now, RecordSink& sink) {
  std::optional<std::string> exit = process_->TakeExit();
  if (!exit) {
    reap_pending_ = true;  // closed its output; looked at again shortly
    reap_at_ms_ = now.mono_ms + kReapPollMs;
    return;
  }
  reap_pending_ = false;
  process_.reset();
  if (!buffer_.empty()) {
    offset_ += buffer_.size();
    buffer_.clear();
    Malformed("the last line was cut short (journalctl ended mid-line)");
    sink.OnSkipped(id_, offset_);
  }
  if (!exit->empty()) {
    if (exit->find("cursor") != std::string::npos && !read_cursor_.empty()) {
      // A cursor journalctl cannot read (damaged): starting over beats
      // failing forever. Another machine's cursor is not refused: journalctl
      // goes on after its time.
      log_.Warning(name_ + ": journalctl refused cursor " + read_cursor_ + " (" + *exit +
                   "); starting again from the last " + std::to_string(kFirstStartLines) +
                   " entries");
      read_cursor_.clear();
      first_try_unix_ms_ = -1;
      restart_at_ms_ = now.mono_ms;
      return;
    }
    Failed("journalctl " + *exit, kJournalAccessFix, now);
    return;
  }
  if (options_.once) {
    finished_ = true;  // read to the end
    return;
  }
  // --follow does not end by itself: something killed or stopped it.
  Failed("journalctl ended", "", now);
}

void JournalSource::Failed(const std::string& problem, const std::string& fix, TailTime now) {
  process_.reset();
  if (options_.once) {
    finished_ = true;
    failure_ = name_ + ": " + problem + (fix.empty() ? "" : "; " + fix);
    log_.Error(failure_ + "; the journal is not read in this run");
    return;
  }
  if (read_since_start_) restart_delay_ms_ = 0;  // it worked for a while
  read_since_start_ = false;  // a failed start after it doubles the wait again
  restart_delay_ms_ = restart_delay_ms_ == 0
                          ? options_.restart_first_ms
                          : std::min(restart_delay_ms_ * 2, options_.restart_max_ms);
  restart_at_ms_ = now.mono_ms + restart_delay_ms_;
  std::string line = name_ + ": " + problem + (fix.empty() ? "" : "; " + fix);
  std::string when = "; starting journalctl again in " +
                     std::to_string((restart_delay_ms_ + 999) / 1000) + " s";
  if (line != last_problem_) {
    log_.Error(line + when + " (the files are read all the same)");
    last_problem_ = line;
  } else {
    log_.Debug(line + when);
  }
}

void JournalSource::Delivered(uint64_t offset) {
  while (!cursors_.empty() && cursors_.front().first <= offset) {
    delivered_cursor_ = std::move(cursors_.front().second);
    cursors_.pop_front();
  }
}

std::optional<int64_t> JournalSource::NextWakeMs() const {
  if (finished_) return std::nullopt;
  if (!process_) return restart_at_ms_;
  if (reap_pending_) return reap_at_ms_;
  return std::nullopt;
}

}  // namespace edgelog
