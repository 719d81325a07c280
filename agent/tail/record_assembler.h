// RecordAssembler: turns the lines of one file into records and events.
//
//   lines ─► multi-line grouping ─► timestamp ─► filters ─► split ─► sink
//
// Grouping: a line matching the entry's start pattern begins a new record;
// other lines are appended to the current one, joined by "\n". Without a
// configured pattern the CloudWatch agent's default applies: a line that
// starts with white space continues the previous record. As in the agent, an
// empty line belongs to the record it follows ("panic: x\n\ngoroutine 4"
// stays whole); empty lines with no record before them make no record and
// are skipped (CloudWatch refuses empty messages). A record is handed on when
// the next one starts, when nothing joined it for kQuietMs, or on Flush. A
// record never grows past one event: it is handed on when full.
//
// Timestamps: parsed from the record with the entry's timestamp_format; a
// record without one gets the last good time seen in this file, else the
// time its first line was read. A time more than 2 hours ahead is replaced
// by the read time; a record older than 14 days is rejected (CloudWatch
// would refuse it), not sent. With trim_timestamp the matched text is cut
// out of the message; a record that is nothing but its timestamp then
// makes no event (CloudWatch refuses empty messages) and counts as empty.
#ifndef EDGELOG_AGENT_TAIL_RECORD_ASSEMBLER_H_
#define EDGELOG_AGENT_TAIL_RECORD_ASSEMBLER_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "agent/tail/filters.h"
#include "agent/tail/record.h"
#include "agent/tail/tail_stats.h"
#include "agent/tail/timestamp_format.h"
#include "agent/text/regex.h"

namespace edgelog {

// How long a multi-line record waits for more lines (the CloudWatch agent
// waits about a second too).
inline constexpr int64_t kQuietMs = 1000;

// The rules of one collect_list entry, compiled once and shared by its files.
struct EntryRules {
  enum class StartRule {
    kNonWhitespace,  // default: a line not starting with white space
    kPattern,        // multi_line_start_pattern
    kTimestamp,      // "{timestamp_format}": a line holding a timestamp
                     // anywhere (the agent's unanchored match)
    kEveryLine,      // no grouping at all
  };
  StartRule start_rule = StartRule::kNonWhitespace;
  Regex start_pattern;                      // for kPattern
  std::optional<TimestampFormat> timestamp;  // timestamp_format
  // trim_timestamp: the text the format matched leaves the message, and so
  // does the white space then at its start (the agent's fileconfig.go does
  // the same, before its filters see the message).
  bool trim_timestamp = false;
  Filters filters;
};

class RecordAssembler {
 public:
  // `start_offset`: where reading of this source began.
  RecordAssembler(uint32_t source, std::shared_ptr<const EntryRules> rules,
                  uint64_t start_offset);

  // One complete line (valid UTF-8, without its newline; may be empty)
  // ending at `end_offset`, read at `now`.
  void AddLine(std::string_view line, uint64_t end_offset, TailTime now, RecordSink& sink,
               TailStats& stats);
  // Bytes up to `end_offset` that make no line (the carriage return left of
  // a line cut for length): covered with the pending record, else skipped.
  void AddNothing(uint64_t end_offset, RecordSink& sink);
  // A piece of a line too long for one event: it goes on alone, after any
  // pending record.
  void AddLongLinePiece(std::string_view piece, uint64_t end_offset, TailTime now,
                        RecordSink& sink, TailStats& stats);
  // Hands on the pending record if nothing joined it for kQuietMs
  // (monotonic).
  void FlushIfQuiet(TailTime now, RecordSink& sink, TailStats& stats);
  // Hands on the pending record now.
  void Flush(TailTime now, RecordSink& sink, TailStats& stats);
  // When FlushIfQuiet will next have work (monotonic ms); nothing when no
  // record waits.
  std::optional<int64_t> QuietDeadline() const;
  // Starts over at offset 0 as source `source` (the file was truncated: a
  // new generation). The pending record is handed on first, or with
  // `discard` dropped (a copy will hand it on again).
  enum class Pending { kHandOn, kDiscard };
  void Restart(uint32_t source, Pending pending, TailTime now, RecordSink& sink,
               TailStats& stats);
  // The end offset of the last thing handed to the sink: where a pending
  // record (if any) begins.
  uint64_t handed_on_offset() const { return emitted_; }

 private:
  bool StartsRecord(std::string_view line) const;
  void Emit(std::string_view text, uint64_t end_offset, int64_t read_unix_ms, TailTime now,
            RecordSink& sink, TailStats& stats);
  // The record's time; `*span` is where its timestamp text lies, when one
  // was found (the time may still be the read time: too far ahead).
  int64_t EventTime(std::string_view text, int64_t read_unix_ms, int64_t now_unix_ms,
                    TailStats& stats, std::optional<TimestampFormat::Found>* span);
  // `text` without text[span.begin, span.end) and the white space then
  // leading; points into trimmed_.
  std::string_view Trimmed(std::string_view text, const TimestampFormat::Found& span);

  uint32_t source_;
  std::shared_ptr<const EntryRules> rules_;
  uint64_t emitted_;  // end offset of the last thing handed to the sink
  std::string pending_;
  bool has_pending_ = false;
  uint64_t pending_end_ = 0;
  int64_t pending_read_unix_ms_ = 0;  // when its first line was read (wall)
  int64_t pending_touched_mono_ms_ = 0;  // when a line last joined it (monotonic)
  int64_t last_good_time_ms_ = -1;
  std::string trimmed_;  // the message of the record being emitted, trimmed
};

}  // namespace edgelog

#endif  // EDGELOG_AGENT_TAIL_RECORD_ASSEMBLER_H_
