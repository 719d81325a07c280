// DeliveryQueue: the sealed batches of every log stream, in order, from the
// seal until CloudWatch is done with them. The main loop owns it and adds
// to it; the sender works on the batches in place (the front of a stream,
// and batches it sends ahead of their turn) and removes a batch only when
// CloudWatch is done with it, or replaces it by its halves when CloudWatch
// refused it as invalid. Batches that no request holds may leave for the
// disk buffer: the sender says which (Sender::Unheld), the owner removes
// them. No batch is ever handed from one to the other.
#ifndef EDGELOG_AGENT_SEND_DELIVERY_QUEUE_H_
#define EDGELOG_AGENT_SEND_DELIVERY_QUEUE_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <vector>

#include "agent/batch/batcher.h"

namespace edgelog {

class DeliveryQueue {
 public:
  explicit DeliveryQueue(size_t streams) : streams_(streams) {}
  DeliveryQueue(const DeliveryQueue&) = delete;
  DeliveryQueue& operator=(const DeliveryQueue&) = delete;

  // Adds a stream (batches read back from the disk buffer for a stream of
  // an earlier configuration); returns its index.
  uint32_t AddStream();
  size_t stream_count() const { return streams_.size(); }

  // Queues `batch` behind the earlier batches of its stream.
  void Push(Batch batch);
  // The batches of `stream`, oldest first.
  const std::deque<Batch>& of(uint32_t stream) const { return streams_[stream]; }
  // CloudWatch is done with the front batch of `stream`: removed, and
  // returned.
  Batch PopFront(uint32_t stream);
  // The front batch of `stream` is replaced by `parts`, in their order.
  void ReplaceFront(uint32_t stream, std::vector<Batch> parts);
  // Removes the batches of `stream` whose `leave` is true (one per batch,
  // in queue order) and returns them in their order.
  std::vector<Batch> Remove(uint32_t stream, const std::vector<bool>& leave);

  // Compressed bytes of every batch queued.
  size_t bytes() const { return bytes_; }
  bool empty() const;

 private:
  std::vector<std::deque<Batch>> streams_;
  size_t bytes_ = 0;
};

}  // namespace edgelog

#endif  // EDGELOG_AGENT_SEND_DELIVERY_QUEUE_H_
