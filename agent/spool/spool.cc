// Spool: appending batches to the current segment, syncing them, handing
// them out in order, and acknowledging them; full disks and unreadable
// records. (Segment names and recovery at start: spool_recovery.cc.)
#include "agent/spool/spool.h"

#include <algorithm>

#include "agent/io/file_util.h"

namespace edgelog {
namespace {

constexpr int64_t kDropLogIntervalMs = 60000;
// How long a record that cannot be read (EIO) holds up the batches behind it.
constexpr int64_t kUnreadableGiveUpMs = 5 * 60 * 1000;

}  // namespace

Spool::Spool(Env& env, Clock& clock, Logger& log, std::string dir,
             const SpoolOptions& options)
    : env_(env), clock_(clock), log_(log), dir_(std::move(dir)), options_(options) {}

void Spool::KeepPoison(uint64_t seq, std::optional<std::string_view> record,
                       const std::string& reason) {
  ++stats_.set_aside;
  std::string corrupt_dir = JoinPath(dir_, "corrupt");
  // Sequence numbers start again with an empty buffer: the time keeps the
  // names of different runs apart.
  std::string name = "batch-" + (seq != 0 ? std::to_string(seq) : std::string("unnumbered")) +
                     "-" + std::to_string(clock_.NowUnixMillis()) + "-" +
                     std::to_string(stats_.set_aside);
  std::string path = JoinPath(corrupt_dir, name + ".rec");
  Status s = env_.CreateDirs(corrupt_dir);
  if (s.ok() && record) s = WriteFileAtomically(env_, path, *record);
  if (s.ok()) s = WriteFileAtomically(env_, JoinPath(corrupt_dir, name + ".txt"), reason + "\n");
  std::string kept = !s.ok()   ? "it cannot be kept in " + corrupt_dir + " either (" +
                                   s.ToString() + ")"
                     : record ? "its record is kept in " + path
                              : "its record cannot be read; the reason is kept in " +
                                    JoinPath(corrupt_dir, name + ".txt");
  log_.Error("disk buffer: a batch cannot be sent (" + reason + "); " + kept +
             ", and the batches behind it go on");
}

void Spool::SetAside(uint64_t seq, const std::string& reason) {
  auto it = pending_.find(seq);
  if (it == pending_.end()) return;
  Entry entry = it->second;
  auto record = ReadRecord(entry);
  KeepPoison(seq, record.ok() ? std::optional<std::string_view>(*record) : std::nullopt, reason);
  WriteAck(seq, AckReason::kDropped);
  ++stats_.dropped_batches;
  stats_.dropped_events += entry.events;
  Forget(seq, entry);
}

StatusOr<std::string> Spool::ReadRecord(const Entry& entry) {
  auto file = env_.OpenReadable(SegmentPath(entry.segment));
  if (!file.ok()) return file.status();
  std::string record(entry.length, '\0');
  auto n = (*file)->ReadAt(entry.offset, record.data(), record.size());
  if (!n.ok()) return n.status();
  if (*n != record.size()) {
    return Status::Corruption(SegmentPath(entry.segment) + " ends before its record at " +
                              std::to_string(entry.offset));
  }
  return record;
}

Status Spool::StartSegment() {
  if (current_ && current_size_ > current_synced_) {
    left_.push_back(Unsynced{current_number_, std::move(current_), current_synced_});
  } else if (current_) {
    current_->Close().IgnoreError();  // all of it is synced already
  }
  // A segment whose only write failed (and was cut off) holds nothing: it
  // is written again under its own name. The number moves only once a new
  // segment file exists, so failing opens and writes (a full disk, an
  // unwritable directory) never run through names.
  bool reuse = current_ && current_size_ == 0;
  current_.reset();
  uint64_t number = reuse ? current_number_ : current_number_ + 1;
  auto file = env_.OpenWritable(SegmentPath(number), WriteMode::kTruncate);
  if (!file.ok()) return file.status();  // tried again under the same name
  current_number_ = number;
  current_ = std::move(*file);
  current_size_ = 0;
  current_synced_ = 0;
  failed_write_ = false;
  dir_dirty_ = true;  // the new name must survive a crash too: synced by Sync
  segments_[current_number_] = Segment{};
  return Status::Ok();
}

Status Spool::AppendRecord(RecordType type, std::string_view payload, uint64_t* offset) {
  if (!current_ || failed_write_ || current_size_ >= options_.segment_bytes) {
    EDGELOG_RETURN_IF_ERROR(StartSegment());
  }
  std::string record;
  edgelog::AppendRecord(type, payload, &record);
  Status s = current_->Append(record);
  if (!s.ok()) {
    // Maybe part of it went out: never write after a torn record.
    failed_write_ = true;
    // If the cut fails too, the torn record stays the last one in its
    // segment (the next record goes to another, or rewrites this one when
    // it holds nothing else): recovery cuts it as a torn tail.
    env_.Truncate(SegmentPath(current_number_), current_size_).IgnoreError();
    return s;
  }
  *offset = current_size_;
  current_size_ += record.size();
  return Status::Ok();
}

StatusOr<uint64_t> Spool::Append(const SpooledBatch& batch, bool replacing) {
  SpooledBatch copy = batch;
  copy.seq = next_seq_;
  std::string payload = EncodeBatch(copy);
  uint64_t length = kRecordHeaderBytes + payload.size();
  bool over = !replacing && bytes_ + length > options_.max_bytes;
  if (over && options_.when_full == WhenFull::kDropOldest) {
    DropOldest(bytes_ + length - options_.max_bytes);
  }
  if (over && bytes_ + length > options_.max_bytes) {
    // kBlock, or every batch left is being sent: the cap holds all the same.
    return Status::NoSpace("disk buffer full (" + std::to_string(bytes_) + " of " +
                           std::to_string(options_.max_bytes) + " bytes)");
  }
  uint64_t offset = 0;
  EDGELOG_RETURN_IF_ERROR(AppendRecord(RecordType::kBatch, payload, &offset));
  pending_[copy.seq] = Entry{current_number_, offset, length, copy.event_count, false, false,
                             copy.read_at_ms};
  ++segments_[current_number_].live;
  bytes_ += length;
  unsynced_.push_back(copy.seq);
  ++stats_.appended;
  return next_seq_++;
}

void Spool::WriteAck(uint64_t seq, AckReason reason) {
  uint64_t offset = 0;
  if (acks_to_write_.empty() &&
      AppendRecord(RecordType::kAck, EncodeAck(seq, reason), &offset).ok()) {
    unsynced_acks_.push_back(AckRecord{seq, reason});
  } else {
    acks_to_write_.push_back(AckRecord{seq, reason});  // in order, by the next Sync
  }
}

Status Spool::SyncAll() {
  while (!acks_to_write_.empty()) {
    const AckRecord& a = acks_to_write_.front();
    uint64_t offset = 0;
    EDGELOG_RETURN_IF_ERROR(AppendRecord(RecordType::kAck, EncodeAck(a.seq, a.reason), &offset));
    unsynced_acks_.push_back(a);
    acks_to_write_.erase(acks_to_write_.begin());
  }
  for (Unsynced& u : left_) EDGELOG_RETURN_IF_ERROR(u.file->Sync());
  if (current_ && current_size_ > current_synced_) EDGELOG_RETURN_IF_ERROR(current_->Sync());
  if (dir_dirty_) EDGELOG_RETURN_IF_ERROR(env_.SyncDir(dir_));
  return Status::Ok();
}

void Spool::FailSync() {
  // Whether the bytes reached the disk is unknown: the batches are not
  // durable. They are forgotten (the caller still has them) and the records
  // written since the last sync cut off, so a restart does not send them
  // twice. The acks among those records are written again.
  std::vector<uint64_t> forgotten;
  for (uint64_t seq : unsynced_) {
    auto it = pending_.find(seq);
    if (it == pending_.end()) continue;
    Forget(seq, it->second);
    forgotten.push_back(seq);
  }
  unsynced_.clear();
  acks_to_write_.insert(acks_to_write_.begin(), unsynced_acks_.begin(), unsynced_acks_.end());
  unsynced_acks_.clear();
  bool cut = true;
  for (Unsynced& u : left_) {
    cut = env_.Truncate(SegmentPath(u.number), u.synced_size).ok() && cut;
    u.file->Close().IgnoreError();  // what it holds past the cut does not count
  }
  left_.clear();
  if (current_) {
    cut = env_.Truncate(SegmentPath(current_number_), current_synced_).ok() && cut;
    current_size_ = current_synced_;
  }
  if (!cut) {
    // The forgotten records may still reach the disk whole, and come back at
    // the next start beside the copies the caller appends again: ack them,
    // first thing in the next sync, so that only the copies count.
    std::vector<AckRecord> superseded;
    for (uint64_t seq : forgotten) superseded.push_back(AckRecord{seq, AckReason::kDropped});
    acks_to_write_.insert(acks_to_write_.begin(), superseded.begin(), superseded.end());
  }
  failed_write_ = true;  // the next record goes to a new segment
}

StatusOr<std::vector<uint64_t>> Spool::Sync() {
  Status s = SyncAll();
  if (!s.ok()) {
    FailSync();
    return s;
  }
  for (Unsynced& u : left_) u.file->Close().IgnoreError();  // synced just now
  left_.clear();
  current_synced_ = current_size_;
  dir_dirty_ = false;
  unsynced_acks_.clear();
  std::vector<uint64_t> done;
  for (uint64_t seq : unsynced_) {
    auto it = pending_.find(seq);
    if (it == pending_.end()) continue;
    it->second.durable = true;
    done.push_back(seq);
  }
  unsynced_.clear();
  return done;
}

void Spool::RemoveDoneSegments() {
  // Segments go oldest first only: a segment's ack records may be all that
  // says a batch in an older segment is done. One that cannot be removed
  // stops the removals (and is tried again later), for the same reason.
  while (!segments_.empty() && segments_.begin()->second.live == 0 &&
         (segments_.begin()->first != current_number_ || !current_)) {
    Status s = env_.Remove(SegmentPath(segments_.begin()->first));
    if (!s.ok() && s.code() != Code::kNotFound) return;
    segments_.erase(segments_.begin());
  }
}

void Spool::Forget(uint64_t seq, Entry entry) {
  bytes_ -= entry.length;
  pending_.erase(seq);
  auto seg = segments_.find(entry.segment);
  if (seg != segments_.end() && seg->second.live > 0) --seg->second.live;
  // Segments go oldest first only: a segment's ack records may be all that
  // says a batch in an older segment is done.
  RemoveDoneSegments();
}

void Spool::DropOldest(uint64_t needed) {
  uint64_t freed = 0;
  for (auto it = pending_.begin(); freed < needed && it != pending_.end();) {
    if (it->second.taken) {  // being sent: it will be acknowledged soon
      ++it;
      continue;
    }
    uint64_t seq = it->first;
    Entry entry = it->second;
    ++it;
    WriteAck(seq, AckReason::kDropped);
    freed += entry.length;
    ++stats_.dropped_batches;
    stats_.dropped_events += entry.events;
    stats_.dropped_bytes += entry.length;
    Forget(seq, entry);
  }
  int64_t now = clock_.MonotonicMillis();
  if (last_drop_log_ms_ < 0 || now - last_drop_log_ms_ >= kDropLogIntervalMs) {
    last_drop_log_ms_ = now;
    log_.Warning("disk buffer full: dropped the oldest batches (so far " +
                 std::to_string(stats_.dropped_batches) + " batches, " +
                 std::to_string(stats_.dropped_events) + " events, " +
                 std::to_string(stats_.dropped_bytes) + " bytes)");
  }
}

std::optional<int64_t> Spool::OldestNotTakenMs() const {
  std::optional<int64_t> oldest;
  for (const auto& [seq, e] : pending_) {
    if (!e.taken && (!oldest || e.read_at_ms < *oldest)) oldest = e.read_at_ms;
  }
  return oldest;
}

std::optional<SpooledBatch> Spool::TakeNext() {
  for (auto it = pending_.begin(); it != pending_.end();) {
    Entry& e = it->second;
    if (e.taken || !e.durable) {
      ++it;
      continue;
    }
    auto record = ReadRecord(e);
    Code failure = record.ok() ? Code::kOk : record.status().code();
    if (failure != Code::kOk && failure != Code::kCorruption && failure != Code::kNotFound) {
      // No descriptor, an I/O error: nothing says the record is bad. It is
      // read again later, and the batches behind it wait to keep the order;
      // but not for ever: a bad block does not heal.
      int64_t now = clock_.MonotonicMillis();
      if (read_failing_seq_ != it->first) {
        read_failing_seq_ = it->first;
        read_failing_since_ms_ = now;
        log_.Error("disk buffer: cannot read batch " + std::to_string(it->first) + " back (" +
                   record.status().ToString() + "); trying again for " +
                   std::to_string(kUnreadableGiveUpMs / 1000) + " s");
      }
      if (now - read_failing_since_ms_ < kUnreadableGiveUpMs) return std::nullopt;
    }
    read_failing_seq_ = 0;
    std::string reason;
    if (record.ok()) {
      SegmentContents c = ReadSegment(*record);
      if (c.records.size() == 1 && c.records[0].type == RecordType::kBatch) {
        auto batch = DecodeBatch(c.records[0].payload);
        if (batch.ok() && batch->seq == it->first) {
          e.taken = true;
          batch->read_at_ms = e.read_at_ms;
          return std::move(*batch);
        }
        reason = batch.ok() ? "its record holds batch " + std::to_string(batch->seq)
                            : batch.status().ToString();
      } else {
        reason = "its record no longer checks out (changed on disk since it was written)";
      }
    } else {
      reason = record.status().ToString();
    }
    uint64_t seq = it->first;
    ++it;
    SetAside(seq, "batch " + std::to_string(seq) + " in " + SegmentPath(e.segment) + ": " +
                      reason);
  }
  return std::nullopt;
}

void Spool::Ack(uint64_t seq) {
  auto it = pending_.find(seq);
  if (it == pending_.end()) return;
  Entry entry = it->second;
  WriteAck(seq, AckReason::kDone);
  ++stats_.acked;
  Forget(seq, entry);
}

size_t Spool::ready_count() const {
  return static_cast<size_t>(std::count_if(pending_.begin(), pending_.end(), [](const auto& p) {
    return p.second.durable && !p.second.taken;
  }));
}

}  // namespace edgelog
