// Sender: what CloudWatch refused. Events refused inside an accepted
// batch, and batches refused whole (InvalidParameter splits a batch until
// single events remain), are kept in the rejected file with the reason;
// a batch that cannot even be read back is given up with a trace.
#include "agent/send/put_response.h"
#include "agent/send/sender.h"

namespace edgelog {
namespace {

// Bodies are at most ~1 MiB of JSON escapes; refuse to inflate absurd ones.
constexpr size_t kMaxInflatedBody = 16 << 20;

}  // namespace

void Sender::OnPutAccepted(uint32_t stream, const HttpResponse& response) {
  StreamState& st = streams_[stream];
  const Batch& batch = st.queue.front();
  RejectedInfo info = ParseRejectedInfo(response.body);
  if (!info.any()) {
    FinishFront(stream, batch.event_count, 0);
    return;
  }
  auto events = FrontEvents(stream);
  if (!events.ok()) {
    Classification c{Verdict::kOk, "some events refused", ""};
    GiveUpUnreadable(stream, events.status(), c);
    return;
  }
  // Consecutive events with the same reason make one group, one append.
  st.refused.clear();
  st.refused_written = 0;
  st.accepted = 0;
  for (size_t i = 0; i < events->size(); ++i) {
    std::string reason = RejectionReason(info, i);
    if (reason.empty()) {
      ++st.accepted;
      continue;
    }
    if (st.refused.empty() || st.refused.back().reason != reason) {
      st.refused.push_back({reason, {}});
    }
    st.refused.back().events.push_back(std::move((*events)[i]));
  }
  WriteRefused(stream);
}

void Sender::WriteRefused(uint32_t stream) {
  StreamState& st = streams_[stream];
  for (; st.refused_written < st.refused.size(); ++st.refused_written) {
    const RefusedGroup& group = st.refused[st.refused_written];
    if (!Reject(stream, group.events, group.reason)) {
      st.step = Step::kWriteRejected;
      Classification c{Verdict::kRetry, "cannot write " + deps_.rejected.path(), ""};
      RetryLater(stream, c, "keeping refused events");
      return;
    }
  }
  size_t rejected = 0;
  for (const RefusedGroup& group : st.refused) rejected += group.events.size();
  st.refused.clear();
  st.refused_written = 0;
  st.step = Step::kPut;
  FinishFront(stream, st.accepted, rejected);
}

void Sender::SplitOrReject(uint32_t stream, const Classification& c) {
  StreamState& st = streams_[stream];
  auto events = FrontEvents(stream);
  if (!events.ok()) {
    GiveUpUnreadable(stream, events.status(), c);
    return;
  }
  if (events->size() <= 1) {
    if (Reject(stream, *events, "refused: " + Describe(c))) {
      FinishFront(stream, 0, events->size());
    } else {
      RetryLater(stream, c, "PutLogEvents");
    }
    return;
  }
  deps_.log.Warning("CloudWatch refused a request of " + std::to_string(events->size()) +
                    " events (" + Describe(c) + "); splitting it");
  Batch original = std::move(st.queue.front());
  st.queue.pop_front();
  size_t half = events->size() / 2;
  std::vector<ParsedEvent> parts[2] = {
      std::vector<ParsedEvent>(events->begin(), events->begin() + half),
      std::vector<ParsedEvent>(events->begin() + half, events->end())};
  StatusOr<Batch> halves[2] = {MakeBatch(original.id, stream, targets_[stream], parts[0], gzip_),
                               MakeBatch(original.id, stream, targets_[stream], parts[1], gzip_)};
  if (!halves[0].ok() || !halves[1].ok()) {
    // Cannot happen short of memory; the request stays whole and is retried.
    st.queue.push_front(std::move(original));
    RetryLater(stream, c, "splitting a refused request");
    return;
  }
  for (int i = 1; i >= 0; --i) {  // push_front in reverse keeps the order
    queued_bytes_ += halves[i]->body.size();
    st.queue.push_front(std::move(*halves[i]));
  }
  queued_bytes_ -= original.body.size();
  st.attempt = 0;
}

bool Sender::Reject(uint32_t stream, const std::vector<ParsedEvent>& events,
                    const std::string& reason) {
  Status s = deps_.rejected.Append(targets_[stream], events, reason,
                                   deps_.clock.NowUnixMillis());
  if (!s.ok()) {
    deps_.log.Error("cannot keep refused events in " + deps_.rejected.path() + ": " +
                    s.ToString());
    return false;
  }
  deps_.log.Warning(std::to_string(events.size()) + " event(s) for " +
                    targets_[stream].group + " / " + targets_[stream].stream +
                    " refused (" + reason + "); kept in " + deps_.rejected.path());
  return true;
}

void Sender::GiveUpUnreadable(uint32_t stream, const Status& why, const Classification& c) {
  // CloudWatch refused the request and its body cannot be read back to
  // split it or keep its events: retrying would hold the stream forever.
  StreamState& st = streams_[stream];
  size_t events = st.queue.front().event_count;
  std::string problem = "CloudWatch Logs refused a request (" + Describe(c) +
                        ") whose body cannot be read back (" + why.ToString() + ")";
  deps_.log.Error(problem + "; its " + std::to_string(events) + " events for " +
                  targets_[stream].group + " / " + targets_[stream].stream +
                  " are given up and the stream goes on");
  stats_.events_unreadable += events;
  st.pending.unreadable += events;
  st.pending.problem = problem;
  FinishFront(stream, 0, 0);
}

StatusOr<std::vector<ParsedEvent>> Sender::FrontEvents(uint32_t stream) {
  const Batch& batch = streams_[stream].queue.front();
  auto json = GunzipBody(batch.body, kMaxInflatedBody);
  if (!json.ok()) return json.status();
  return ParseEvents(*json);
}

}  // namespace edgelog
