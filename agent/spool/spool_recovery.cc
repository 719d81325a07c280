// Spool: segment files by name, and recovery at start: every segment read
// back, damaged ends cut off, unreadable segments moved to corrupt/, and
// the batches not acknowledged yet queued again in their order.
#include <algorithm>
#include <cstdio>

#include "agent/io/file_util.h"
#include "agent/spool/spool.h"

namespace edgelog {
namespace {

constexpr const char* kSuffix = ".seg";

}  // namespace

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
  // When its batches were read is not kept; they are at least as old as
  // the segment's last write.
  int64_t read_at = clock_.MonotonicMillis();
  if (auto info = env_.Stat(path); info.ok()) {
    int64_t age = clock_.NowUnixMillis() - info->mtime_ns / 1000000;
    if (age > 0) read_at -= age;
  }
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
    batch->read_at_ms = read_at;
    if (corrupt) {
      salvage->batches[batch->seq] = std::move(*batch);  // rewritten into a new segment
      continue;
    }
    uint64_t length = kRecordHeaderBytes + r.payload.size();
    pending_[batch->seq] =
        Entry{number, r.offset, length, batch->event_count, true, false, read_at};
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
                  batch.event_count, false, false, batch.read_at_ms};
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

}  // namespace edgelog
