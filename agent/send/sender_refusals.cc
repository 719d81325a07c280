// Sender: what CloudWatch refused. Events refused inside an accepted
// batch, and batches refused whole (InvalidParameter splits a batch until
// single events remain), go with the batch's Ack, with the reason, for the
// main loop to keep; a batch that cannot even be read back is given up with
// a trace.
#include "agent/send/put_response.h"
#include "agent/send/sender.h"

namespace edgelog {
namespace {

// Bodies are at most ~1 MiB of JSON escapes; refuse to inflate absurd ones.
constexpr size_t kMaxInflatedBody = 16 << 20;

}  // namespace

void Sender::OnPutAccepted(uint32_t stream, const HttpResponse& response) {
  const Batch& batch = queue_.of(stream).front();
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
  size_t accepted = 0;
  size_t refused = 0;
  std::vector<ParsedEvent> group;
  std::string group_reason;
  for (size_t i = 0; i <= events->size(); ++i) {
    std::string reason = i < events->size() ? RejectionReason(info, i) : std::string();
    if (!group.empty() && reason != group_reason) {
      refused += group.size();
      AddRefused(stream, std::move(group), group_reason);
      group.clear();
    }
    if (i == events->size()) break;
    if (reason.empty()) {
      ++accepted;
      continue;
    }
    group_reason = reason;
    group.push_back(std::move((*events)[i]));
  }
  FinishFront(stream, accepted, refused);
}

void Sender::SplitOrReject(uint32_t stream, const Classification& c) {
  StreamState& st = streams_[stream];
  auto events = FrontEvents(stream);
  if (!events.ok()) {
    GiveUpUnreadable(stream, events.status(), c);
    return;
  }
  if (events->size() <= 1) {
    RejectFront(stream, std::move(*events), "refused: " + Describe(c));
    return;
  }
  deps_.log.Warning("CloudWatch refused a request of " + std::to_string(events->size()) +
                    " events (" + Describe(c) + "); splitting it");
  const Batch& original = queue_.of(stream).front();
  size_t half = events->size() / 2;
  std::vector<ParsedEvent> parts[2] = {
      std::vector<ParsedEvent>(events->begin(), events->begin() + half),
      std::vector<ParsedEvent>(events->begin() + half, events->end())};
  StatusOr<Batch> halves[2] = {MakeBatch(original.id, stream, targets_[stream], parts[0], gzip_),
                               MakeBatch(original.id, stream, targets_[stream], parts[1], gzip_)};
  if (!halves[0].ok() || !halves[1].ok()) {
    // Cannot happen short of memory; the request stays whole and is retried.
    RetryLater(stream, c, "splitting a refused request");
    return;
  }
  std::vector<Batch> both;
  for (StatusOr<Batch>& half : halves) {
    half->in_buffer = original.in_buffer;  // its record there is the whole's
    half->read_at_ms = original.read_at_ms;
    both.push_back(std::move(*half));
  }
  queue_.ReplaceFront(stream, std::move(both));
  st.attempt = 0;
}

void Sender::RefuseFrontForCreate(uint32_t stream, const Classification& c,
                                  const char* operation) {
  // No retry makes a name CloudWatch refuses acceptable: the batch is
  // refused, its events kept; the next batch starts from the put again.
  StreamState& st = streams_[stream];
  st.step = Step::kPut;
  const LogStreamTarget& target = targets_[stream];
  std::string reason = "refused: " + std::string(operation) + " for " + target.group + " / " +
                       target.stream + " failed: " + Describe(c);
  deps_.log.Error(reason);
  auto events = FrontEvents(stream);
  if (!events.ok()) {
    GiveUpUnreadable(stream, events.status(), c);
  } else {
    RejectFront(stream, std::move(*events), reason);
  }
}

void Sender::RejectFront(uint32_t stream, std::vector<ParsedEvent> events,
                         const std::string& reason) {
  size_t n = events.size();
  AddRefused(stream, std::move(events), reason);
  FinishFront(stream, 0, n);
}

void Sender::AddRefused(uint32_t stream, std::vector<ParsedEvent> events,
                        const std::string& reason) {
  deps_.log.Warning(std::to_string(events.size()) + " event(s) for " +
                    targets_[stream].group + " / " + targets_[stream].stream +
                    " refused (" + reason + ")");
  streams_[stream].pending.refused.push_back(Refused{reason, std::move(events)});
}

void Sender::GiveUpUnreadable(uint32_t stream, const Status& why, const Classification& c) {
  // CloudWatch refused the request and its body cannot be read back to
  // split it or keep its events: retrying would hold the stream forever.
  StreamState& st = streams_[stream];
  size_t events = queue_.of(stream).front().event_count;
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
  const Batch& batch = queue_.of(stream).front();
  auto json = GunzipBody(batch.body, kMaxInflatedBody);
  if (!json.ok()) return json.status();
  return ParseEvents(*json);
}

}  // namespace edgelog
