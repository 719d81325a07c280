// What the tailer counts.
#ifndef EDGELOG_AGENT_TAIL_TAIL_STATS_H_
#define EDGELOG_AGENT_TAIL_TAIL_STATS_H_

#include <cstdint>

namespace edgelog {

struct TailStats {
  uint64_t bytes_read = 0;
  uint64_t empty_lines = 0;        // skipped: CloudWatch refuses empty messages
  uint64_t invalid_utf8 = 0;       // sequences replaced by U+FFFD
  uint64_t truncations = 0;        // files truncated or rewritten: read again from 0
  uint64_t records = 0;            // records formed (before filters and splitting)
  uint64_t events = 0;             // events handed on
  uint64_t split_records = 0;      // records too long for one event, split
  uint64_t split_parts = 0;        // events that are parts of a line too long for one
  uint64_t filtered = 0;           // records the filters left out
  uint64_t too_old = 0;            // records older than 14 days, rejected
  uint64_t future_timestamps = 0;  // times more than 2 h ahead, replaced
  uint64_t rotations = 0;          // rotated files finished
};

}  // namespace edgelog

#endif  // EDGELOG_AGENT_TAIL_TAIL_STATS_H_
