// edgelog status: reading the state directory (the report is built in
// status_report.cc).
#include "agent/cli/status.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>

#include "agent/cli/setup.h"
#include "agent/config/config.h"
#include "agent/io/file_util.h"
#include "agent/journal/cursor_store.h"
#include "agent/run/agent_loop.h"
#include "agent/spool/spool_format.h"
#include "agent/tail/checkpoint_store.h"

namespace edgelog {
namespace {

// Whether an agent holds the state directory's lock: the directory itself
// and its lock file (LockStateDir takes both). Both must be held, so that
// another file system's locked file of the same inode number (IsLocked
// knows files by inode) cannot pass for the agent; a lock file someone
// removed does not count against it.
void ReadRunning(Env& env, const std::string& dir, StateStatus* out) {
  auto dir_locked = env.IsLocked(dir);
  auto file_locked = env.IsLocked(JoinPath(dir, "lock"));
  if (!dir_locked.ok()) {
    out->running_problem = dir_locked.status().message();
    return;
  }
  bool file_missing = !file_locked.ok() && file_locked.status().code() == Code::kNotFound;
  if (!file_locked.ok() && !file_missing) {
    out->running_problem = file_locked.status().message();
    return;
  }
  out->running = *dir_locked && (file_missing || *file_locked) ? AgentRunning::kYes
                                                                : AgentRunning::kNo;
}

FileStatus FileStatusOf(Env& env, const Checkpoint& c) {
  FileStatus f;
  f.path = c.path;
  f.entry = c.entry;
  f.offset = c.offset;
  auto info = env.Stat(c.path);
  if (!info.ok()) {
    f.state = info.status().code() == Code::kNotFound ? FileStatus::State::kGone
                                                      : FileStatus::State::kUnreadable;
    if (f.state == FileStatus::State::kUnreadable) f.problem = info.status().message();
    return f;
  }
  if (info->id != c.id) {
    f.state = FileStatus::State::kReplaced;
    return f;
  }
  f.size = info->size;
  f.state = info->size < c.offset ? FileStatus::State::kTruncated : FileStatus::State::kFollowed;
  return f;
}

// LoadCheckpoints reads the file through one descriptor: a save renaming a
// new file in meanwhile gives the old set or the new one, whole.
void ReadFiles(Env& env, const std::string& dir, StateStatus* out) {
  auto checkpoints = LoadCheckpoints(env, JoinPath(dir, "checkpoints.json"));
  if (!checkpoints.ok()) {
    out->checkpoints_problem = checkpoints.status().message();
    return;
  }
  for (const Checkpoint& c : *checkpoints) out->files.push_back(FileStatusOf(env, c));
}

void ReadJournals(Env& env, const std::string& dir, StateStatus* out) {
  auto cursors = LoadJournalCursors(env, JoinPath(dir, "journal_cursors.json"));
  if (!cursors.ok()) {
    out->journals_problem = cursors.status().message();
    return;
  }
  for (const auto& [key, cursor] : *cursors) {
    // "GROUP\nSTREAM\nSELECTION" (cursor_store.h); older files differ.
    JournalStatus j;
    size_t first = key.find('\n');
    size_t second = first == std::string::npos ? first : key.find('\n', first + 1);
    if (second == std::string::npos) {
      j.group = key;
    } else {
      j.group = key.substr(0, first);
      j.stream = key.substr(first + 1, second - first - 1);
      j.selection = key.substr(second + 1);
    }
    j.cursor = cursor;
    out->journals.push_back(std::move(j));
  }
}

// What one batch record of the buffer holds, for the totals.
struct BatchSummary {
  uint64_t record_bytes;
  uint32_t events;
  int64_t min_timestamp_ms;
};

// The segments, oldest first, as recovery would read them, without cutting
// or moving anything: a batch counts until an ack record (in any segment)
// names it.
void ReadBuffer(Env& env, const std::string& dir, StateStatus* out) {
  BufferStatus& b = out->buffer;
  std::string buffer_dir = JoinPath(dir, "buffer");
  auto names = env.ListDir(buffer_dir);
  if (!names.ok()) {
    if (names.status().code() != Code::kNotFound) b.problems.push_back(names.status().message());
    return;
  }
  std::vector<uint64_t> numbers;
  std::map<uint64_t, std::string> path_of;
  for (const std::string& name : *names) {
    if (uint64_t n = SegmentNumber(name)) {
      numbers.push_back(n);
      path_of[n] = JoinPath(buffer_dir, name);
    }
  }
  std::sort(numbers.begin(), numbers.end());
  std::map<uint64_t, BatchSummary> batches;  // by seq
  std::set<uint64_t> acked;
  for (uint64_t n : numbers) {
    auto bytes = ReadWholeFile(env, path_of[n], kMaxRecordBytes * 4ull);
    if (!bytes.ok()) {
      // Deleted since the listing: every batch in it was acknowledged.
      if (bytes.status().code() != Code::kNotFound) b.problems.push_back(bytes.status().message());
      continue;
    }
    ++b.segments;
    SegmentContents contents = ReadSegment(*bytes);
    if (contents.state == SegmentState::kTornTail) ++b.torn_segments;
    if (contents.state == SegmentState::kCorrupt) ++b.damaged_segments;
    for (const SegmentRecord& r : contents.records) {
      if (r.type == RecordType::kAck) {
        uint64_t seq = 0;
        AckReason reason;
        if (DecodeAck(r.payload, &seq, &reason).ok()) acked.insert(seq);
        continue;
      }
      auto batch = DecodeBatch(r.payload);
      if (!batch.ok()) continue;  // never sent: the agent sets it aside
      batches[batch->seq] = BatchSummary{kRecordHeaderBytes + r.payload.size(),
                                         batch->event_count, batch->min_timestamp_ms};
    }
  }
  for (const auto& [seq, batch] : batches) {
    if (acked.count(seq) > 0) continue;
    if (b.batches == 0) b.oldest_event_ms = batch.min_timestamp_ms;  // the lowest seq
    ++b.batches;
    b.events += batch.events;
    b.bytes += batch.record_bytes;
  }
  auto corrupt = env.ListDir(JoinPath(buffer_dir, "corrupt"));
  if (corrupt.ok()) b.corrupt_files = corrupt->size();
}

// Lines and bytes of `path`, read once through one descriptor; zero when
// it does not exist.
Status CountLines(Env& env, const std::string& path, uint64_t* lines, uint64_t* bytes) {
  auto file = env.OpenReadable(path);
  if (!file.ok()) {
    return file.status().code() == Code::kNotFound ? Status::Ok() : file.status();
  }
  std::string buf(65536, '\0');
  uint64_t offset = 0;
  while (true) {
    auto n = (*file)->ReadAt(offset, buf.data(), buf.size());
    if (!n.ok()) return n.status();
    if (*n == 0) break;
    *lines += static_cast<uint64_t>(std::count(buf.begin(), buf.begin() + *n, '\n'));
    offset += *n;
  }
  *bytes = offset;
  return Status::Ok();
}

void ReadRejected(Env& env, const std::string& dir, StateStatus* out) {
  RejectedStatus& r = out->rejected;
  std::string path = JoinPath(dir, "rejected.jsonl");
  Status s = CountLines(env, path, &r.lines, &r.bytes);
  if (s.ok()) s = CountLines(env, path + ".1", &r.older_lines, &r.older_bytes);
  if (!s.ok()) r.problem = s.message();
}

void ReadLastError(Env& env, const std::string& dir, StateStatus* out) {
  auto last = LoadLastError(env, JoinPath(dir, kLastErrorFile));
  if (!last.ok()) {
    out->last_error_problem = last.status().message();
    return;
  }
  out->last_error = *last;
}

// Config warnings say nothing of the state: only errors are shown.
class ErrorsOnly final : public Logger {
 public:
  explicit ErrorsOnly(Logger& inner) : inner_(inner) {}
  void Write(LogLevel level, std::string_view message) override {
    if (level == LogLevel::kError) inner_.Write(level, message);
  }

