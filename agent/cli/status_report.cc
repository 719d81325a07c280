// edgelog status: the report, for a terminal and as JSON.
#include <time.h>

#include <algorithm>
#include <cstdio>

#include "agent/base/logger.h"
#include "agent/cli/status.h"
#include "agent/text/json_escape.h"
#include "agent/text/utf8.h"

namespace edgelog {
namespace {

// --- text -------------------------------------------------------------------

// `s` safe for a terminal: control characters (a file name may hold any)
// as \xNN, as log lines show them.
std::string Printable(const std::string& s) {
  std::string out;
  AppendForTerminal(s, &out);
  return out;
}

// "2026-12-07 19:30:00 UTC".
std::string UtcTime(int64_t unix_ms) {
  time_t seconds = static_cast<time_t>(unix_ms / 1000);
  struct tm tm;
  if (gmtime_r(&seconds, &tm) == nullptr) return std::to_string(unix_ms) + " ms";
  char buf[40];
  std::strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S UTC", &tm);
  return buf;
}

// "42 s ago", "5 min ago", "3 h ago", "2 days ago".
std::string Age(int64_t then_ms, int64_t now_ms) {
  int64_t s = (now_ms - then_ms) / 1000;
  if (s < 0) return "in the future: check the clock";
  if (s < 120) return std::to_string(s) + " s ago";
  if (s < 2 * 3600) return std::to_string(s / 60) + " min ago";
  if (s < 2 * 86400) return std::to_string(s / 3600) + " h ago";
  return std::to_string(s / 86400) + " days ago";
}

std::string Plural(uint64_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

std::string RightAligned(const std::string& s, size_t width) {
  return s.size() >= width ? s : std::string(width - s.size(), ' ') + s;
}

std::string SizeColumn(const FileStatus& f) {
  switch (f.state) {
    case FileStatus::State::kFollowed:
    case FileStatus::State::kTruncated: return std::to_string(f.size);
    case FileStatus::State::kGone:
    case FileStatus::State::kReplaced: return "gone";
    case FileStatus::State::kUnreadable: return "?";
  }
  return "?";
}

std::string FileNote(const FileStatus& f) {
  switch (f.state) {
    case FileStatus::State::kReplaced: return "  another file is at this path now";
    case FileStatus::State::kTruncated: return "  shorter than delivered: truncated";
    case FileStatus::State::kUnreadable: return "  " + Printable(f.problem);
    default: return "";
  }
}

void FilesText(const StateStatus& st, std::string* out) {
  if (!st.checkpoints_problem.empty()) {
    *out += "files:      checkpoints.json cannot be read (left as it is): " +
            Printable(st.checkpoints_problem) + "\n";
    return;
  }
  if (st.files.empty()) {
    *out += "files:      no checkpoints yet\n";
    return;
  }
  *out += "files:\n";
  constexpr size_t kWidth = 12;
  *out += "  " + RightAligned("SIZE", kWidth) + RightAligned("DELIVERED", kWidth) +
          RightAligned("LAG", kWidth) + "  FILE (ENTRY)\n";
  for (const FileStatus& f : st.files) {
    std::optional<uint64_t> lag = f.lag();
    *out += "  " + RightAligned(SizeColumn(f), kWidth) +
            RightAligned(std::to_string(f.offset), kWidth) +
            RightAligned(lag ? std::to_string(*lag) : "-", kWidth) + "  " + Printable(f.path) +
            (f.entry.empty() ? "" : " (" + Printable(f.entry) + ")") + FileNote(f) + "\n";
  }
}

void JournalsText(const StateStatus& st, std::string* out) {
  if (!st.journals_problem.empty()) {
    *out += "journald:   journal_cursors.json cannot be read: " + Printable(st.journals_problem) +
            "\n";
    return;
  }
  if (st.journals.empty()) return;
  *out += "journald:\n";
  for (const JournalStatus& j : st.journals) {
    *out += "  " + Printable(j.group) + (j.stream.empty() ? "" : " / " + Printable(j.stream)) +
            "  cursor " + Printable(j.cursor) + "\n";
  }
}

void BufferText(const StateStatus& st, int64_t now_ms, std::string* out) {
  const BufferStatus& b = st.buffer;
  if (b.batches == 0) {
    *out += "buffer:     empty\n";
  } else {
    *out += "buffer:     " + Plural(b.batches, "batch", "batches") + " (" +
            Plural(b.events, "event", "events") + ", " + std::to_string(b.bytes) +
            " bytes) in " + Plural(b.segments, "segment", "segments");
    if (b.oldest_event_ms) {
      *out += "; oldest event " + UtcTime(*b.oldest_event_ms) + " (" +
              Age(*b.oldest_event_ms, now_ms) + ")";
    }
    *out += "\n";
  }
  if (b.torn_segments > 0) {
    *out += "            " + Plural(b.torn_segments, "segment ends", "segments end") +
            " in a partial record (being written, or cut by a crash)\n";
  }
  if (b.damaged_segments > 0) {
    *out += "            " + Plural(b.damaged_segments, "segment is", "segments are") +
            " damaged (the agent sets them aside at its next start)\n";
  }
  if (b.corrupt_files > 0) {
    *out += "            " + Plural(b.corrupt_files, "file", "files") +
            " in buffer/corrupt/ to look at\n";
  }
  for (const std::string& p : b.problems) *out += "            " + Printable(p) + "\n";
}

void RejectedText(const StateStatus& st, std::string* out) {
  const RejectedStatus& r = st.rejected;
  if (!r.problem.empty()) {
    *out += "rejected:   cannot be read: " + Printable(r.problem) + "\n";
    return;
  }
  if (r.lines == 0 && r.older_lines == 0) {
    *out += "rejected:   none\n";
    return;
  }
  *out += "rejected:   " + Plural(r.lines, "event", "events") + " (" + std::to_string(r.bytes) +
          " bytes) in rejected.jsonl";
  if (r.older_lines > 0) {
    *out += ", " + std::to_string(r.older_lines) + " (" + std::to_string(r.older_bytes) +
            " bytes) in rejected.jsonl.1";
  }
  *out += "\n";
}

void LastErrorText(const StateStatus& st, int64_t now_ms, std::string* out) {
  if (!st.last_error_problem.empty()) {
    *out += "last error: last_error.json cannot be read: " + Printable(st.last_error_problem) +
            "\n";
  } else if (!st.last_error) {
    *out += "last error: none recorded\n";
  } else {
    *out += "last error: " + UtcTime(st.last_error->unix_ms) + " (" +
            Age(st.last_error->unix_ms, now_ms) + "): " + Printable(st.last_error->message) +
            "\n";
  }
}

// --- JSON -------------------------------------------------------------------

std::string Quote(const std::string& s) {
  std::string valid;
  AppendSanitizedUtf8(s, &valid);
  std::string out;
  AppendJsonString(valid, &out);
  return out;
}

std::string QuoteOrNull(const std::string& s) { return s.empty() ? "null" : Quote(s); }

template <typename T>
std::string NumberOrNull(const std::optional<T>& v) {
  return v ? std::to_string(*v) : "null";
}

const char* StateName(FileStatus::State s) {
  switch (s) {
    case FileStatus::State::kFollowed: return "followed";
    case FileStatus::State::kGone: return "gone";
    case FileStatus::State::kReplaced: return "replaced";
    case FileStatus::State::kTruncated: return "truncated";
    case FileStatus::State::kUnreadable: return "unreadable";
  }
  return "unreadable";
}

std::string FileJson(const FileStatus& f) {
  bool sized = f.state == FileStatus::State::kFollowed || f.state == FileStatus::State::kTruncated;
  return "{\"path\": " + Quote(f.path) + ", \"entry\": " + QuoteOrNull(f.entry) +
         ", \"state\": \"" + StateName(f.state) + "\", \"size\": " +
         (sized ? std::to_string(f.size) : "null") + ", \"offset\": " + std::to_string(f.offset) +
         ", \"lag\": " + NumberOrNull(f.lag()) + ", \"problem\": " + QuoteOrNull(f.problem) + "}";
}

std::string JournalJson(const JournalStatus& j) {
  return "{\"group\": " + Quote(j.group) + ", \"stream\": " + QuoteOrNull(j.stream) +
         ", \"selection\": " + QuoteOrNull(j.selection) + ", \"cursor\": " + Quote(j.cursor) +
         "}";
}

template <typename T, typename F>
std::string ListJson(const std::vector<T>& items, F to_json) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) out += (i == 0 ? "\n    " : ",\n    ") + to_json(items[i]);
  return out + (items.empty() ? "]" : "\n  ]");
}

std::optional<int64_t> AgeSeconds(const std::optional<int64_t>& then_ms, int64_t now_ms) {
  if (!then_ms) return std::nullopt;
  return (now_ms - *then_ms) / 1000;
}

}  // namespace

