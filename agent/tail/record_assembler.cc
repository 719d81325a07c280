#include "agent/tail/record_assembler.h"

#include <re2/re2.h>

#include "agent/base/cloudwatch_limits.h"
#include "agent/text/utf8.h"

namespace edgelog {
namespace {

// Go's (and RE2's) \s: the white space that keeps a line inside the
// previous record. Not \v.
bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

}  // namespace

RecordAssembler::RecordAssembler(uint32_t source, std::shared_ptr<const EntryRules> rules,
                                 uint64_t start_offset)
    : source_(source), rules_(std::move(rules)), emitted_(start_offset) {}

bool RecordAssembler::StartsRecord(std::string_view line) const {
  switch (rules_->start_rule) {
    case EntryRules::StartRule::kNonWhitespace:
      return !line.empty() && !IsSpace(line[0]);
    case EntryRules::StartRule::kPattern:
      return SearchRegex(*rules_->start_pattern, line);
    case EntryRules::StartRule::kTimestamp:
      return rules_->timestamp && rules_->timestamp->MatchesAnywhere(line);
    case EntryRules::StartRule::kEveryLine:
      return true;
  }
  return true;
}

void RecordAssembler::AddLine(std::string_view line, uint64_t end_offset, TailTime now,
                              RecordSink& sink, TailStats& stats) {
  bool joins = has_pending_ && !StartsRecord(line) &&
               pending_.size() + 1 + line.size() <= kMaxEventMessageBytes;
  if (joins) {
    pending_.push_back('\n');
    pending_.append(line);
    pending_end_ = end_offset;
    pending_touched_mono_ms_ = now.mono_ms;
    return;
  }
  Flush(now, sink, stats);
  if (line.empty()) {  // no record to belong to
    ++stats.empty_lines;
    emitted_ = end_offset;
    sink.OnSkipped(source_, end_offset);
    return;
  }
  if (rules_->start_rule == EntryRules::StartRule::kEveryLine) {
    Emit(line, end_offset, now.unix_ms, now, sink, stats);
    return;
  }
  pending_.assign(line);
  has_pending_ = true;
  pending_end_ = end_offset;
  pending_read_unix_ms_ = now.unix_ms;
  pending_touched_mono_ms_ = now.mono_ms;
}

void RecordAssembler::AddNothing(uint64_t end_offset, RecordSink& sink) {
  if (has_pending_) {
    pending_end_ = end_offset;  // covered when the pending record is
    return;
  }
  emitted_ = end_offset;
  sink.OnSkipped(source_, end_offset);
}

void RecordAssembler::AddLongLinePiece(std::string_view piece, uint64_t end_offset,
                                       TailTime now, RecordSink& sink, TailStats& stats) {
  Flush(now, sink, stats);
  Emit(piece, end_offset, now.unix_ms, now, sink, stats);
}

void RecordAssembler::FlushIfQuiet(TailTime now, RecordSink& sink, TailStats& stats) {
  if (has_pending_ && now.mono_ms - pending_touched_mono_ms_ >= kQuietMs) {
    Flush(now, sink, stats);
  }
}

void RecordAssembler::Flush(TailTime now, RecordSink& sink, TailStats& stats) {
  if (!has_pending_) return;
  has_pending_ = false;
  Emit(pending_, pending_end_, pending_read_unix_ms_, now, sink, stats);
  pending_.clear();
}

std::optional<int64_t> RecordAssembler::QuietDeadline() const {
  if (!has_pending_) return std::nullopt;
  return pending_touched_mono_ms_ + kQuietMs;
}

void RecordAssembler::Restart(uint32_t source, Pending pending, TailTime now, RecordSink& sink,
                              TailStats& stats) {
  if (pending == Pending::kHandOn) Flush(now, sink, stats);
  has_pending_ = false;
  pending_.clear();
  source_ = source;
  emitted_ = 0;
}

int64_t RecordAssembler::EventTime(std::string_view text, int64_t read_unix_ms,
                                   int64_t now_unix_ms, TailStats& stats,
                                   std::optional<TimestampFormat::Found>* span) {
  if (!rules_->timestamp) return read_unix_ms;
  *span = rules_->timestamp->FindWithSpan(text, now_unix_ms);
  if (!*span) return last_good_time_ms_ >= 0 ? last_good_time_ms_ : read_unix_ms;
  int64_t parsed = (*span)->unix_ms;
  if (parsed > now_unix_ms + kMaxEventFutureMillis) {
    ++stats.future_timestamps;
    return read_unix_ms;
  }
  last_good_time_ms_ = parsed;
  return parsed;
}

std::string_view RecordAssembler::Trimmed(std::string_view text,
                                          const TimestampFormat::Found& span) {
  trimmed_.assign(text.substr(0, span.begin));
  trimmed_.append(text.substr(span.end));
  // The agent trims these four, not \f or \v.
  size_t start = trimmed_.find_first_not_of(" \t\n\r");
  return start == std::string::npos ? std::string_view()
                                    : std::string_view(trimmed_).substr(start);
}

void RecordAssembler::Emit(std::string_view text, uint64_t end_offset, int64_t read_unix_ms,
                           TailTime now, RecordSink& sink, TailStats& stats) {
  ++stats.records;
  std::optional<TimestampFormat::Found> span;
  int64_t time = EventTime(text, read_unix_ms, now.unix_ms, stats, &span);
  if (rules_->trim_timestamp && span) {
    text = Trimmed(text, *span);
    if (text.empty()) {  // nothing but a timestamp
      ++stats.empty_lines;
      emitted_ = end_offset;
      sink.OnSkipped(source_, end_offset);
      return;
    }
  }
  if (!rules_->filters.Pass(text)) {
    ++stats.filtered;
    emitted_ = end_offset;
    sink.OnSkipped(source_, end_offset);
    return;
  }
  Record r;
  r.source = source_;
  r.timestamp_ms = time;
  if (time < now.unix_ms - kMaxEventAgeMillis) {
    ++stats.too_old;
    r.message = text;
    r.end_offset = end_offset;
    emitted_ = end_offset;
    sink.OnRejected(r, "too old: older than 14 days, CloudWatch Logs would refuse it");
    return;
  }
  if (text.size() > kMaxEventMessageBytes) ++stats.split_records;
  // Only the last part covers the record's bytes: a crash after delivering
  // the first part reads the whole record again.
  while (!text.empty()) {
    size_t cut = Utf8BoundaryAtOrBefore(text, kMaxEventMessageBytes);
    bool last = cut == text.size();
    r.message = text.substr(0, cut);
    r.end_offset = last ? end_offset : emitted_;
    sink.OnRecord(r);
    ++stats.events;
    text.remove_prefix(cut);
  }
  emitted_ = end_offset;
}

}  // namespace edgelog
