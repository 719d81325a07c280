// Spool: the disk buffer. Sealed request bodies (already gzipped; signed
// only when sent) wait here while CloudWatch cannot take them.
//
// Batches are appended to segment files under DIR (000001.seg, ...) as
// framed, checksummed records (spool_format.h). Appends are made durable in
// groups by Sync(); only a synced batch may let a file checkpoint move past
// its lines. A delivered (or dropped) batch gets an ack record; a segment
// whose batches are all acknowledged is deleted. Bodies stay on disk: memory
// holds only an index.
//
// Opening recovers: a torn tail is cut off and counted, never delivered; a
// segment damaged in the middle is moved to DIR/corrupt/ (its good records
// are kept); every batch without an ack waits to be sent again, oldest
// first. The spool always opens.
//
// Not thread-safe; owned by the main loop.
#ifndef EDGELOG_AGENT_SPOOL_SPOOL_H_
#define EDGELOG_AGENT_SPOOL_SPOOL_H_

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "agent/base/logger.h"
#include "agent/base/status.h"
#include "agent/spool/spool_format.h"
#include "platform/clock.h"
#include "platform/env.h"

namespace edgelog {

enum class WhenFull {
  kBlock,       // refuse new batches: reading stops, the files keep the data
  kDropOldest,  // drop the oldest batches (counted and logged) to make room
};

struct SpoolOptions {
  uint64_t max_bytes = 256ull << 20;  // batch records on disk, at most
  WhenFull when_full = WhenFull::kBlock;
  uint64_t segment_bytes = 4ull << 20;
};

struct SpoolStats {
  uint64_t appended = 0;
  uint64_t recovered = 0;        // batches found unacknowledged at open
  uint64_t acked = 0;
  uint64_t dropped_batches = 0;  // kDropOldest
  uint64_t dropped_events = 0;
  uint64_t dropped_bytes = 0;
  uint64_t torn_tails = 0;       // segments whose damaged tail was cut off
  uint64_t corrupt_segments = 0;  // moved to corrupt/
  uint64_t set_aside = 0;         // poison batches copied to corrupt/ and dropped
};

class Spool {
 public:
  static StatusOr<std::unique_ptr<Spool>> Open(Env& env, Clock& clock, Logger& log,
                                               const std::string& dir,
                                               const SpoolOptions& options);
  Spool(const Spool&) = delete;
  Spool& operator=(const Spool&) = delete;

  // Appends `batch` and returns its sequence number (batch.seq is ignored).
  // Not durable before Sync(). kNoSpace when there is no room: the buffer is
  // full with WhenFull::kBlock, or the disk is (ENOSPC); nothing was written
  // then that a later Append could trip over. A failed Append leaves the
  // earlier ones as they were.
  // `replacing`: the batch is a part of a record still in the buffer, which
  // is closed once its parts are durable. The cap neither refuses it nor
  // drops another record for it: the buffer then passes max_bytes by at
  // most that record's parts, until the record is closed.
  StatusOr<uint64_t> Append(const SpooledBatch& batch, bool replacing = false);
  // Makes every append and ack so far durable (every segment written since
  // the last Sync, and the directory). Returns the sequence numbers made
  // durable by this call, in order. On failure none of them is durable:
  // they are forgotten (the caller appends them again) and their records cut
  // off; acks are kept and written again by the next Sync.
  StatusOr<std::vector<uint64_t>> Sync();
  // Appends or acks not yet synced.
  bool has_unsynced() const {
    return !unsynced_.empty() || !unsynced_acks_.empty() || !acks_to_write_.empty();
  }

  // The oldest durable batch not taken yet, read back from disk; nothing
  // when there is none. A batch whose record cannot be read now (no
  // descriptor, an I/O error) waits for a later call, for up to 5 minutes;
  // then, or at once when its record is gone or does not decode, it is set
  // aside (SetAside), so the batches behind it go on.
  std::optional<SpooledBatch> TakeNext();
  // Gives up batch `seq` as poison: a copy of its record goes to
  // DIR/corrupt/batch-SEQ-TIME-N.rec, with `reason` in a .txt beside it, for
  // a human to look at; then it is acknowledged as dropped, and counted.
  void SetAside(uint64_t seq, const std::string& reason);
  // `seq` is done: delivered, or kept as rejected. Appends an ack record
  // (made durable with the next Sync; a record that cannot be written now is
  // written by the next Sync) and deletes fully acknowledged segments.
  void Ack(uint64_t seq);

