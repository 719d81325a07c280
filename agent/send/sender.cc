// Sender: queues per stream, one request each, the steps that create what
// is missing, and backoff. (Refused events and batches: sender_refusals.cc.)
#include "agent/send/sender.h"

#include <algorithm>

namespace edgelog {
namespace {

// While credentials are being refreshed, a stream looks again this often.
constexpr int64_t kCredentialsWaitMs = 100;
// Expired token or clock skew: sent again at once this many times at most.
constexpr int kMaxResends = 2;

}  // namespace

Sender::Sender(const SenderDeps& deps, LogsRequestContext context,
               std::vector<LogStreamTarget> targets, const SenderOptions& options,
               uint64_t seed)
    : deps_(deps),
      context_(std::move(context)),
      targets_(std::move(targets)),
      options_(options),
      rng_(seed),
      gzip_(1),
      streams_(targets_.size()) {}

void Sender::Enqueue(Batch batch) {
  queued_bytes_ += batch.body.size();
  streams_[batch.stream].queue.push_back(std::move(batch));
}

uint32_t Sender::StreamFor(const std::string& group, const std::string& stream) {
  for (uint32_t i = 0; i < targets_.size(); ++i) {
    if (targets_[i].group == group && targets_[i].stream == stream) return i;
  }
  targets_.push_back(LogStreamTarget{group, stream, 0, ""});
  streams_.emplace_back();
  return static_cast<uint32_t>(targets_.size() - 1);
}

std::vector<Batch> Sender::TakeWaiting(uint64_t below_id, bool abandon_requests) {
  std::vector<Batch> out;
  for (StreamState& st : streams_) {
    // The front batch is CloudWatch's already if a request for it is out, or
    // it was accepted and only its refused events wait to be written.
    bool accepted = st.step == Step::kWriteRejected || st.pending.batch_id != 0;
    bool front_busy = accepted || (st.in_flight && !abandon_requests);
    // The other parts of a split batch share its id, and one ack covers them
    // all: while one part is busy, the others stay too, or the buffer would
    // declare the whole id safe with a part still unanswered.
    bool busy_parts = front_busy && !st.queue.empty();
    uint64_t busy_id = busy_parts ? st.queue.front().id : 0;
    std::deque<Batch> keep;
    for (size_t i = 0; i < st.queue.size(); ++i) {
      Batch& b = st.queue[i];
      if ((i == 0 && front_busy) || b.id >= below_id || (busy_parts && b.id == busy_id)) {
        keep.push_back(std::move(b));
        continue;
      }
      queued_bytes_ -= b.body.size();
      out.push_back(std::move(b));
    }
    st.queue = std::move(keep);
  }
  return out;
}

void Sender::Pump() {
  if (failed()) return;
  int64_t now = deps_.clock.MonotonicMillis();
  size_t limit = options_.max_in_flight;
  if (endpoint_down_) {
    if (now < endpoint_not_before_ms_) return;
    limit = 1;  // one request finds out whether the endpoint is back
  }
  size_t n = streams_.size();
  for (size_t i = 0; i < n && in_flight_ < limit; ++i) {
    uint32_t s = static_cast<uint32_t>((next_stream_ + i) % n);
    StreamState& st = streams_[s];
    if (st.in_flight || st.queue.empty() || now < st.not_before_ms) continue;
    StartStep(s);
  }
  if (n > 0) next_stream_ = static_cast<uint32_t>((next_stream_ + 1) % n);
}

void Sender::StartStep(uint32_t stream) {
  StreamState& st = streams_[stream];
  const LogStreamTarget& target = targets_[stream];
  if (st.step == Step::kWriteRejected) {
    WriteRefused(stream);
    return;
  }
  auto credentials = deps_.credentials.Get();
  if (!credentials.ok() && credentials.status().code() == Code::kUnavailable) {
    // Being refreshed: try again shortly, nothing to report.
    st.not_before_ms = deps_.clock.MonotonicMillis() + kCredentialsWaitMs;
    return;
  }
  if (!credentials.ok()) {
    Classification c{Verdict::kAuth, "no credentials", credentials.status().message()};
    RetryLater(stream, c, "signing");
    return;
  }
  LogsOperation op = LogsOperation::kPutLogEvents;
  std::string_view body;
  BodyEncoding encoding = BodyEncoding::kIdentity;
  switch (st.step) {
    case Step::kPut:
      body = st.queue.front().body;
      encoding = BodyEncoding::kGzip;
      stats_.body_bytes_sent += body.size();
      break;
    case Step::kCreateStream:
      op = LogsOperation::kCreateLogStream;
      st.control_body = CreateLogStreamBody(target);
      break;
    case Step::kCreateGroup:
      op = LogsOperation::kCreateLogGroup;
      st.control_body = CreateLogGroupBody(target);
      break;
    case Step::kSetRetention:
      op = LogsOperation::kPutRetentionPolicy;
      st.control_body = PutRetentionPolicyBody(target);
      break;
    case Step::kWriteRejected:  // handled above: no request
      return;
  }
  if (st.step != Step::kPut) body = st.control_body;
  int64_t unix_seconds = skew_.AwsNowMs(deps_.clock.NowUnixMillis()) / 1000;
  HttpRequest request =
      BuildLogsRequest(context_, op, body, encoding, *credentials, unix_seconds);
  request.tag = stream;
  st.in_flight = true;
  ++in_flight_;
  ++stats_.requests;
  deps_.log.Debug(std::string(OperationName(op)) + " " + target.group + " / " +
                  target.stream + " (" + std::to_string(body.size()) + " bytes)");
  deps_.http.Start(std::move(request));
}

void Sender::OnResponse(const HttpResponse& response) {
  if (response.tag >= streams_.size()) return;
  uint32_t stream = static_cast<uint32_t>(response.tag);
  StreamState& st = streams_[stream];
  if (!st.in_flight) return;
  st.in_flight = false;
  --in_flight_;
  if (!response.date.empty() && skew_.Observe(response.date, deps_.clock.NowUnixMillis())) {
    deps_.log.Warning(skew_.Describe() + " (from the Date of its answers); signing with AWS's "
                      "time. Set the clock right (NTP, chrony): other AWS tools on this host "
                      "will fail");
  }
  Classification c = Classify(response);
  deps_.log.Debug("answer " + std::to_string(response.status) + " " +
                  VerdictName(c.verdict) + " " + Describe(c));
  if (c.verdict == Verdict::kRetry) {
    // Down, throttled or overloaded: the whole endpoint (throttling is per
    // account and region) backs off, not just this stream. Failures of
    // requests sent before the backoff began do not lengthen it.
    int64_t now = deps_.clock.MonotonicMillis();
    if (!endpoint_down_ || now >= endpoint_not_before_ms_) {
      endpoint_not_before_ms_ =
          now + BackoffDelayMs(options_.backoff, endpoint_attempt_++, rng_);
    }
    endpoint_down_ = true;
  } else if (endpoint_down_) {
    EndpointAnswered();
  }
  if (st.step == Step::kPut) {
    HandlePutAnswer(stream, c, response);
  } else {
    HandleControlAnswer(stream, c);
  }
}

void Sender::HandlePutAnswer(uint32_t stream, const Classification& c,
                             const HttpResponse& response) {
  StreamState& st = streams_[stream];
  switch (c.verdict) {
    case Verdict::kOk:
      OnPutAccepted(stream, response);
      return;
    case Verdict::kMissing:
      // The group or stream is gone (or never was): create, then replay.
      st.step = Step::kCreateStream;
      if (st.attempt++ > 0) RetryLater(stream, c, "PutLogEvents");
      return;
    case Verdict::kInvalid:
      SplitOrReject(stream, c);
      return;
    case Verdict::kFinal: {
      auto events = FrontEvents(stream);
      if (!events.ok()) {
        GiveUpUnreadable(stream, events.status(), c);
      } else if (Reject(stream, *events, "refused: " + Describe(c))) {
        FinishFront(stream, 0, events->size());
      } else {
        RetryLater(stream, c, "PutLogEvents");
      }
      return;
    }
    case Verdict::kExpired:
    case Verdict::kSkewed:
      if (SendAgainAtOnce(stream, c)) return;
      RetryLater(stream, c, "PutLogEvents");
      return;
    case Verdict::kExists:
    case Verdict::kRetry:
    case Verdict::kAuth:
    case Verdict::kUntrusted:
      RetryLater(stream, c, "PutLogEvents");
      return;
  }
}

void Sender::HandleControlAnswer(uint32_t stream, const Classification& c) {
  StreamState& st = streams_[stream];
  const LogStreamTarget& target = targets_[stream];
  bool done = c.verdict == Verdict::kOk || c.verdict == Verdict::kExists;
  if (st.step == Step::kCreateStream && done) {
    if (c.verdict == Verdict::kOk) {
      ++stats_.streams_created;
      deps_.log.Info("created log stream " + target.group + " / " + target.stream);
    }
    st.step = Step::kPut;
  } else if (st.step == Step::kCreateStream && c.verdict == Verdict::kMissing) {
    st.step = Step::kCreateGroup;
  } else if (st.step == Step::kCreateGroup && done) {
    bool created = c.verdict == Verdict::kOk;
    if (created) {
      ++stats_.groups_created;
      deps_.log.Info("created log group " + target.group);
    }
    st.step = created && target.retention_in_days > 0 ? Step::kSetRetention
                                                      : Step::kCreateStream;
  } else if (st.step == Step::kSetRetention &&
             (done || c.verdict == Verdict::kInvalid || c.verdict == Verdict::kFinal)) {
    if (!done) {
      deps_.log.Error("could not set retention of " + target.group + ": " + Describe(c));
    }
    st.step = Step::kCreateStream;
  } else if ((c.verdict == Verdict::kExpired || c.verdict == Verdict::kSkewed) &&
             SendAgainAtOnce(stream, c)) {
    return;
  } else {
    RetryLater(stream, c, "creating the log group or stream");
  }
}

bool Sender::SendAgainAtOnce(uint32_t stream, const Classification& c) {
  StreamState& st = streams_[stream];
  if (st.resends >= kMaxResends) return false;  // it did not help: explain and back off
  ++st.resends;
  if (c.verdict == Verdict::kExpired) {
    deps_.log.Info("CloudWatch Logs says the session token expired; fetching new credentials");
    deps_.credentials.Invalidate();
  }
  st.not_before_ms = deps_.clock.MonotonicMillis();
  return true;
}

void Sender::FinishFront(uint32_t stream, size_t delivered, size_t rejected) {
  StreamState& st = streams_[stream];
  Batch done = std::move(st.queue.front());
  st.queue.pop_front();
  queued_bytes_ -= done.body.size();
  st.pending.batch_id = done.id;
  st.pending.stream = stream;
  st.pending.delivered += delivered;
  st.pending.rejected += rejected;
  stats_.events_delivered += delivered;
  stats_.events_rejected += rejected;
  Progress(stream);
  bool more_parts = !st.queue.empty() && st.queue.front().id == done.id;
  if (more_parts) return;
  acks_.push_back(st.pending);
  st.pending = Ack{};
  ++stats_.batches_acked;
}

void Sender::Progress(uint32_t stream) {
  StreamState& st = streams_[stream];
  if (!st.last_problem.empty()) {
    deps_.log.Info("delivering to " + targets_[stream].group + " / " +
                   targets_[stream].stream + " again");
  }
  st.attempt = 0;
  st.resends = 0;
  st.not_before_ms = 0;
  st.failing_since_ms = -1;
  st.last_problem.clear();
}

void Sender::RetryLater(uint32_t stream, const Classification& c, const char* what) {
  StreamState& st = streams_[stream];
  const LogStreamTarget& target = targets_[stream];
  int64_t now = deps_.clock.MonotonicMillis();
  if (st.failing_since_ms < 0) st.failing_since_ms = now;
  int64_t delay = BackoffDelayMs(options_.backoff, st.attempt, rng_);
  ++st.attempt;
  ++stats_.retries;
  st.not_before_ms = now + delay;

  bool auth = c.verdict == Verdict::kAuth || c.verdict == Verdict::kUntrusted;
  std::string problem = std::string(what) + " for " + target.group + " / " +
                        target.stream + " failed: " + Describe(c);
  if (c.verdict == Verdict::kAuth && c.code.rfind("AccessDenied", 0) == 0) {
    problem = "CloudWatch Logs accepted the signature but refused the request (" + Describe(c) +
              "; credentials from " + deps_.credentials.Source() +
              "): grant them logs:CreateLogGroup, logs:CreateLogStream and logs:PutLogEvents "
              "on " + target.group;
  } else if (c.verdict == Verdict::kAuth) {
    problem = "CloudWatch Logs refused the signature or credentials (" + Describe(c) +
              "; credentials from " + deps_.credentials.Source() +
              "): check the access key, the secret and the system clock";
  } else if (c.verdict == Verdict::kUntrusted) {
    problem = "the endpoint's TLS certificate is not trusted (" + Describe(c) +
              "): check the CA bundle named at start (edgelog.http.ca_bundle, SSL_CERT_FILE, "
              "AWS_CA_BUNDLE) and that the endpoint's name matches its certificate";
  }
  if (problem != st.last_problem) {
    deps_.log.Error(problem + "; retrying with backoff");
    st.last_problem = problem;
  }
  // With a give-up time, the last retry happens at that time, not after it.
  int64_t give_up_ms = auth ? options_.auth_give_up_ms : options_.stall_give_up_ms;
  if (give_up_ms < 0) return;
  int64_t failing_for = now - st.failing_since_ms;
  if (failing_for >= give_up_ms) {
    failure_ = problem + " (no success for " + std::to_string(failing_for / 1000) + " s)";
    return;
  }
  st.not_before_ms = std::min(st.not_before_ms, st.failing_since_ms + give_up_ms);
}

void Sender::EndpointAnswered() {
  endpoint_down_ = false;
  endpoint_attempt_ = 0;
  endpoint_not_before_ms_ = 0;
  for (StreamState& st : streams_) {
    if (st.in_flight) continue;
    st.not_before_ms = 0;
    st.attempt = 0;
  }
  deps_.log.Info("CloudWatch Logs answers again; sending what waited");
}

std::vector<Ack> Sender::TakeAcks() { return std::exchange(acks_, {}); }

std::optional<int64_t> Sender::NextWakeMs() const {
  // With every request slot taken, only an answer can let more start.
  if (in_flight_ >= options_.max_in_flight) return std::nullopt;
  if (endpoint_down_ && in_flight_ > 0) return std::nullopt;  // the probe's answer decides
  std::optional<int64_t> wake;
  for (const StreamState& st : streams_) {
    if (st.in_flight || st.queue.empty()) continue;
    if (!wake || st.not_before_ms < *wake) wake = st.not_before_ms;
  }
  if (wake && endpoint_down_) wake = std::max(*wake, endpoint_not_before_ms_);
  return wake;
}

bool Sender::idle() const {
  return in_flight_ == 0 &&
         std::all_of(streams_.begin(), streams_.end(),
                     [](const StreamState& st) { return st.queue.empty(); });
}

}  // namespace edgelog
