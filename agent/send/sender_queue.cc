// Sender: the batches behind a stream's front. Free to leave for the disk
// buffer while no request holds them; sent ahead of their turn behind a healthy
// front while their events are all later than every event before them,
// their answers waiting for their turn.
#include <algorithm>
#include <climits>

#include "agent/send/sender.h"

namespace edgelog {

std::vector<bool> Sender::Unheld(uint32_t stream, bool stopping) {
  StreamState& st = streams_[stream];
  const std::deque<Batch>& queue = queue_.of(stream);
  std::vector<bool> leave(queue.size(), false);
  // The front batch is CloudWatch's already if a request for it is out, or
  // an earlier part of it (split) was answered. At a stop the parts left
  // may go to the disk buffer all the same: the buffer then acknowledges
  // the batch once they are durable, the answered parts being CloudWatch's;
  // what those answers refused comes back as a partial Ack, to be kept.
  bool accepted = st.pending.batch_id != 0;
  bool front_busy = (accepted && !stopping) || (st.in_flight && !stopping);
  if (stopping && accepted) {
    st.pending.partial = true;
    acks_.push_back(std::move(st.pending));
    st.pending = Ack{};
  }
  // The other parts of a split batch share its id, and one ack covers them
  // all: while one part is busy, the others stay too, or the buffer would
  // declare the whole id safe with a part still unanswered.
  uint64_t busy_id = front_busy && !queue.empty() ? queue.front().id : 0;
  for (size_t i = 0; i < queue.size(); ++i) {
    const Batch& b = queue[i];
    // Sent ahead of its turn: accepted, it stays; still out, it stays
    // unless stopping (its answer is ignored then).
    auto ahead = std::find_if(st.ahead.begin(), st.ahead.end(), [&](const Ahead& a) {
      return a.batch_id == b.id && !a.abandoned;
    });
    bool out_ahead =
        ahead != st.ahead.end() && (ahead->answered || (ahead->out() && !stopping));
    // A batch from the disk buffer is there already: it leaves only at a
    // stop (its record stays), so that those accepted behind it settle.
    if ((i == 0 && front_busy) || (b.in_buffer && !stopping) ||
        (busy_id != 0 && b.id == busy_id) || out_ahead) {
      continue;
    }
    if (ahead != st.ahead.end()) {
      if (ahead->out()) {
        ahead->abandoned = true;  // forgotten when its answer comes
      } else {
        st.ahead.erase(ahead);  // refused: no request of it is out
      }
    }
    if (i == 0 && st.in_flight && st.step == Step::kPut) {
      abandoned_tags_.push_back(st.front_tag);  // the request for the batch leaving
      st.in_flight = false;
    }
    leave[i] = true;
  }
  return leave;
}

void Sender::Removed(uint32_t stream) {
  SettleAhead(stream);  // a batch answered ahead may be at the front now
}

void Sender::SendAhead(uint32_t stream, size_t limit) {
  StreamState& st = streams_[stream];
  const std::deque<Batch>& queue = queue_.of(stream);
  if (options_.max_in_flight_per_stream < 2 || queue.size() < 2 || st.step != Step::kPut ||
      st.attempt > 0 || st.resends > 0 || endpoint_down_ ||
      deps_.clock.MonotonicMillis() < st.not_before_ms) {
    return;
  }
  // Sent and not acknowledged, answered or out: the window.
  size_t busy = st.in_flight ? 1 : 0;
  for (const Ahead& a : st.ahead) busy += (a.answered || a.out()) ? 1 : 0;
  const uint64_t front_id = queue.front().id;  // split parts share it
  int64_t latest = INT64_MIN;  // of the events before, not yet with CloudWatch
  for (const Batch& b : queue) {
    if (busy >= options_.max_in_flight_per_stream || in_flight_ >= limit) return;
    auto ahead = std::find_if(st.ahead.begin(), st.ahead.end(), [&](const Ahead& a) {
      return a.batch_id == b.id && !a.abandoned;
    });
    bool sendable = b.id != front_id && ahead == st.ahead.end() && b.min_timestamp_ms > latest;
    if (ahead == st.ahead.end() || !ahead->answered) {
      latest = std::max(latest, b.max_timestamp_ms);
    }
    if (!sendable) continue;
    uint64_t tag = StartRequest(stream, LogsOperation::kPutLogEvents, b.body,
                                BodyEncoding::kGzip, /*front=*/false);
    if (tag == 0) return;
    stats_.body_bytes_sent += b.body.size();
    Ahead a;
    a.tag = tag;
    a.batch_id = b.id;
    st.ahead.push_back(std::move(a));
    ++busy;
  }
}

Sender::Ahead* Sender::AheadOfFront(uint32_t stream) {
  StreamState& st = streams_[stream];
  if (queue_.of(stream).empty()) return nullptr;
  for (Ahead& a : st.ahead) {
    if (a.batch_id == queue_.of(stream).front().id && !a.abandoned) return &a;
  }
  return nullptr;
}

void Sender::OnAheadResponse(uint32_t stream, size_t index, const HttpResponse& response) {
  StreamState& st = streams_[stream];
  --in_flight_;
  Classification c = Judge(response);
  Ahead& a = st.ahead[index];
  bool at_front = !queue_.of(stream).empty() && queue_.of(stream).front().id == a.batch_id &&
                  !st.in_flight &&
                  st.step == Step::kPut;
  if (a.abandoned) {  // in the disk buffer now
    st.ahead.erase(st.ahead.begin() + static_cast<std::ptrdiff_t>(index));
    return;
  }
  if (c.verdict != Verdict::kOk && !at_front) {
    a.refused = true;  // sent again in its turn, not ahead again
    return;
  }
  if (at_front) {  // its turn came while it was out: answered as the front
    st.ahead.erase(st.ahead.begin() + static_cast<std::ptrdiff_t>(index));
    HandlePutAnswer(stream, c, response);
    return;
  }
  a.answered = true;
  a.answer = response;
}

void Sender::SettleAhead(uint32_t stream) {
  if (settling_) return;  // the loop below goes on
  settling_ = true;
  for (;;) {
    StreamState& st = streams_[stream];
    // Not while a request of the stream is out (a control step's answer
    // must find its step).
    if (st.in_flight) break;
    Ahead* a = AheadOfFront(stream);
    if (a == nullptr || !a->answered) break;
    HttpResponse answer = std::move(a->answer);
    st.ahead.erase(st.ahead.begin() + (a - st.ahead.data()));
    OnPutAccepted(stream, answer);  // finishes the front
  }
  settling_ = false;
}

}  // namespace edgelog
