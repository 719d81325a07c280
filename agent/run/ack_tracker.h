// AckTracker: turns acknowledged batches into per-file delivered offsets.
//
// Each source's records enter batches in file order. A source's offset
// advances past a record only when its batch and every earlier batch of the
// same source are acknowledged, so a checkpoint never passes data that could
// still be lost.
#ifndef EDGELOG_AGENT_RUN_ACK_TRACKER_H_
#define EDGELOG_AGENT_RUN_ACK_TRACKER_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <unordered_map>
#include <vector>

namespace edgelog {

class AckTracker {
 public:
  // Starts tracking `source`, delivered up to `offset`.
  void AddSource(uint32_t source, uint64_t offset);
  // Stops tracking `source` (its file is read, delivered and gone): its
  // memory is freed. Nothing of it may be pending.
  void Forget(uint32_t source) { sources_.erase(source); }

  // A record of `source` (added before) ending at `end_offset` joined batch
  // `batch_id`.
  void OnRecord(uint32_t source, uint64_t batch_id, uint64_t end_offset);
  // The bytes of `source` up to `end_offset` need no delivery.
  void OnSkipped(uint32_t source, uint64_t end_offset);
  // Batch `batch_id` is done.
  void OnAck(uint64_t batch_id);
  // Batch `batch_id` is done only after one more OnAck than it would take:
  // two things must happen for it (its parts made durable, and events
  // refused in others kept), in either order.
  void Hold(uint64_t batch_id) { ++holds_[batch_id]; }

  // Offset up to which `source` is delivered.
  uint64_t delivered(uint32_t source) const { return sources_.at(source).delivered; }
  // True while records of `source` wait for acknowledgement.
  bool pending(uint32_t source) const { return !sources_.at(source).spans.empty(); }
  // Sources tracked (added and not forgotten).
  size_t source_count() const { return sources_.size(); }
  // Batches holding records not yet acknowledged.
  size_t pending_batches() const { return batch_sources_.size(); }
  // True (once) if any delivered offset moved since the last call.
  bool TakeChanged();

 private:
  struct Span {
    uint64_t batch_id;
    uint64_t end_offset;
    bool acked;
  };
  struct SourceState {
    std::deque<Span> spans;  // in file order
    uint64_t delivered = 0;
  };

  void Advance(SourceState& state);

  std::unordered_map<uint32_t, SourceState> sources_;
  std::unordered_map<uint64_t, std::vector<uint32_t>> batch_sources_;
  std::unordered_map<uint64_t, int> holds_;  // OnAcks still to come first
  bool changed_ = false;
};

}  // namespace edgelog

#endif  // EDGELOG_AGENT_RUN_ACK_TRACKER_H_