std::string StatusText(const StateStatus& st, int64_t now_ms) {
  std::string out = "edgelog status: " + Printable(st.state_dir) + "\n";
  switch (st.running) {
    case AgentRunning::kYes: out += "agent:      running (the state directory is locked)\n"; break;
    case AgentRunning::kNo: out += "agent:      not running\n"; break;
    case AgentRunning::kUnknown:
      out += "agent:      unknown (" + Printable(st.running_problem) + ")\n";
      break;
  }
  FilesText(st, &out);
  JournalsText(st, &out);
  BufferText(st, now_ms, &out);
  RejectedText(st, &out);
  LastErrorText(st, now_ms, &out);
  return out;
}

std::string StatusJson(const StateStatus& st, int64_t now_ms) {
  const BufferStatus& b = st.buffer;
  const RejectedStatus& r = st.rejected;
  std::string running = st.running == AgentRunning::kYes  ? "true"
                        : st.running == AgentRunning::kNo ? "false"
                                                          : "null";
  std::string out = "{\n";
  out += "  \"state_dir\": " + Quote(st.state_dir) + ",\n";
  out += "  \"now_ms\": " + std::to_string(now_ms) + ",\n";
  out += "  \"running\": " + running + ",\n";
  out += "  \"running_problem\": " + QuoteOrNull(st.running_problem) + ",\n";
  out += "  \"files\": " + ListJson(st.files, FileJson) + ",\n";
  out += "  \"checkpoints_problem\": " + QuoteOrNull(st.checkpoints_problem) + ",\n";
  out += "  \"journald\": " + ListJson(st.journals, JournalJson) + ",\n";
  out += "  \"journald_problem\": " + QuoteOrNull(st.journals_problem) + ",\n";
  out += "  \"buffer\": {\"segments\": " + std::to_string(b.segments) +
         ", \"batches\": " + std::to_string(b.batches) +
         ", \"events\": " + std::to_string(b.events) + ", \"bytes\": " + std::to_string(b.bytes) +
         ", \"oldest_event_ms\": " + NumberOrNull(b.oldest_event_ms) +
         ", \"oldest_event_age_s\": " + NumberOrNull(AgeSeconds(b.oldest_event_ms, now_ms)) +
         ", \"torn_segments\": " + std::to_string(b.torn_segments) +
         ", \"damaged_segments\": " + std::to_string(b.damaged_segments) +
         ", \"corrupt_files\": " + std::to_string(b.corrupt_files) + ", \"problems\": " +
         ListJson(b.problems, Quote) + "},\n";
  out += "  \"rejected\": {\"lines\": " + std::to_string(r.lines) +
         ", \"bytes\": " + std::to_string(r.bytes) +
         ", \"older_lines\": " + std::to_string(r.older_lines) +
         ", \"older_bytes\": " + std::to_string(r.older_bytes) +
         ", \"problem\": " + QuoteOrNull(r.problem) + "},\n";
  if (st.last_error) {
    out += "  \"last_error\": {\"time_ms\": " + std::to_string(st.last_error->unix_ms) +
           ", \"age_s\": " + std::to_string((now_ms - st.last_error->unix_ms) / 1000) +
           ", \"message\": " + Quote(st.last_error->message) + "},\n";
  } else {
    out += "  \"last_error\": null,\n";
  }
  out += "  \"last_error_problem\": " + QuoteOrNull(st.last_error_problem) + "\n}\n";
  return out;
}

}  // namespace edgelog
