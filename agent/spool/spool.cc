#include "agent/spool/spool.h"

#include <algorithm>
#include <cstdio>

#include "agent/io/file_util.h"

namespace edgelog {
namespace {

constexpr const char* kSuffix = ".seg";
constexpr int64_t kDropLogIntervalMs = 60000;
// How long a record that cannot be read (EIO) holds up the batches behind it.
constexpr int64_t kUnreadableGiveUpMs = 5 * 60 * 1000;

// "000042.seg" → 42, "1234567.seg" → 1234567 (names grow past six
// digits); 0 for anything else.
uint64_t SegmentNumber(const std::string& name) {
  constexpr size_t kSuffixLength = 4;
  if (name.size() <= kSuffixLength ||
      name.compare(name.size() - kSuffixLength, kSuffixLength, kSuffix) != 0) {
    return 0;
  }
  uint64_t n = 0;
  for (size_t i = 0; i < name.size() - kSuffixLength; ++i) {
    if (name[i] < '0' || name[i] > '9') return 0;
    uint64_t digit = static_cast<uint64_t>(name[i] - '0');
    if (n > (UINT64_MAX - digit) / 10) return 0;
    n = n * 10 + digit;
  }
  return n;
}

}  // namespace

Spool::Spool(Env& env, Clock& clock, Logger& log, std::string dir,
             const SpoolOptions& options)
    : env_(env), clock_(clock), log_(log), dir_(std::move(dir)), options_(options) {}

std::string Spool::SegmentPath(uint64_t number) const {
  char name[32];
  std::snprintf(name, sizeof(name), "%06llu%s", static_cast<unsigned long long>(number),
                kSuffix);
  return JoinPath(dir_, name);
}

StatusOr<std::unique_ptr<Spool>> Spool::Open(Env& env, Clock& clock, Logger& log,
                                             const std::string& dir,
                                             const SpoolOptions& options) {
  std::unique_ptr<Spool> spool(new Spool(env, clock, log, dir, options));
  EDGELOG_RETURN_IF_ERROR(env.CreateDirs(dir));
  EDGELOG_RETURN_IF_ERROR(spool->Recover());
  return spool;
}

Status Spool::RecoverSegment(uint64_t number, Salvage* salvage) {
  std::string path = SegmentPath(number);
  auto bytes = ReadWholeFile(env_, path, kMaxRecordBytes * 4ull);
  if (!bytes.ok()) {
    log_.Error("disk buffer segment " + path + " cannot be read: " + bytes.status().ToString());
    MoveAside(number);
    return bytes.status();
  }
  SegmentContents contents = ReadSegment(*bytes);
  bool corrupt = contents.state == SegmentState::kCorrupt;
  for (const SegmentRecord& r : contents.records) {
    if (r.type == RecordType::kAck) {
      uint64_t seq = 0;
      AckReason reason;
      if (DecodeAck(r.payload, &seq, &reason).ok()) {
        salvage->acked.push_back(seq);
        if (corrupt) salvage->acks.push_back(AckRecord{seq, reason});
      }
      continue;
    }
    auto batch = DecodeBatch(r.payload);
    if (!batch.ok()) {
      // Checksummed yet malformed: it can never be sent. Kept for a human;
      // whatever its number was, it has no ack to wait for.
      std::string record;
      edgelog::AppendRecord(r.type, r.payload, &record);
      KeepPoison(0, std::string_view(record), path + " at offset " + std::to_string(r.offset) + ": " +
                                batch.status().ToString());
      continue;
    }
    next_seq_ = std::max(next_seq_, batch->seq + 1);
    if (corrupt) {
      salvage->batches[batch->seq] = std::move(*batch);  // rewritten into a new segment
      continue;
    }
    uint64_t length = kRecordHeaderBytes + r.payload.size();
    pending_[batch->seq] = Entry{number, r.offset, length, batch->event_count, true, false};
  }
  if (corrupt) {
    ++stats_.corrupt_segments;
    log_.Error(path + " is damaged at offset " + std::to_string(contents.valid_bytes) + " (" +
               std::to_string(contents.damaged_records) + " damaged record(s)); its " +
               std::to_string(contents.records.size()) +
               " good records are kept and it goes to corrupt/");
    salvage->aside.push_back(number);
    return Status::Ok();
  }
  if (contents.state == SegmentState::kTornTail) {
    ++stats_.torn_tails;
    log_.Warning(path + ": cut off " + std::to_string(bytes->size() - contents.valid_bytes) +
                 " damaged bytes at its end (a write cut short by a crash)");
    EDGELOG_RETURN_IF_ERROR(env_.Truncate(path, contents.valid_bytes));
  }
  segments_[number] = Segment{};
  return Status::Ok();
}

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

void Spool::MoveAside(uint64_t number) {
  std::string corrupt_dir = JoinPath(dir_, "corrupt");
  std::string path = SegmentPath(number);
  std::string aside = JoinPath(corrupt_dir, path.substr(path.rfind('/') + 1));
  Status s = env_.CreateDirs(corrupt_dir);
  if (s.ok()) s = env_.Rename(path, aside);
  if (s.ok()) s = env_.SyncDir(corrupt_dir);
  if (s.ok()) {
    log_.Error("damaged segment " + path + " moved to " + aside);
  } else {
    log_.Error("cannot move " + path + " to " + aside + ": " + s.ToString());
  }
}

Status Spool::Recover() {
  auto names = env_.ListDir(dir_);
  if (!names.ok()) return names.status();
  std::vector<uint64_t> numbers;
  std::string unknown;
  for (const std::string& name : *names) {
    if (uint64_t n = SegmentNumber(name)) {
      numbers.push_back(n);
    } else if (name != "corrupt") {
      unknown += (unknown.empty() ? "" : ", ") + name;
    }
  }
  if (!unknown.empty()) {
    log_.Warning("disk buffer " + dir_ + " holds files that are not segments (left alone): " +
                 unknown);
  }
  std::sort(numbers.begin(), numbers.end());
  Salvage salvage;
  for (uint64_t n : numbers) {
    // A segment that cannot be read is moved aside (and said so) inside.
    RecoverSegment(n, &salvage).IgnoreError();
    current_number_ = std::max(current_number_, n);
  }
  for (uint64_t seq : salvage.acked) {
    pending_.erase(seq);
    salvage.batches.erase(seq);
  }
  for (auto& [seq, entry] : pending_) {
    ++segments_[entry.segment].live;
    bytes_ += entry.length;
  }
  RemoveDoneSegments();
  // The good records of damaged segments are written again (batches under
  // their old numbers, so they keep their place; acks, so that what they
  // acknowledge stays done) before the damaged files go to corrupt/.
  bool rewritten = true;
  if (!salvage.batches.empty() || !salvage.acks.empty()) {
    for (auto& [seq, batch] : salvage.batches) {
      uint64_t offset = 0;
      std::string payload = EncodeBatch(batch);
      if (!AppendRecord(RecordType::kBatch, payload, &offset).ok()) break;
      Entry entry{current_number_, offset, kRecordHeaderBytes + payload.size(),
                  batch.event_count, false, false};
      pending_[seq] = entry;
      ++segments_[current_number_].live;
      bytes_ += entry.length;
      unsynced_.push_back(seq);
    }
    acks_to_write_ = salvage.acks;
    auto synced = Sync();
    rewritten = synced.ok() && synced->size() == salvage.batches.size();
    if (!rewritten) {
      // The damaged segments stay where they are, to be read again at the
      // next start; the spool opens all the same.
      log_.Error("cannot rewrite the good records of damaged segments: " +
                 (synced.ok() ? std::string("not all written") : synced.status().ToString()));
      for (auto& [seq, batch] : salvage.batches) {
        auto it = pending_.find(seq);
        if (it != pending_.end()) Forget(seq, it->second);
      }
      acks_to_write_.clear();
    }
  }
  if (rewritten) {
    for (uint64_t n : salvage.aside) MoveAside(n);
  }
  stats_.recovered = pending_.size();
  if (!pending_.empty()) {
    log_.Info("disk buffer: " + std::to_string(pending_.size()) + " batches (" +
              std::to_string(bytes_) + " bytes) to send from an earlier run");
  }
  if (!env_.SyncDir(dir_).ok()) dir_dirty_ = true;  // tried again by the next Sync
  return Status::Ok();
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

StatusOr<uint64_t> Spool::Append(const SpooledBatch& batch) {
  SpooledBatch copy = batch;
  copy.seq = next_seq_;
  std::string payload = EncodeBatch(copy);
  uint64_t length = kRecordHeaderBytes + payload.size();
  if (bytes_ + length > options_.max_bytes && options_.when_full == WhenFull::kDropOldest) {
    DropOldest(bytes_ + length - options_.max_bytes);
  }
  if (bytes_ + length > options_.max_bytes) {
    // kBlock, or every batch left is being sent: the cap holds all the same.
    return Status::NoSpace("disk buffer full (" + std::to_string(bytes_) + " of " +
                           std::to_string(options_.max_bytes) + " bytes)");
  }
  uint64_t offset = 0;
  EDGELOG_RETURN_IF_ERROR(AppendRecord(RecordType::kBatch, payload, &offset));
  pending_[copy.seq] = Entry{current_number_, offset, length, copy.event_count, false, false};
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
