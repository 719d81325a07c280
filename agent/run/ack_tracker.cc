#include "agent/run/ack_tracker.h"

namespace edgelog {

void AckTracker::AddSource(uint32_t source, uint64_t offset) {
  sources_[source].delivered = offset;
}

void AckTracker::OnRecord(uint32_t source, uint64_t batch_id, uint64_t end_offset) {
  SourceState& state = sources_[source];
  if (!state.spans.empty() && state.spans.back().batch_id == batch_id) {
    state.spans.back().end_offset = end_offset;
    return;
  }
  state.spans.push_back({batch_id, end_offset, false});
  std::vector<uint32_t>& owners = batch_sources_[batch_id];
  if (owners.empty() || owners.back() != source) owners.push_back(source);
}

void AckTracker::OnSkipped(uint32_t source, uint64_t end_offset) {
  SourceState& state = sources_[source];
  if (state.spans.empty()) {
    // Nothing in flight before these bytes: they are as good as delivered.
    changed_ = changed_ || state.delivered != end_offset;
    state.delivered = end_offset;
  } else {
    state.spans.back().end_offset = end_offset;
  }
}

void AckTracker::OnAck(uint64_t batch_id) {
  if (auto held = holds_.find(batch_id); held != holds_.end()) {
    if (--held->second == 0) holds_.erase(held);
    return;
  }
  auto it = batch_sources_.find(batch_id);
  if (it == batch_sources_.end()) return;
  for (uint32_t source : it->second) {
    SourceState& state = sources_[source];
    for (Span& span : state.spans) {
      if (span.batch_id == batch_id) span.acked = true;
    }
    Advance(state);
  }
  batch_sources_.erase(it);
}

void AckTracker::Advance(SourceState& state) {
  while (!state.spans.empty() && state.spans.front().acked) {
    // Offsets only go down when a file was truncated; then the newer, lower
    // offset is the right one, so this assigns rather than takes a maximum.
    state.delivered = state.spans.front().end_offset;
    state.spans.pop_front();
    changed_ = true;
  }
}

bool AckTracker::TakeChanged() {
  bool changed = changed_;
  changed_ = false;
  return changed;
}

}  // namespace edgelog
