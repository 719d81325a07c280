#include "agent/send/delivery_queue.h"

#include <algorithm>

namespace edgelog {

uint32_t DeliveryQueue::AddStream() {
  streams_.emplace_back();
  return static_cast<uint32_t>(streams_.size() - 1);
}

void DeliveryQueue::Push(Batch batch) {
  bytes_ += batch.body.size();
  streams_[batch.stream].push_back(std::move(batch));
}

Batch DeliveryQueue::PopFront(uint32_t stream) {
  Batch done = std::move(streams_[stream].front());
  streams_[stream].pop_front();
  bytes_ -= done.body.size();
  return done;
}

void DeliveryQueue::ReplaceFront(uint32_t stream, std::vector<Batch> parts) {
  std::deque<Batch>& q = streams_[stream];
  bytes_ -= q.front().body.size();
  q.pop_front();
  for (auto it = parts.rbegin(); it != parts.rend(); ++it) {  // keeps their order
    bytes_ += it->body.size();
    q.push_front(std::move(*it));
  }
}

std::vector<Batch> DeliveryQueue::Remove(uint32_t stream, const std::vector<bool>& leave) {
  std::deque<Batch>& q = streams_[stream];
  std::vector<Batch> out;
  std::deque<Batch> stay;
  for (size_t i = 0; i < q.size(); ++i) {
    if (i < leave.size() && leave[i]) {
      bytes_ -= q[i].body.size();
      out.push_back(std::move(q[i]));
    } else {
      stay.push_back(std::move(q[i]));
    }
  }
  q = std::move(stay);
  return out;
}

bool DeliveryQueue::empty() const {
  return std::all_of(streams_.begin(), streams_.end(),
                     [](const std::deque<Batch>& q) { return q.empty(); });
}

}  // namespace edgelog
