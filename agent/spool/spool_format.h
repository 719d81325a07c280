// The disk buffer's on-disk format.
//
// A segment file is a sequence of records:
//
//   record  := length (u32 LE) | type (u8) | masked CRC-32C (u32 LE) | payload
//
// `length` is the payload's length; the CRC covers the type byte and the
// payload. Types:
//
//   kBatch: seq (u64) | group | stream (u32 length + bytes each) |
//           events (u32) | api_bytes (u32) | min_ts, max_ts (i64) |
//           body (the gzipped PutLogEvents body, to the end)
//   kAck:   seq (u64) | reason (u8: 1 delivered or kept as rejected,
//           2 dropped because the buffer was full)
//
// A record that does not check out with no good record anywhere after it
// is a torn tail (a write cut short by a crash): cut off, never delivered.
// Otherwise the segment is corrupt: reading resumes at the next offset where
// a whole record checks out, so the good records after the damage count.
#ifndef EDGELOG_AGENT_SPOOL_SPOOL_FORMAT_H_
#define EDGELOG_AGENT_SPOOL_SPOOL_FORMAT_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "agent/base/status.h"

namespace edgelog {

inline constexpr size_t kRecordHeaderBytes = 9;
// No record is larger than this (a batch body is at most a few MB).
inline constexpr uint32_t kMaxRecordBytes = 64u << 20;

enum class RecordType : uint8_t { kBatch = 1, kAck = 2 };
enum class AckReason : uint8_t { kDone = 1, kDropped = 2 };

struct SpooledBatch {
  uint64_t seq = 0;
  std::string group;
  std::string stream;
  uint32_t event_count = 0;
  uint32_t api_bytes = 0;
  int64_t min_timestamp_ms = 0;
  int64_t max_timestamp_ms = 0;
  std::string body;  // gzip
  // Not in the record: monotonic time its oldest line was read (Append),
  // or, for a batch found at open, since when its segment was last
  // written, as far as its modification time tells (TakeNext).
  int64_t read_at_ms = 0;
};

// Appends the framed record to `out`.
void AppendRecord(RecordType type, std::string_view payload, std::string* out);

std::string EncodeBatch(const SpooledBatch& batch);
std::string EncodeAck(uint64_t seq, AckReason reason);

struct SegmentRecord {
  RecordType type;
  std::string_view payload;  // into the segment's bytes
  uint64_t offset;           // of the record's header in the segment
};

enum class SegmentState {
  kClean,     // every byte is a good record
  kTornTail,  // the last record is incomplete or damaged: `valid_bytes` are good
  kCorrupt,   // a damaged record with more after it
};

struct SegmentContents {
  std::vector<SegmentRecord> records;  // every good record, in order
  SegmentState state = SegmentState::kClean;
  uint64_t valid_bytes = 0;     // length of the good prefix (before any damage)
  size_t damaged_records = 0;   // records skipped (kCorrupt)
};

// Splits a segment's bytes into records (views into `bytes`).
SegmentContents ReadSegment(std::string_view bytes);

// The number of segment file `name`: "000042.seg" → 42, "1234567.seg" →
// 1234567 (names grow past six digits); 0 for anything else.
uint64_t SegmentNumber(const std::string& name);

// kCorruption when the payload is not a well-formed batch or ack.
StatusOr<SpooledBatch> DecodeBatch(std::string_view payload);
Status DecodeAck(std::string_view payload, uint64_t* seq, AckReason* reason);

}  // namespace edgelog

#endif  // EDGELOG_AGENT_SPOOL_SPOOL_FORMAT_H_
