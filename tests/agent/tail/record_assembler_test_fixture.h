// Shared by the record_assembler_*_test.cc files: a sink that keeps what a
// RecordAssembler hands on, rules built the way tail_setup builds them, and a
// harness that feeds lines with the offsets a file of them would have.
#ifndef EDGELOG_TESTS_AGENT_TAIL_RECORD_ASSEMBLER_TEST_FIXTURE_H_
#define EDGELOG_TESTS_AGENT_TAIL_RECORD_ASSEMBLER_TEST_FIXTURE_H_

#include <gtest/gtest.h>

#include <cstdint>
#include <ctime>
#include <initializer_list>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "agent/tail/filters.h"
#include "agent/tail/record.h"
#include "agent/tail/record_assembler.h"
#include "agent/tail/tail_stats.h"
#include "agent/tail/timestamp_format.h"
#include "agent/text/regex.h"

namespace edgelog::assembler_test {

// Unix ms of a UTC civil time, computed by libc (not by the code under test).
inline int64_t UtcMs(int year, int month, int day, int hour, int minute, int second,
                     int millis = 0) {
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  return static_cast<int64_t>(timegm(&tm)) * 1000 + millis;
}

// The fixed "now" of these tests: 2024-06-15 12:00:00 UTC.
inline const int64_t kNow = UtcMs(2024, 6, 15, 12, 0, 0);
inline constexpr uint32_t kSource = 7;
inline constexpr int64_t kHourMs = 3600 * 1000;
inline constexpr int64_t kDayMs = 24 * kHourMs;

// One thing handed to the sink. `reason` is not compared (tests check it
// where it matters).
struct Out {
  enum class Kind { kRecord, kSkipped, kRejected };
  Kind kind = Kind::kRecord;
  std::string message;
  int64_t timestamp_ms = 0;
  uint64_t end_offset = 0;
  uint32_t source = kSource;
  std::string reason;

  bool operator==(const Out& o) const {
    return kind == o.kind && message == o.message && timestamp_ms == o.timestamp_ms &&
           end_offset == o.end_offset && source == o.source;
  }
};

inline Out MakeOut(Out::Kind kind, std::string message, int64_t timestamp_ms, uint64_t end_offset,
                   uint32_t source = kSource, std::string reason = "") {
  Out o;
  o.kind = kind;
  o.message = std::move(message);
  o.timestamp_ms = timestamp_ms;
  o.end_offset = end_offset;
  o.source = source;
  o.reason = std::move(reason);
  return o;
}
inline Out Rec(std::string message, int64_t timestamp_ms, uint64_t end_offset) {
  return MakeOut(Out::Kind::kRecord, std::move(message), timestamp_ms, end_offset);
}
inline Out Skip(uint64_t end_offset) { return MakeOut(Out::Kind::kSkipped, "", 0, end_offset); }
inline Out Rej(std::string message, int64_t timestamp_ms, uint64_t end_offset) {
  return MakeOut(Out::Kind::kRejected, std::move(message), timestamp_ms, end_offset);
}

inline std::ostream& operator<<(std::ostream& os, const Out& o) {
  static constexpr const char* kNames[] = {"record", "skipped", "rejected"};
  os << "{" << kNames[static_cast<int>(o.kind)] << " src=" << o.source << " end=" << o.end_offset;
  if (o.kind != Out::Kind::kSkipped) {
    std::string shown = o.message.size() > 80 ? o.message.substr(0, 80) + "..." : o.message;
    os << " t=" << o.timestamp_ms << " \"" << shown << "\" (" << o.message.size() << " bytes)";
  }
  return os << "}";
}

class RecordingSink : public RecordSink {
 public:
  void OnRecord(const Record& r) override {
    out.push_back(MakeOut(Out::Kind::kRecord, std::string(r.message), r.timestamp_ms, r.end_offset,
                          r.source));
  }
  void OnSkipped(uint32_t source, uint64_t end_offset) override {
    out.push_back(MakeOut(Out::Kind::kSkipped, "", 0, end_offset, source));
  }
  void OnRejected(const Record& r, std::string_view reason) override {
    out.push_back(MakeOut(Out::Kind::kRejected, std::string(r.message), r.timestamp_ms,
                          r.end_offset, r.source, std::string(reason)));
  }

  // The messages of OnRecord calls, in order.
  std::vector<std::string> Messages() const {
    std::vector<std::string> messages;
    for (const Out& o : out) {
      if (o.kind == Out::Kind::kRecord) messages.push_back(o.message);
    }
    return messages;
  }

