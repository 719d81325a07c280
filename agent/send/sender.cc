// Sender: the front of each stream's queue through its steps (put, create
// what is missing), answers, and backoff. (Batches behind the front:
// sender_queue.cc; refused events and batches: sender_refusals.cc.)
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
      streams_(targets_.size()),
      queue_(deps.queue) {
  while (queue_.stream_count() < streams_.size()) queue_.AddStream();
  for (const LogGroupSettings& g : options_.check_groups) {
    if (g.retention_in_days <= 0) continue;
    bool seen = std::any_of(checks_.begin(), checks_.end(),
                            [&](const GroupCheck& c) { return c.setup.group().name == g.name; });
    if (!seen) checks_.push_back(GroupCheck{GroupSetup(g, GroupSetup::Start::kCheck)});
  }
}

uint32_t Sender::StreamFor(const std::string& group, const std::string& stream) {
  for (uint32_t i = 0; i < targets_.size(); ++i) {
    if (targets_[i].group == group && targets_[i].stream == stream) return i;
  }
  targets_.push_back(LogStreamTarget{group, stream, 0, ""});
  streams_.emplace_back();
  while (queue_.stream_count() < streams_.size()) queue_.AddStream();
  return static_cast<uint32_t>(targets_.size() - 1);
}

uint32_t Sender::StreamFor(const LogStreamTarget& target) {
  uint32_t index = StreamFor(target.group, target.stream);
  LogStreamTarget& known = targets_[index];
  if (known.retention_in_days == 0) known.retention_in_days = target.retention_in_days;
  if (known.group_class.empty()) known.group_class = target.group_class;
  return index;
}

void Sender::Pump() {
  if (failed()) return;
  int64_t now = deps_.clock.MonotonicMillis();
  size_t limit = options_.max_in_flight;
  if (endpoint_down_) {
    if (now < endpoint_not_before_ms_) return;
    limit = 1;  // one request finds out whether the endpoint is back
  }
  PumpChecks(limit);
  size_t n = streams_.size();
  // Fronts first, every stream in turn; then batches ahead of their turn.
  for (size_t i = 0; i < n && in_flight_ < limit; ++i) {
    uint32_t s = static_cast<uint32_t>((next_stream_ + i) % n);
    StreamState& st = streams_[s];
    if (Ahead* a = AheadOfFront(s); a != nullptr && a->answered) SettleAhead(s);
    if (st.in_flight || queue_.of(s).empty() || now < st.not_before_ms) continue;
    if (Ahead* a = AheadOfFront(s); a != nullptr) {
      if (a->out() || a->answered) continue;  // its answer is awaited, or its step
      st.ahead.erase(st.ahead.begin() + (a - st.ahead.data()));  // refused ahead: now its turn
    }
    StartStep(s);
  }
  for (size_t i = 0; i < n && in_flight_ < limit; ++i) {
    SendAhead(static_cast<uint32_t>((next_stream_ + i) % n), limit);
  }
  if (n > 0) next_stream_ = static_cast<uint32_t>((next_stream_ + 1) % n);
}

void Sender::StartStep(uint32_t stream) {
  StreamState& st = streams_[stream];
  const LogStreamTarget& target = targets_[stream];
  LogsOperation op = LogsOperation::kPutLogEvents;
  switch (st.step) {
    case Step::kPut: {
      const std::string& body = queue_.of(stream).front().body;
      st.front_tag = StartRequest(stream, op, body, BodyEncoding::kGzip, /*front=*/true);
      if (st.front_tag != 0) stats_.body_bytes_sent += body.size();
      st.in_flight = st.front_tag != 0;
      return;
    }
    case Step::kCreateStream:
      op = LogsOperation::kCreateLogStream;
      st.control_body = CreateLogStreamBody(target);
      break;
    case Step::kSetUpGroup:
      op = st.group_setup->operation();
      st.control_body = st.group_setup->Body();
      break;
  }
  st.front_tag = StartRequest(stream, op, st.control_body, BodyEncoding::kIdentity, true);
  st.in_flight = st.front_tag != 0;
}

uint64_t Sender::StartRequest(uint32_t stream, LogsOperation op, std::string_view body,
                              BodyEncoding encoding, bool front) {
  StreamState& st = streams_[stream];
  auto credentials = deps_.credentials.Get();
  if (!credentials.ok() && credentials.status().code() == Code::kUnavailable) {
    // Being refreshed: try again shortly, nothing to report.
    if (front) st.not_before_ms = deps_.clock.MonotonicMillis() + kCredentialsWaitMs;
    return 0;
  }
  if (!credentials.ok()) {
    Classification c{Verdict::kAuth, "no credentials", credentials.status().message()};
    if (front) RetryLater(stream, c, "signing");
    return 0;
  }
  int64_t unix_seconds = skew_.AwsNowMs(deps_.clock.NowUnixMillis()) / 1000;
  HttpRequest request = BuildLogsRequest(context_, op, body, encoding, *credentials, unix_seconds);
  request.tag = next_tag_++;
  ++in_flight_;
  ++stats_.requests;
  const LogStreamTarget& target = targets_[stream];
  deps_.log.Debug(std::string(OperationName(op)) + " " + target.group + " / " + target.stream +
                  " (" + std::to_string(body.size()) + " bytes" +
                  (front ? ")" : ", ahead of its turn)"));
  uint64_t tag = request.tag;
  deps_.http.Start(std::move(request));
  return tag;
}

