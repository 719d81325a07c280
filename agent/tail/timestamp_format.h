// TimestampFormat: the CloudWatch agent's `timestamp_format` (strftime-like
// directives such as "%Y-%m-%d %H:%M:%S,%f") compiled once into a regular
// expression, then used to find a record's event time and to tell where a
// multi-line record starts.
//
// As in the CloudWatch agent, the format becomes a regular expression that is
// searched for anywhere in the record; the first match is parsed, and if its
// fields are out of range the record has no timestamp (the agent then uses
// the time of reading, and so should the caller). Supported directives:
//
//   %Y      4-digit year
//   %y      2-digit year: 69-99 are 19xx, 00-68 are 20xx
//   %b %B   month name, Jan or January (English, any case)
//   %m %-m  month 1-12, zero-, space- or un-padded
//   %d %-d  day 1-31, zero-, space- or un-padded
//   %a %A   weekday name, Mon or Monday (matched, not checked)
//   %H      hour 00-23
//   %I %-I  hour 01-12 or 1-12, with %p AM or PM (any case)
//   %M %-M  minute 0-59, zero-padded or not
//   %S %-S  second 0-59, zero-padded or not
//   %f      1-9 fraction digits; milliseconds are kept
//   %z      +hhmm, -hhmm, +hh:mm or Z
//   %Z      zone abbreviation: UTC, PST, CEST, ...
//   %%      a literal '%'
//
// Every other character is literal. Beyond the agent, which matches only
// "+hhmm" for %z and 7-letter names for %B, this accepts "+hh:mm", "Z" and
// every month name; a literal 'Z' in the format stays a literal, so the time
// is then read in the configured `timezone`, as the agent does.
#ifndef EDGELOG_AGENT_TAIL_TIMESTAMP_FORMAT_H_
#define EDGELOG_AGENT_TAIL_TIMESTAMP_FORMAT_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "agent/base/status.h"

namespace edgelog {

// The `timezone` option: how a time without a zone of its own is read.
enum class TimeZoneMode { kLocal, kUtc };

// Offset of local time from UTC, in seconds, at the instant `unix_seconds`
// (e.g. +3600 for CET in winter).
using UtcOffsetFn = std::function<int64_t(int64_t unix_seconds)>;

// A timestamp without a year is put in the current year, or in the previous
// one when that would be more than this far ahead of now (December lines read
// in January), as the CloudWatch agent does. A time a few days ahead stays in
// the current year: the caller then treats it as any time too far ahead.
inline constexpr int64_t kYearlessFutureToleranceMs = int64_t{30} * 24 * 3600 * 1000;

// A timestamp with only a time of day is put on today's date, or yesterday's
// when that would be more than this far ahead of now.
inline constexpr int64_t kDatelessFutureToleranceMs = 3600 * 1000;

class TimestampFormat {
 public:
  // Compiles a CloudWatch agent timestamp_format. Returns kInvalidArgument
  // for an empty format, a directive not listed above (the message names
  // it, e.g. "%j"), a '%' ending the format, or kLocal without
  // `local_offset`. `local_offset` is used when `zone` is kLocal and the
  // text carries no zone of its own; it is called with the instant being
  // resolved, so daylight saving time applies as at the event.
  static StatusOr<TimestampFormat> Compile(std::string_view format,
                                           TimeZoneMode zone,
                                           UtcOffsetFn local_offset);

  // The first timestamp in `text` (searched anywhere, as the CloudWatch
  // agent does), as Unix milliseconds; std::nullopt when none matches or
  // the first match's fields are out of range (Feb 30, hour 25, 13 PM).
  // `now_ms` (Unix ms) supplies the missing parts of a format without a
  // year or without a date, as the two tolerances above describe. A %z
  // offset, or a %Z abbreviation listed in timestamp_format.cc, overrides
  // `timezone`; an unknown or ambiguous abbreviation (CST, IST) does not.
  // A local time that does not exist or occurs twice (daylight saving
  // changes) resolves as Go's time.Date does: a skipped time moves forward
  // by the gap, a repeated one takes the later offset.
  std::optional<int64_t> Find(std::string_view text, int64_t now_ms) const;

  // As Find, and where the matched text lies: text[begin, end) is what the
  // whole format matched (for trim_timestamp).
  struct Found {
    int64_t unix_ms = 0;
    size_t begin = 0;
    size_t end = 0;
  };
  std::optional<Found> FindWithSpan(std::string_view text, int64_t now_ms) const;

  // True when `text` starts with text of this format (used for
  // multi_line_start_pattern "{timestamp_format}"). Only the shape is
  // checked: "Feb 30 10:00:00" starts a record though Find rejects it.
  bool MatchesAtStart(std::string_view text) const;

  // True when text of this format occurs anywhere in `text`. This is how
  // the CloudWatch agent applies "{timestamp_format}" as a
  // multi_line_start_pattern (an unanchored regexp match).
  bool MatchesAnywhere(std::string_view text) const;

  // The regular expression (RE2 syntax) the format compiled to; each
  // directive is one capturing group.
  const std::string& pattern() const;

  // Copies share the compiled expression. All const methods may be called
  // from several threads at once, provided `local_offset` may.

 private:
  struct Compiled;  // the expression and what each group holds

  TimestampFormat(std::shared_ptr<const Compiled> compiled, TimeZoneMode zone,
                  UtcOffsetFn local_offset);

  std::shared_ptr<const Compiled> compiled_;
  TimeZoneMode zone_;
  UtcOffsetFn local_offset_;
};

}  // namespace edgelog

#endif  // EDGELOG_AGENT_TAIL_TIMESTAMP_FORMAT_H_