  // No batch waits (taken ones count as waiting until acknowledged).
  bool empty() const { return pending_.empty(); }
  // Durable batches not taken yet.
  size_t ready_count() const;
  // Bytes of the records of batches not acknowledged.
  uint64_t bytes() const { return bytes_; }
  // Batches not acknowledged (taken or not), and the segment files they are in.
  size_t batch_count() const { return pending_.size(); }
  size_t segment_count() const { return segments_.size(); }
  // SpooledBatch::read_at_ms of the oldest batch not taken yet: the age of
  // the oldest line that waits in the buffer and nowhere else.
  std::optional<int64_t> OldestNotTakenMs() const;
  const SpoolStats& stats() const { return stats_; }

 private:
  struct Entry {
    uint64_t segment;
    uint64_t offset;  // of the record in its segment
    uint64_t length;  // of the record, header included
    uint32_t events;
    bool durable = false;
    bool taken = false;
    int64_t read_at_ms = 0;  // SpooledBatch::read_at_ms
  };
  struct Segment {
    size_t live = 0;  // batches not acknowledged
  };
  // A segment left with writes not synced yet.
  struct Unsynced {
    uint64_t number;
    std::unique_ptr<WritableFile> file;
    uint64_t synced_size;
  };
  struct AckRecord {
    uint64_t seq;
    AckReason reason;
  };

  Spool(Env& env, Clock& clock, Logger& log, std::string dir, const SpoolOptions& options);
  // What recovery found to carry over from segments it sets aside.
  struct Salvage {
    std::map<uint64_t, SpooledBatch> batches;  // good batches of damaged segments
    std::vector<AckRecord> acks;               // good acks of damaged segments
    std::vector<uint64_t> acked;               // every acknowledged seq
    std::vector<uint64_t> aside;               // segments to move to corrupt/
  };
  Status Recover();
  Status RecoverSegment(uint64_t number, Salvage* salvage);
  void MoveAside(uint64_t number);
  // Copies `record` (batch `seq`, undecodable for `reason`) to corrupt/.
  // (`record` absent when it cannot be read: only the reason is kept.)
  void KeepPoison(uint64_t seq, std::optional<std::string_view> record,
                  const std::string& reason);
  // The record of `entry`, read back from its segment.
  StatusOr<std::string> ReadRecord(const Entry& entry);
  Status StartSegment();
  // Starts a new segment first when the current one is full or damaged.
  Status AppendRecord(RecordType type, std::string_view payload, uint64_t* offset);
  void WriteAck(uint64_t seq, AckReason reason);
  Status SyncAll();
  void FailSync();
  void DropOldest(uint64_t needed);
  // By value: callers pass pending_'s own entry, which this erases.
  void Forget(uint64_t seq, Entry entry);
  void RemoveDoneSegments();
  std::string SegmentPath(uint64_t number) const;

  Env& env_;
  Clock& clock_;
  Logger& log_;
  std::string dir_;
  SpoolOptions options_;
  std::map<uint64_t, Entry> pending_;  // seq → where, oldest first
  std::map<uint64_t, Segment> segments_;
  std::unique_ptr<WritableFile> current_;
  uint64_t current_number_ = 0;
  uint64_t current_size_ = 0;
  uint64_t current_synced_ = 0;       // bytes of the current segment known durable
  std::vector<Unsynced> left_;        // earlier segments still to sync
  bool dir_dirty_ = false;            // a segment was created since the last sync
  uint64_t next_seq_ = 1;
  uint64_t bytes_ = 0;
  std::vector<uint64_t> unsynced_;         // batches appended since the last sync
  std::vector<AckRecord> unsynced_acks_;   // ack records written since then
  std::vector<AckRecord> acks_to_write_;   // ack records to write (again)
  uint64_t read_failing_seq_ = 0;          // the batch whose record cannot be read now
  int64_t read_failing_since_ms_ = 0;      // since when (monotonic)
  bool failed_write_ = false;  // the current segment may hold a torn record
  int64_t last_drop_log_ms_ = -1;
  SpoolStats stats_;
};

}  // namespace edgelog

#endif  // EDGELOG_AGENT_SPOOL_SPOOL_H_
