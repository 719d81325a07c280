// Sender: log groups brought to their class and retention (GroupSetup),
// for a stream whose group is missing, and at start for every group with a
// retention configured.
#include <algorithm>

#include "agent/send/sender.h"

namespace edgelog {
namespace {

// While credentials are being refreshed, a group check looks again this often.
constexpr int64_t kCheckCredentialsWaitMs = 100;

}  // namespace

void Sender::HandleGroupSetupAnswer(uint32_t stream, const Classification& c,
                                    const HttpResponse& response) {
  StreamState& st = streams_[stream];
  GroupSetup& setup = *st.group_setup;
  bool creating = setup.operation() == LogsOperation::kCreateLogGroup;
  bool was_created = setup.created();
  GroupSetup::Next next = setup.OnAnswer(c, response.body);
  if (setup.created() && !was_created) {
    ++stats_.groups_created;
    deps_.log.Info("created log group " + setup.group().name +
                   (setup.group().group_class.empty() ? ""
                                                      : " (" + setup.group().group_class + ")"));
  }
  switch (next) {
    case GroupSetup::Next::kNow:
      return;  // its next request at the next Pump
    case GroupSetup::Next::kRetry:
      if ((c.verdict == Verdict::kExpired || c.verdict == Verdict::kSkewed) &&
          SendAgainAtOnce(stream, c)) {
        return;
      }
      RetryLater(stream, c, creating ? "creating the log group" : "keeping the group's retention");
      return;
    case GroupSetup::Next::kDone:
      if (setup.refused()) {
        st.group_setup.reset();
        RefuseFrontForCreate(stream, c, "CreateLogGroup");
        return;
      }
      GroupSetupDone(setup);
      st.group_setup.reset();
      st.step = Step::kCreateStream;
      return;
  }
}

void Sender::GroupSetupDone(const GroupSetup& setup) {
  if (setup.retention_set()) {
    ++stats_.retentions_set;
    deps_.log.Info("set the retention of log group " + setup.group().name + " to " +
                   std::to_string(setup.group().retention_in_days) + " days");
  }
  if (!setup.problem().empty()) deps_.log.Error(setup.problem());
}

void Sender::PumpChecks(size_t limit) {
  int64_t now = deps_.clock.MonotonicMillis();
  for (GroupCheck& g : checks_) {
    if (in_flight_ >= limit) return;
    if (g.setup.done() || g.in_flight || now < g.not_before_ms) continue;
    auto credentials = deps_.credentials.Get();
    if (!credentials.ok() && credentials.status().code() == Code::kUnavailable) {
      g.not_before_ms = now + kCheckCredentialsWaitMs;  // being refreshed
      continue;
    }
    if (!credentials.ok()) {
      // Counts as a failed attempt: the streams explain missing credentials.
      Classification c{Verdict::kAuth, "no credentials", credentials.status().message()};
      if (g.setup.OnAnswer(c, "") == GroupSetup::Next::kDone) {
        GroupSetupDone(g.setup);
      } else {
        g.not_before_ms = now + BackoffDelayMs(options_.backoff, g.attempt++, rng_);
      }
      continue;
    }
    int64_t unix_seconds = skew_.AwsNowMs(deps_.clock.NowUnixMillis()) / 1000;
    g.body = g.setup.Body();
    HttpRequest request = BuildLogsRequest(context_, g.setup.operation(), g.body,
                                           BodyEncoding::kIdentity, *credentials, unix_seconds);
    request.tag = next_tag_++;
    g.tag = request.tag;
    g.in_flight = true;
    ++in_flight_;
    ++stats_.requests;
    deps_.log.Debug(std::string(OperationName(g.setup.operation())) + " " +
                    g.setup.group().name + " (retention check)");
    deps_.http.Start(std::move(request));
  }
}

bool Sender::OnCheckResponse(const HttpResponse& response) {
  auto g = std::find_if(checks_.begin(), checks_.end(), [&](const GroupCheck& c) {
    return c.in_flight && c.tag == response.tag;
  });
  if (g == checks_.end()) return false;
  g->in_flight = false;
  --in_flight_;
  Classification c = Judge(response);
  int64_t now = deps_.clock.MonotonicMillis();
  switch (g->setup.OnAnswer(c, response.body)) {
    case GroupSetup::Next::kNow:
      g->not_before_ms = now;
      break;
    case GroupSetup::Next::kRetry:
      if (c.verdict == Verdict::kExpired) deps_.credentials.Invalidate();
      g->not_before_ms = c.verdict == Verdict::kExpired || c.verdict == Verdict::kSkewed
                             ? now
                             : now + BackoffDelayMs(options_.backoff, g->attempt++, rng_);
      break;
    case GroupSetup::Next::kDone:
      GroupSetupDone(g->setup);
      break;
  }
  return true;
}

}  // namespace edgelog
