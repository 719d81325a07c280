#include "agent/spool/spool.h"

#include <algorithm>
#include <cstdio>

#include "agent/base/file_util.h"

namespace edgelog {
namespace {

constexpr const char* kSuffix = ".seg";
constexpr int64_t kDropLogIntervalMs = 60000;

// "000042.seg" → 42; 0 for anything else.
uint64_t SegmentNumber(const std::string& name) {
  if (name.size() != 6 + 4 || name.compare(6, 4, kSuffix) != 0) return 0;
  uint64_t n = 0;
  for (size_t i = 0; i < 6; ++i) {
    if (name[i] < '0' || name[i] > '9') return 0;
    n = n * 10 + static_cast<uint64_t>(name[i] - '0');
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

Status Spool::RecoverSegment(uint64_t number, std::map<uint64_t, SpooledBatch>* salvaged,
                             std::vector<uint64_t>* acked) {
  std::string path = SegmentPath(number);
  auto bytes = ReadWholeFile(env_, path, kMaxRecordBytes * 4ull);
  if (!bytes.ok()) return bytes.status();
  SegmentContents contents = ReadSegment(*bytes);
  bool corrupt = contents.state == SegmentState::kCorrupt;
  for (const SegmentRecord& r : contents.records) {
    if (r.type == RecordType::kAck) {
      uint64_t seq = 0;
      AckReason reason;
      if (DecodeAck(r.payload, &seq, &reason).ok()) acked->push_back(seq);
      continue;
    }
    auto batch = DecodeBatch(r.payload);
    if (!batch.ok()) continue;  // checksummed yet malformed: cannot be sent
    next_seq_ = std::max(next_seq_, batch->seq + 1);
    if (corrupt) {
      (*salvaged)[batch->seq] = std::move(*batch);  // rewritten into a new segment
      continue;
    }
    uint64_t length = kRecordHeaderBytes + r.payload.size();
    pending_[batch->seq] = Entry{number, r.offset, length, batch->event_count, true, false};
  }
  if (contents.state == SegmentState::kTornTail) {
    ++stats_.torn_tails;
    log_.Warning(path + ": cut off " + std::to_string(bytes->size() - contents.valid_bytes) +
                 " damaged bytes at its end (a write cut short by a crash)");
    EDGELOG_RETURN_IF_ERROR(env_.Truncate(path, contents.valid_bytes));
  }
  if (corrupt) {
    ++stats_.corrupt_segments;
    std::string corrupt_dir = JoinPath(dir_, "corrupt");
    EDGELOG_RETURN_IF_ERROR(env_.CreateDirs(corrupt_dir));
    std::string aside = JoinPath(corrupt_dir, path.substr(path.rfind('/') + 1));
    log_.Error(path + " is damaged at offset " + std::to_string(contents.valid_bytes) +
               "; moved to " + aside + " (its " + std::to_string(contents.records.size()) +
               " good records are kept)");
    EDGELOG_RETURN_IF_ERROR(env_.Rename(path, aside));
    return Status::Ok();
  }
  segments_[number] = Segment{};
  return Status::Ok();
}

Status Spool::Recover() {
  auto names = env_.ListDir(dir_);
  if (!names.ok()) return names.status();
  std::vector<uint64_t> numbers;
  for (const std::string& name : *names) {
    if (uint64_t n = SegmentNumber(name)) numbers.push_back(n);
  }
  std::sort(numbers.begin(), numbers.end());
  std::map<uint64_t, SpooledBatch> salvaged;
  std::vector<uint64_t> acked;
  for (uint64_t n : numbers) {
    Status s = RecoverSegment(n, &salvaged, &acked);
    if (!s.ok()) {
      log_.Error("disk buffer segment " + SegmentPath(n) + " unreadable: " + s.ToString());
    }
    current_number_ = std::max(current_number_, n);
  }
  for (uint64_t seq : acked) {
    pending_.erase(seq);
    salvaged.erase(seq);
  }
  for (auto& [seq, entry] : pending_) {
    ++segments_[entry.segment].live;
    bytes_ += entry.length;
  }
  // Segments with nothing left to send go, oldest first (see Forget).
  while (!segments_.empty() && segments_.begin()->second.live == 0) {
    env_.Remove(SegmentPath(segments_.begin()->first));
    segments_.erase(segments_.begin());
  }
  EDGELOG_RETURN_IF_ERROR(StartSegment());
  for (auto& [seq, batch] : salvaged) {
    // Re-written under their old numbers, so they keep their place.
    uint64_t offset = 0;
    std::string payload = EncodeBatch(batch);
    EDGELOG_RETURN_IF_ERROR(AppendRecord(RecordType::kBatch, payload, &offset));
    Entry entry{current_number_, offset, kRecordHeaderBytes + payload.size(),
                batch.event_count, true, false};
    pending_[seq] = entry;
    ++segments_[current_number_].live;
    bytes_ += entry.length;
  }
  if (!salvaged.empty()) EDGELOG_RETURN_IF_ERROR(current_->Sync());
  stats_.recovered = pending_.size();
  if (!pending_.empty()) {
    log_.Info("disk buffer: " + std::to_string(pending_.size()) + " batches (" +
              std::to_string(bytes_) + " bytes) to send from an earlier run");
  }
  return env_.SyncDir(dir_);
}

Status Spool::StartSegment() {
  if (current_) current_->Close();
  ++current_number_;
  auto file = env_.OpenWritable(SegmentPath(current_number_), WriteMode::kTruncate);
  if (!file.ok()) return file.status();
  current_ = std::move(*file);
  current_size_ = 0;
  failed_write_ = false;
  segments_[current_number_] = Segment{};
  return env_.SyncDir(dir_);  // the new name must survive a crash too
}

Status Spool::AppendRecord(RecordType type, std::string_view payload, uint64_t* offset) {
  std::string record;
  edgelog::AppendRecord(type, payload, &record);
  Status s = current_->Append(record);
  if (!s.ok()) {
    // Maybe part of it went out: never write after a torn record.
    failed_write_ = true;
    env_.Truncate(SegmentPath(current_number_), current_size_);
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
  if (bytes_ + length > options_.max_bytes) {
    if (options_.when_full == WhenFull::kBlock) {
      return Status::NoSpace("disk buffer full (" + std::to_string(bytes_) + " of " +
                             std::to_string(options_.max_bytes) + " bytes)");
    }
    DropOldest(bytes_ + length - options_.max_bytes);
  }
  if (failed_write_ || current_size_ >= options_.segment_bytes) {
    if (!unsynced_.empty()) {
      auto synced = Sync();  // a segment is left only once durable
      if (!synced.ok()) return synced.status();
      unsynced_ = std::move(*synced);  // still to be reported by the next Sync
    }
    EDGELOG_RETURN_IF_ERROR(StartSegment());
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

StatusOr<std::vector<uint64_t>> Spool::Sync() {
  std::vector<uint64_t> done;
  Status s = current_->Sync();
  if (!s.ok()) {
    // Whether the bytes reached the disk is unknown: the batches are not
    // durable. They are forgotten (the caller still has them) and their
    // records cut off, so a restart does not send them twice.
    for (uint64_t seq : unsynced_) {
      auto it = pending_.find(seq);
      if (it == pending_.end()) continue;
      if (it->second.segment == current_number_) {
        current_size_ = std::min(current_size_, it->second.offset);
      }
      Forget(seq, it->second);
    }
    env_.Truncate(SegmentPath(current_number_), current_size_);
    failed_write_ = true;
    unsynced_.clear();
    return s;
  }
  for (uint64_t seq : unsynced_) {
    auto it = pending_.find(seq);
    if (it == pending_.end()) continue;
    it->second.durable = true;
    done.push_back(seq);
  }
  unsynced_.clear();
  return done;
}

void Spool::Forget(uint64_t seq, const Entry& entry) {
  bytes_ -= entry.length;
  pending_.erase(seq);
  auto seg = segments_.find(entry.segment);
  if (seg != segments_.end() && seg->second.live > 0) --seg->second.live;
  // Segments go oldest first only: a segment's ack records may be all that
  // says a batch in an older segment is done.
  while (!segments_.empty() && segments_.begin()->second.live == 0 &&
         segments_.begin()->first != current_number_) {
    env_.Remove(SegmentPath(segments_.begin()->first));
    segments_.erase(segments_.begin());
  }
}

void Spool::DropOldest(uint64_t needed) {
  uint64_t freed = 0;
  while (freed < needed && !pending_.empty()) {
    auto it = pending_.begin();
    if (it->second.taken) break;  // being sent: it will be acknowledged soon
    uint64_t seq = it->first;
    Entry entry = it->second;
    uint64_t offset = 0;
    if (!AppendRecord(RecordType::kAck, EncodeAck(seq, AckReason::kDropped), &offset).ok()) {
      break;
    }
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
    auto file = env_.OpenReadable(SegmentPath(e.segment));
    std::string record(e.length, '\0');
    StatusOr<size_t> n = file.ok() ? (*file)->ReadAt(e.offset, record.data(), record.size())
                                   : StatusOr<size_t>(file.status());
    if (n.ok() && *n == record.size()) {
      SegmentContents c = ReadSegment(record);
      if (c.records.size() == 1 && c.records[0].type == RecordType::kBatch) {
        auto batch = DecodeBatch(c.records[0].payload);
        if (batch.ok()) {
          e.taken = true;
          return std::move(*batch);
        }
      }
    }
    log_.Error("disk buffer: batch " + std::to_string(it->first) + " in " +
               SegmentPath(e.segment) + " cannot be read back; dropped");
    ++stats_.dropped_batches;
    stats_.dropped_events += e.events;
    uint64_t seq = it->first;
    Entry entry = e;
    ++it;
    Forget(seq, entry);
  }
  return std::nullopt;
}

Status Spool::Ack(uint64_t seq) {
  auto it = pending_.find(seq);
  if (it == pending_.end()) return Status::Ok();
  Entry entry = it->second;
  if (failed_write_ || current_size_ >= options_.segment_bytes) {
    EDGELOG_RETURN_IF_ERROR(StartSegment());
  }
  uint64_t offset = 0;
  EDGELOG_RETURN_IF_ERROR(AppendRecord(RecordType::kAck, EncodeAck(seq, AckReason::kDone),
                                       &offset));
  ++stats_.acked;
  Forget(seq, entry);
  return Status::Ok();
}

size_t Spool::ready_count() const {
  return static_cast<size_t>(std::count_if(pending_.begin(), pending_.end(), [](const auto& p) {
    return p.second.durable && !p.second.taken;
  }));
}

}  // namespace edgelog