 private:
  Logger& inner_;
};

}  // namespace

std::optional<uint64_t> FileStatus::lag() const {
  if (state != State::kFollowed) return std::nullopt;
  return size - offset;
}

StatusOr<StateStatus> ReadStateStatus(Env& env, const std::string& state_dir) {
  auto names = env.ListDir(state_dir);
  if (!names.ok()) return names.status();
  StateStatus out;
  out.state_dir = state_dir;
  ReadRunning(env, state_dir, &out);
  ReadFiles(env, state_dir, &out);
  ReadJournals(env, state_dir, &out);
  ReadBuffer(env, state_dir, &out);
  ReadRejected(env, state_dir, &out);
  ReadLastError(env, state_dir, &out);
  return out;
}

int StatusCommand(const CommandLine& cl, Host& host) {
  std::string dir = cl.state_dir;
  if (dir.empty() && !cl.config_path.empty()) {
    auto stderr_log = NewStderrLogger(false);
    ErrorsOnly log(*stderr_log);
    AwsServices aws(host.env, host.clock, UserAgent());
    Setup setup;
    if (int rc = Prepare(cl, host, log, aws, &setup, PrepareFor::kValidate); rc != kExitOk) {
      return rc;
    }
    dir = setup.config.state_dir;
  }
  if (dir.empty()) dir = Config().state_dir;
  auto status = ReadStateStatus(host.env, dir);
  if (!status.ok()) {
    std::fprintf(stderr, "edgelog: error: cannot read the state directory %s: %s\n", dir.c_str(),
                 status.status().message().c_str());
    return kExitRuntimeFailure;
  }
  // Every agent leaves its lock file behind: without one, this is not the
  // directory of an agent (a mistyped --state-dir), not an idle agent's.
  if (auto lock = host.env.Stat(JoinPath(dir, "lock")); !lock.ok()) {
    std::fprintf(stderr,
                 "edgelog: error: %s is not an edgelog state directory (no lock file: no agent "
                 "has run with it)\n",
                 dir.c_str());
    return kExitRuntimeFailure;
  }
  int64_t now = host.clock.NowUnixMillis();
  std::string report = cl.json ? StatusJson(*status, now) : StatusText(*status, now);
  std::fputs(report.c_str(), host.out);
  return kExitOk;
}

}  // namespace edgelog