void Sender::OnResponse(const HttpResponse& response) {
  if (OnCheckResponse(response)) return;
  for (uint32_t stream = 0; stream < streams_.size(); ++stream) {
    StreamState& st = streams_[stream];
    if (st.in_flight && st.front_tag == response.tag) {
      st.in_flight = false;
      --in_flight_;
      Classification c = Judge(response);
      if (st.step == Step::kPut) {
        HandlePutAnswer(stream, c, response);
      } else if (st.step == Step::kSetUpGroup) {
        HandleGroupSetupAnswer(stream, c, response);
      } else {
        HandleControlAnswer(stream, c);
      }
      return;
    }
    for (size_t i = 0; i < st.ahead.size(); ++i) {
      if (st.ahead[i].tag == response.tag) {
        OnAheadResponse(stream, i, response);
        return;
      }
    }
  }
  auto abandoned = std::find(abandoned_tags_.begin(), abandoned_tags_.end(), response.tag);
  if (abandoned != abandoned_tags_.end()) {
    abandoned_tags_.erase(abandoned);
    --in_flight_;
  }
}

Classification Sender::Judge(const HttpResponse& response) {
  if (!response.date.empty() && skew_.Observe(response.date, deps_.clock.NowUnixMillis())) {
    deps_.log.Warning(skew_.Describe() + " (from the Date of its answers); signing with AWS's "
                      "time. Set the clock right (NTP, chrony): other AWS tools on this host "
                      "will fail");
  }
  Classification c = Classify(response);
  ++stats_.outcomes[static_cast<size_t>(OutcomeOf(response, c))];
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
  return c;
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
      } else {
        RejectFront(stream, std::move(*events), "refused: " + Describe(c));
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
    st.step = Step::kSetUpGroup;
    st.group_setup.emplace(
        LogGroupSettings{target.group, target.retention_in_days, target.group_class},
        GroupSetup::Start::kCreate);
  } else if (st.step == Step::kCreateStream &&
             (c.verdict == Verdict::kInvalid || c.verdict == Verdict::kFinal)) {
    RefuseFrontForCreate(stream, c, "CreateLogStream");
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
  Batch done = queue_.PopFront(stream);
  st.pending.batch_id = done.id;
  st.pending.stream = stream;
  st.pending.delivered += delivered;
  st.pending.rejected += rejected;
  stats_.events_delivered += delivered;
  stats_.events_rejected += rejected;
  Progress(stream);
  bool more_parts = !queue_.of(stream).empty() && queue_.of(stream).front().id == done.id;
  if (more_parts) return;
  acks_.push_back(st.pending);
  st.pending = Ack{};
  ++stats_.batches_acked;
  SettleAhead(stream);  // the next may have been answered ahead of its turn
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
  st.auth_refused = false;
}

bool Sender::credentials_refused() const {
  for (const StreamState& st : streams_) {
    if (st.auth_refused) return true;
  }
  return false;
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
  st.auth_refused = c.verdict == Verdict::kAuth;

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
  } else if (c.verdict == Verdict::kUntrusted && c.code == TransportName(TransportError::kTls)) {
    problem = "the TLS handshake with the endpoint failed (" + Describe(c) +
              "): check that it speaks TLS 1.2 or later, and any proxy or middlebox between";
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
  for (uint32_t s = 0; s < streams_.size(); ++s) {
    const StreamState& st = streams_[s];
    if (st.in_flight || queue_.of(s).empty()) continue;
    // The front sent ahead of its turn: its answer wakes the loop.
    bool front_out = std::any_of(st.ahead.begin(), st.ahead.end(), [&](const Ahead& a) {
      return a.batch_id == queue_.of(s).front().id && a.out();
    });
    if (front_out) continue;
    if (!wake || st.not_before_ms < *wake) wake = st.not_before_ms;
  }
  for (const GroupCheck& g : checks_) {
    if (g.in_flight || g.setup.done()) continue;
    if (!wake || g.not_before_ms < *wake) wake = g.not_before_ms;
  }
  if (wake && endpoint_down_) wake = std::max(*wake, endpoint_not_before_ms_);
  return wake;
}

bool Sender::idle() const {
  return in_flight_ == 0 && queue_.empty() &&
         std::all_of(checks_.begin(), checks_.end(),
                     [](const GroupCheck& g) { return g.setup.done(); });
}

}  // namespace edgelog
