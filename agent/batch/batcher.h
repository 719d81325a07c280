// Batcher: groups events per log stream into PutLogEvents requests.
//
// Each stream has one open batch. An event that would break a rule of the
// API (count, bytes, 24-hour span) seals the open batch first; a batch is
// also sealed when `flush_interval_ms` has passed since its first event.
// Sealing sorts the events by time (stable: equal times keep their order),
// writes the JSON body once and gzips it. Sealed batches wait, oldest
// first, until the caller takes them.
//
// Not thread-safe; owned by the main loop.
#ifndef EDGELOG_AGENT_BATCH_BATCHER_H_
#define EDGELOG_AGENT_BATCH_BATCHER_H_

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agent/base/status.h"
#include "agent/batch/gzip.h"
#include "agent/batch/log_stream.h"
#include "agent/batch/payload.h"

namespace edgelog {

// A sealed request, ready to sign and send.
struct Batch {
  uint64_t id = 0;         // unique (Batcher::NewId); increasing within a stream
  uint32_t stream = 0;     // index into the batcher's targets
  bool in_buffer = false;  // read back from the disk buffer (held there already)
  std::string body;        // gzip of the JSON body
  size_t event_count = 0;
  size_t api_bytes = 0;    // message bytes + 26 per event, as the API counts
  size_t json_bytes = 0;   // size of the uncompressed body
  int64_t min_timestamp_ms = 0;
  int64_t max_timestamp_ms = 0;
  // Monotonic time its first event was read (for a batch read back from the
  // disk buffer, the time its record was held there since, as the buffer
  // knows it): the age of the oldest line it holds.
  int64_t read_at_ms = 0;
};

// What a batch is made of, before it is gzipped.
struct BatchContents {
  std::string json;  // the whole uncompressed body
  size_t event_count = 0;
  size_t api_bytes = 0;
  int64_t min_timestamp_ms = 0;
  int64_t max_timestamp_ms = 0;
  int64_t read_at_ms = 0;  // monotonic: when its first event was read
};

// Every Batch is made by one of these three, so that no field is left to a
// caller: the batcher's seal, the halves of a request CloudWatch refused as
// too big (their counts, sizes and time range from their own events), and
// a batch read back from the disk buffer.
StatusOr<Batch> MakeBatch(uint64_t id, uint32_t stream, BatchContents contents,
                          GzipCompressor& gzip);
StatusOr<Batch> MakeBatch(uint64_t id, uint32_t stream, const LogStreamTarget& target,
                          const std::vector<ParsedEvent>& events,
                          GzipCompressor& gzip);
// A batch read back from the disk buffer: its body is gzipped already, and
// its counts and time range were saved with it (`contents.json` unused).
Batch RestoreBatch(uint64_t id, uint32_t stream, std::string gzip_body,
                   const BatchContents& contents);

struct BatcherOptions {
  int64_t flush_interval_ms = 5000;
  int gzip_level = 1;
};

class Batcher {
 public:
  Batcher(std::vector<LogStreamTarget> targets, const BatcherOptions& options);
  Batcher(const Batcher&) = delete;
  Batcher& operator=(const Batcher&) = delete;

  // Adds one event to `stream`. `message` must be valid UTF-8 of 1 to
  // kMaxEventMessageBytes bytes. `now_ms` is monotonic time. Returns the id
  // of the batch the event joined, or an error if sealing failed.
  StatusOr<uint64_t> Add(uint32_t stream, int64_t timestamp_ms,
                         std::string_view message, int64_t now_ms);

  // Seals every open batch whose first event is `flush_interval_ms` old.
  Status SealDue(int64_t now_ms);
  // Seals every open batch now.
  Status SealAll();

  // Monotonic time at which SealDue will next have work, if any batch is open.
  std::optional<int64_t> NextDueMs() const;

  // An id from the sequence the batcher's own batches take theirs from, for
  // batches made elsewhere (read back from the disk buffer) and records the
  // tailer rejected: one id space, so no id needs a tag bit.
  uint64_t NewId() { return next_id_++; }

  bool HasSealed() const { return !sealed_.empty(); }
  // Removes and returns the oldest sealed batch. Requires HasSealed().
  Batch PopSealed();

  // Lowers (*oldest)[stream] to the read time of the first event each
  // stream holds, open or sealed; `oldest` has a slot per stream.
  void NoteOldest(std::vector<int64_t>* oldest) const;

  // Compressed bytes of sealed batches waiting to be taken.
  size_t sealed_bytes() const { return sealed_bytes_; }
  // Uncompressed bytes held in open batches.
  size_t open_bytes() const;
  // Adds a stream (one found while running: a file of a publish_multi_logs
  // entry); returns its index, the next one.
  uint32_t AddStream(const LogStreamTarget& target);
  size_t stream_count() const { return targets_.size(); }
  const LogStreamTarget& target(uint32_t stream) const { return targets_[stream]; }

 private:
  struct Slot {
    int64_t timestamp_ms;
    uint32_t begin;  // offset of the event's JSON in `json`
    uint32_t length;
  };
  struct Open {
    uint64_t id = 0;
    std::string json;  // event objects joined by ','
    std::vector<Slot> slots;
    size_t api_bytes = 0;
    int64_t min_ts = 0;
    int64_t max_ts = 0;
    bool sorted = true;
    int64_t opened_at_ms = 0;
  };

  bool Fits(const Open& open, int64_t timestamp_ms, size_t message_bytes) const;
  Status Seal(uint32_t stream);

  std::vector<LogStreamTarget> targets_;
  std::vector<std::string> body_prefixes_;
  std::vector<Open> open_;
  BatcherOptions options_;
  GzipCompressor gzip_;
  std::deque<Batch> sealed_;
  size_t sealed_bytes_ = 0;
  uint64_t next_id_ = 1;
  std::string scratch_;  // reordered events when a batch is out of order
};

}  // namespace edgelog

#endif  // EDGELOG_AGENT_BATCH_BATCHER_H_