  std::vector<Out> out;
};

// A timestamp format in UTC; a format that does not compile fails the test.
inline std::optional<TimestampFormat> UtcFormat(std::string_view format) {
  auto compiled = TimestampFormat::Compile(format, TimeZoneMode::kUtc, nullptr);
  if (!compiled.ok()) {
    ADD_FAILURE() << format << ": " << compiled.status().ToString();
    return std::nullopt;
  }
  return std::move(compiled).value();
}

inline Filters MustFilters(const std::vector<FilterSpec>& specs) {
  auto filters = Filters::Compile(specs);
  if (!filters.ok()) {
    ADD_FAILURE() << filters.status().ToString();
    return Filters();
  }
  return std::move(filters).value();
}

// No multi_line_start_pattern: the CloudWatch agent's "^[\S]".
inline std::shared_ptr<EntryRules> DefaultRules() { return std::make_shared<EntryRules>(); }

inline std::shared_ptr<EntryRules> EveryLineRules() {
  auto rules = std::make_shared<EntryRules>();
  rules->start_rule = EntryRules::StartRule::kEveryLine;
  return rules;
}

// multi_line_start_pattern set to a regular expression.
inline std::shared_ptr<EntryRules> PatternRules(std::string_view pattern) {
  auto rules = std::make_shared<EntryRules>();
  rules->start_rule = EntryRules::StartRule::kPattern;
  auto re = CompileRegex(pattern);
  if (re.ok()) {
    rules->start_pattern = *re;
  } else {
    ADD_FAILURE() << re.status().ToString();
  }
  return rules;
}

// timestamp_format `format` (UTC) with the default grouping.
inline std::shared_ptr<EntryRules> TimestampRules(std::string_view format) {
  auto rules = std::make_shared<EntryRules>();
  rules->timestamp = UtcFormat(format);
  return rules;
}

// timestamp_format `format` (UTC), multi_line_start_pattern "{timestamp_format}".
inline std::shared_ptr<EntryRules> TimestampStartRules(std::string_view format) {
  auto rules = TimestampRules(format);
  rules->start_rule = EntryRules::StartRule::kTimestamp;
  return rules;
}

// Both clocks at `ms`: wall time, and monotonic time from the same origin.
// Tests of a clock step give the two apart.
inline TailTime At(int64_t ms) { return TailTime{ms, ms}; }

// Feeds an assembler as a file would: each line is followed by "\n", so its
// end offset is just past that newline.
class Harness {
 public:
  explicit Harness(std::shared_ptr<const EntryRules> rules, uint64_t start_offset = 0)
      : assembler_(kSource, std::move(rules), start_offset), offset_(start_offset) {}

  void Line(std::string_view line, int64_t now_ms = kNow) { Line(line, At(now_ms)); }
  void Line(std::string_view line, TailTime now) {
    offset_ += line.size() + 1;
    assembler_.AddLine(line, offset_, now, sink_, stats_);
  }
  void Lines(std::initializer_list<std::string_view> lines, int64_t now_ms = kNow) {
    for (std::string_view line : lines) Line(line, now_ms);
  }
  // An empty line: "\n" alone (or `size` bytes such as "\r\n").
  void Empty(uint64_t size = 1, int64_t now_ms = kNow) {
    offset_ += size;
    assembler_.AddLine("", offset_, At(now_ms), sink_, stats_);
  }
  // Bytes that make no line (the "\r" left of a line cut for length).
  void Nothing(uint64_t size = 1) {
    offset_ += size;
    assembler_.AddNothing(offset_, sink_);
  }
  // A forced cut of a long line: no newline after it.
  void LongPiece(std::string_view piece, int64_t now_ms = kNow) {
    offset_ += piece.size();
    assembler_.AddLongLinePiece(piece, offset_, At(now_ms), sink_, stats_);
  }
  void FlushIfQuiet(int64_t now_ms) { FlushIfQuiet(At(now_ms)); }
  void FlushIfQuiet(TailTime now) { assembler_.FlushIfQuiet(now, sink_, stats_); }
  void Flush(int64_t now_ms = kNow) { assembler_.Flush(At(now_ms), sink_, stats_); }
  void Restart(int64_t now_ms = kNow) {
    assembler_.Restart(kSource, RecordAssembler::Pending::kHandOn, At(now_ms), sink_, stats_);
    offset_ = 0;
  }

  // The end offset of everything fed so far.
  uint64_t offset() const { return offset_; }
  const std::vector<Out>& out() const { return sink_.out; }
  std::vector<std::string> Messages() const { return sink_.Messages(); }
  const TailStats& stats() const { return stats_; }
  RecordAssembler& assembler() { return assembler_; }

 private:
  RecordAssembler assembler_;
  uint64_t offset_;
  RecordingSink sink_;
  TailStats stats_;
};

}  // namespace edgelog::assembler_test

#endif  // EDGELOG_TESTS_AGENT_TAIL_RECORD_ASSEMBLER_TEST_FIXTURE_H_
