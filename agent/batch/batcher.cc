#include "agent/batch/batcher.h"

#include <algorithm>

#include "agent/base/cloudwatch_limits.h"
#include "agent/batch/payload.h"

namespace edgelog {
namespace {

// Capacity an open batch keeps between batches; larger buffers are freed.
constexpr size_t kKeptCapacityBytes = 256 << 10;

}  // namespace

StatusOr<Batch> MakeBatch(uint64_t id, uint32_t stream, BatchContents contents,
                          GzipCompressor& gzip) {
  Batch batch;
  batch.id = id;
  batch.stream = stream;
  batch.event_count = contents.event_count;
  batch.api_bytes = contents.api_bytes;
  batch.json_bytes = contents.json.size();
  batch.min_timestamp_ms = contents.min_timestamp_ms;
  batch.max_timestamp_ms = contents.max_timestamp_ms;
  batch.read_at_ms = contents.read_at_ms;
  EDGELOG_RETURN_IF_ERROR(gzip.Compress(contents.json, &batch.body));
  return batch;
}

StatusOr<Batch> MakeBatch(uint64_t id, uint32_t stream, const LogStreamTarget& target,
                          const std::vector<ParsedEvent>& events, GzipCompressor& gzip) {
  BatchContents contents;
  contents.json = BuildBody(target, events);
  contents.event_count = events.size();
  if (!events.empty()) {
    contents.min_timestamp_ms = contents.max_timestamp_ms = events.front().timestamp_ms;
  }
  for (const ParsedEvent& e : events) {
    contents.api_bytes += e.message.size() + kEventOverheadBytes;
    contents.min_timestamp_ms = std::min(contents.min_timestamp_ms, e.timestamp_ms);
    contents.max_timestamp_ms = std::max(contents.max_timestamp_ms, e.timestamp_ms);
  }
  return MakeBatch(id, stream, std::move(contents), gzip);
}

Batch RestoreBatch(uint64_t id, uint32_t stream, std::string gzip_body,
                   const BatchContents& contents) {
  Batch batch;
  batch.id = id;
  batch.stream = stream;
  batch.in_buffer = true;
  batch.body = std::move(gzip_body);
  batch.event_count = contents.event_count;
  batch.api_bytes = contents.api_bytes;
  batch.min_timestamp_ms = contents.min_timestamp_ms;
  batch.max_timestamp_ms = contents.max_timestamp_ms;
  batch.read_at_ms = contents.read_at_ms;
  return batch;
}

Batcher::Batcher(std::vector<LogStreamTarget> targets,
                 const BatcherOptions& options)
    : targets_(std::move(targets)),
      open_(targets_.size()),
      options_(options),
      gzip_(options.gzip_level) {
  for (const LogStreamTarget& t : targets_) body_prefixes_.push_back(BodyPrefix(t));
}

uint32_t Batcher::AddStream(const LogStreamTarget& target) {
  targets_.push_back(target);
  body_prefixes_.push_back(BodyPrefix(target));
  open_.emplace_back();
  return static_cast<uint32_t>(targets_.size() - 1);
}

bool Batcher::Fits(const Open& open, int64_t timestamp_ms,
                   size_t message_bytes) const {
  if (open.slots.empty()) return true;
  if (open.slots.size() >= kMaxEventsPerRequest) return false;
  if (open.api_bytes + message_bytes + kEventOverheadBytes > kMaxRequestBytes) {
    return false;
  }
  int64_t lo = std::min(open.min_ts, timestamp_ms);
  int64_t hi = std::max(open.max_ts, timestamp_ms);
  return hi - lo <= kMaxRequestSpanMillis;
}

StatusOr<uint64_t> Batcher::Add(uint32_t stream, int64_t timestamp_ms,
                                std::string_view message, int64_t now_ms) {
  Open* open = &open_[stream];
  if (!Fits(*open, timestamp_ms, message.size())) {
    EDGELOG_RETURN_IF_ERROR(Seal(stream));
  }
  if (open->slots.empty()) {
    open->id = NewId();
    open->opened_at_ms = now_ms;
    open->min_ts = open->max_ts = timestamp_ms;
  } else {
    open->sorted = open->sorted && timestamp_ms >= open->slots.back().timestamp_ms;
    open->min_ts = std::min(open->min_ts, timestamp_ms);
    open->max_ts = std::max(open->max_ts, timestamp_ms);
    open->json.push_back(',');
  }
  size_t begin = open->json.size();
  AppendEventJson(timestamp_ms, message, &open->json);
  open->slots.push_back({timestamp_ms, static_cast<uint32_t>(begin),
                         static_cast<uint32_t>(open->json.size() - begin)});
  open->api_bytes += message.size() + kEventOverheadBytes;
  uint64_t id = open->id;
  if (open->slots.size() == kMaxEventsPerRequest) {
    EDGELOG_RETURN_IF_ERROR(Seal(stream));
  }
  return id;
}

Status Batcher::Seal(uint32_t stream) {
  Open& open = open_[stream];
  if (open.slots.empty()) return Status::Ok();
  std::string_view events = open.json;
  if (!open.sorted) {
    std::stable_sort(open.slots.begin(), open.slots.end(),
                     [](const Slot& a, const Slot& b) {
                       return a.timestamp_ms < b.timestamp_ms;
                     });
    scratch_.clear();
    for (const Slot& s : open.slots) {
      if (!scratch_.empty()) scratch_.push_back(',');
      scratch_.append(open.json, s.begin, s.length);
    }
    events = scratch_;
  }
  BatchContents contents;
  contents.json.reserve(body_prefixes_[stream].size() + events.size() + kBodySuffix.size());
  contents.json.append(body_prefixes_[stream]).append(events).append(kBodySuffix);
  contents.event_count = open.slots.size();
  contents.api_bytes = open.api_bytes;
  contents.min_timestamp_ms = open.min_ts;
  contents.max_timestamp_ms = open.max_ts;
  contents.read_at_ms = open.opened_at_ms;
  StatusOr<Batch> batch = MakeBatch(open.id, stream, std::move(contents), gzip_);
  if (!batch.ok()) return batch.status();
  sealed_bytes_ += batch->body.size();
  sealed_.push_back(std::move(*batch));

  // An idle stream should not keep a megabyte of capacity around.
  if (open.json.capacity() > kKeptCapacityBytes) {
    std::string().swap(open.json);
  } else {
    open.json.clear();
  }
  open.slots.clear();
  open.api_bytes = 0;
  open.sorted = true;
  return Status::Ok();
}

void Batcher::NoteOldest(std::vector<int64_t>* oldest) const {
  for (uint32_t s = 0; s < open_.size() && s < oldest->size(); ++s) {
    if (!open_[s].slots.empty()) (*oldest)[s] = std::min((*oldest)[s], open_[s].opened_at_ms);
  }
  for (const Batch& b : sealed_) {
    if (b.stream < oldest->size()) (*oldest)[b.stream] = std::min((*oldest)[b.stream], b.read_at_ms);
  }
}

Status Batcher::SealDue(int64_t now_ms) {
  for (uint32_t s = 0; s < open_.size(); ++s) {
    const Open& open = open_[s];
    if (!open.slots.empty() &&
        now_ms - open.opened_at_ms >= options_.flush_interval_ms) {
      EDGELOG_RETURN_IF_ERROR(Seal(s));
    }
  }
  return Status::Ok();
}

Status Batcher::SealAll() {
  for (uint32_t s = 0; s < open_.size(); ++s) EDGELOG_RETURN_IF_ERROR(Seal(s));
  return Status::Ok();
}

std::optional<int64_t> Batcher::NextDueMs() const {
  std::optional<int64_t> due;
  for (const Open& open : open_) {
    if (open.slots.empty()) continue;
    int64_t t = open.opened_at_ms + options_.flush_interval_ms;
    if (!due || t < *due) due = t;
  }
  return due;
}

Batch Batcher::PopSealed() {
  Batch batch = std::move(sealed_.front());
  sealed_.pop_front();
  sealed_bytes_ -= batch.body.size();
  return batch;
}

size_t Batcher::open_bytes() const {
  size_t total = 0;
  for (const Open& open : open_) total += open.json.size();
  return total;
}

}  // namespace edgelog
