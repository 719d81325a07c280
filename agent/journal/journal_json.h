// One line of `journalctl --output=json`: the fields edgelog uses.
//
// journalctl writes one JSON object per entry. A field is a string when its
// value is printable UTF-8, an array of byte values (numbers 0..255) when
// it is not, null when it is too long to show (never with --all), and an
// array of those when the entry has the field more than once.
#ifndef EDGELOG_AGENT_JOURNAL_JOURNAL_JSON_H_
#define EDGELOG_AGENT_JOURNAL_JOURNAL_JSON_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "agent/base/status.h"

namespace edgelog {

struct JournalLine {
  std::string cursor;         // __CURSOR
  int64_t realtime_us = 0;    // __REALTIME_TIMESTAMP: µs since the Unix epoch
  std::string message;        // MESSAGE as bytes (not yet checked as UTF-8);
                              // every value, joined by '\n', when there are
                              // several
  bool has_message = false;   // false: no MESSAGE field, or null
};

// Parses `line` (without its newline). kCorruption saying what is wrong:
// not JSON, not an object, no __CURSOR or __REALTIME_TIMESTAMP, or one of
// them (or MESSAGE) of the wrong shape.
StatusOr<JournalLine> ParseJournalLine(std::string_view line);

}  // namespace edgelog

#endif  // EDGELOG_AGENT_JOURNAL_JOURNAL_JSON_H_
