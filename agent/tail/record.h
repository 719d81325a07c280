// Record: one event-to-be, as the tailer hands it downstream.
#ifndef EDGELOG_AGENT_TAIL_RECORD_H_
#define EDGELOG_AGENT_TAIL_RECORD_H_

#include <cstdint>
#include <string_view>

namespace edgelog {

// The two clocks the tailer reads. Event times come from the wall clock;
// every wait (a multi-line record's quiet time, a rotated file's quiet time,
// a copy waiting for its original's truncation) from the monotonic one, so a
// step of the wall clock (NTP, a suspended VM) moves no timer.
struct TailTime {
  int64_t unix_ms = 0;  // wall clock, ms since the Unix epoch
  int64_t mono_ms = 0;  // monotonic clock, ms from an arbitrary origin
};

struct Record {
  uint32_t source = 0;       // the followed file (Tailer::source)
  int64_t timestamp_ms = 0;  // event time, ms since the Unix epoch
  std::string_view message;  // valid UTF-8, 1..kMaxEventMessageBytes bytes;
                             // valid only during the call
  uint64_t end_offset = 0;   // the file is covered up to here once this and
                             // every earlier record of the source is delivered
};

// Where the tailer puts what it reads. Implemented downstream.
class RecordSink {
 public:
  virtual ~RecordSink() = default;
  virtual void OnRecord(const Record& record) = 0;
  // The bytes of `source` up to `end_offset` made no record (empty lines,
  // records the filters left out).
  virtual void OnSkipped(uint32_t source, uint64_t end_offset) = 0;
  // `record` must not be sent (CloudWatch would refuse it, e.g. older than
  // 14 days): keep it with `reason`. Covers its bytes like OnRecord.
  virtual void OnRejected(const Record& record, std::string_view reason) = 0;
};

}  // namespace edgelog

#endif  // EDGELOG_AGENT_TAIL_RECORD_H_
