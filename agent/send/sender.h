// Sender: delivers sealed batches to CloudWatch Logs and reports which
// batches are done.
//
// The batches are the DeliveryQueue's, which the main loop owns: the sender
// works on them in place and removes one only when CloudWatch is done with
// it (or replaces it by its halves). Streams proceed in parallel up to
// `max_in_flight` requests. The batch at the front of a stream's queue goes
// through the steps below. While the stream is healthy (its front is being
// put, with no failure yet), batches behind the front are sent ahead, so a
// busy stream does not wait a round trip per batch: up to
// `max_in_flight_per_stream` batches of a stream sent and not acknowledged
// yet, answered or not. A batch goes ahead only if all its events are later
// than every event before it in the queue: CloudWatch orders a stream's
// events by time, so that order is the file's whichever request lands
// first. An answer to a batch sent ahead is held until the batch is at the
// front, and acknowledged then, in queue order; any answer but success
// leaves the batch to be sent in its turn.
//
// For the batch at the front:
//
//   PutLogEvents ── ok ─────────────► acknowledged (rejected events → file)
//        │ ResourceNotFound
//        ▼
//   CreateLogStream ── ok/exists ───► PutLogEvents again
//        │ ResourceNotFound
//        ▼
//   GroupSetup (group_setup.h): CreateLogGroup with its class, then its
//        │                       retention; a group made meanwhile has its
//        ▼                       retention compared and set
//   CreateLogStream ── ok/exists ───► PutLogEvents again
//
// At start, and apart from the streams' batches, every group of
// SenderOptions::check_groups goes through GroupSetup's check: its
// retention is read (DescribeLogGroups) and set where it differs, as the
// CloudWatch agent does for each group it sends to. Those requests wait
// for no batch and none waits for them; a failure is logged and leaves the
// group as it was.
//
// Throttling, 5xx and transport failures back off (exponential, full
// jitter) and retry the same step. An expired session token refreshes the
// credentials and a signature refused for its time corrects the clock (from
// the answers' Date headers); both are sent again at once, twice at most. Refused credentials are explained once
// per kind of refusal and retried the same way; with a give-up time set
// (--once) the sender fails instead after that long. InvalidParameter
// splits the batch in two until single events remain; those, and events of
// other final refusals, go to the rejected file, and the batch counts as
// done: nothing is dropped without a trace. A CreateLogStream or
// CreateLogGroup refused so (a name CloudWatch does not accept) refuses the
// front batch the same way; the next batch starts again from its put.
//
// Not thread-safe; owned and driven by the main loop.
#ifndef EDGELOG_AGENT_SEND_SENDER_H_
#define EDGELOG_AGENT_SEND_SENDER_H_

#include <array>
#include <cstdint>
#include <deque>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "agent/aws/credentials.h"
#include "agent/base/logger.h"
#include "agent/batch/batcher.h"
#include "agent/batch/gzip.h"
#include "agent/net/http_client.h"
#include "agent/send/backoff.h"
#include "agent/send/classify.h"
#include "agent/send/clock_skew.h"
#include "agent/send/delivery_queue.h"
#include "agent/send/group_setup.h"
#include "agent/send/logs_api.h"
#include "platform/clock.h"

namespace edgelog {

struct SenderOptions {
  size_t max_in_flight = 8;
  size_t max_in_flight_per_stream = 4;  // the front and batches sent ahead
  BackoffPolicy backoff;
  // When >= 0, fail once credentials have been refused for this long.
  int64_t auth_give_up_ms = -1;
  // When >= 0, fail once a stream has made no progress for this long.
  int64_t stall_give_up_ms = -1;
  // Groups whose retention is checked at start (those with one configured).
  std::vector<LogGroupSettings> check_groups;
};

// Events CloudWatch refused for one reason, to be kept in the rejected file.
struct Refused {
  std::string reason;
  std::vector<ParsedEvent> events;
};

// A batch CloudWatch is done with: every event delivered, or refused and in
// `refused` (the main loop keeps those before the batch counts as done).
struct Ack {
  uint64_t batch_id = 0;
  uint32_t stream = 0;
  size_t delivered = 0;
  size_t rejected = 0;  // events in `refused`
  std::vector<Refused> refused;  // in batch order, one group per run of a reason
  // Events given up because CloudWatch refused them and the body cannot be
  // read back (a poison batch); `problem` says what happened.
  size_t unreadable = 0;
  std::string problem;
  // Only the parts of a split batch CloudWatch answered before a stop; the
  // others left the queue (Unheld), for the disk buffer to hold.
  bool partial = false;
};

struct SenderStats {
  uint64_t requests = 0;
  uint64_t retries = 0;
  uint64_t batches_acked = 0;
  uint64_t events_delivered = 0;
  uint64_t events_rejected = 0;
  uint64_t events_unreadable = 0;  // given up: refused, and unreadable
  uint64_t body_bytes_sent = 0;  // compressed PutLogEvents bodies, retries included
  uint64_t streams_created = 0;
  uint64_t groups_created = 0;
  uint64_t retentions_set = 0;  // PutRetentionPolicy accepted
  // Answers (and transport failures) by what became of them.
  std::array<uint64_t, kOutcomeCount> outcomes{};
};

// Everything the sender talks to; all must outlive it.
struct SenderDeps {
  HttpClient& http;
  CredentialsProvider& credentials;
  Clock& clock;
  Logger& log;
  DeliveryQueue& queue;
};

class Sender {
 public:
  Sender(const SenderDeps& deps, LogsRequestContext context,
         std::vector<LogStreamTarget> targets, const SenderOptions& options,
         uint64_t seed);
  Sender(const Sender&) = delete;
  Sender& operator=(const Sender&) = delete;

  // Which batches of `stream` no request holds (none CloudWatch has seen,
  // and none read back from the disk buffer): one flag per batch in queue
  // order, true for those that may leave for the disk buffer. The caller
  // removes every one marked, then calls Removed. With `stopping`, batches
  // whose request is still unanswered may leave too, and those read back
  // from the disk buffer (still there): those requests are given up (their
  // answers ignored), and batches accepted behind them are acknowledged.
  std::vector<bool> Unheld(uint32_t stream, bool stopping);
  // Batches of `stream` marked by Unheld were removed from the queue.
  void Removed(uint32_t stream);
  // The index of the stream for `group` / `stream`, added (to the queue
  // too) if new (for batches from the disk buffer of an earlier
  // configuration).
  uint32_t StreamFor(const std::string& group, const std::string& stream);
  // The same for a stream found while running (a file of a
  // publish_multi_logs entry): added with `target`'s retention and class,
  // or, known already from the disk buffer without them, given them.
  uint32_t StreamFor(const LogStreamTarget& target);
  const LogStreamTarget& target(uint32_t stream) const { return targets_[stream]; }
  // Starts every request that may start now.
  void Pump();
  // Handles a finished request started by this sender.
  void OnResponse(const HttpResponse& response);
  // Batches finished since the last call, per stream in queue order.
  std::vector<Ack> TakeAcks();

  // Monotonic time at which a waiting retry becomes due, if any.
  std::optional<int64_t> NextWakeMs() const;
  // No batch queued, no request in flight and no group check waiting for
  // a retry (those give up after GroupSetup::kMaxRetentionAttempts).
  bool idle() const;
  // The endpoint does not answer (or only with throttling and 5xx): every
  // stream waits on one shared backoff and a single request probes it.
  bool endpoint_down() const { return endpoint_down_; }
  // A give-up time passed; failure() says why.
  bool failed() const { return !failure_.empty(); }
  const std::string& failure() const { return failure_; }
  const SenderStats& stats() const { return stats_; }
  // A stream waits because CloudWatch refused the credentials or their
  // signature, or there are none to sign with.
  bool credentials_refused() const;
  // Milliseconds added to the local clock to sign (AWS's time minus ours,
  // from the answers' Date headers; 0 until one was far off).
  int64_t clock_offset_ms() const { return skew_.offset_ms(); }

 private:
  enum class Step {
    kPut,
    kCreateStream,
    kSetUpGroup,  // StreamState::group_setup decides the request
  };
  // A request for a batch behind the front, sent ahead of its turn.
  struct Ahead {
    uint64_t tag = 0;       // its request's
    uint64_t batch_id = 0;
    bool answered = false;  // accepted: `answer` waits for the batch's turn
    bool refused = false;   // any other answer: the batch waits for its turn
    bool abandoned = false;  // its batch went to the disk buffer meanwhile
    HttpResponse answer;
    bool out() const { return !answered && !refused && !abandoned; }  // unanswered
  };
  // What the sender knows of a stream; its batches are queue_.of(stream),
  // the front being the one worked on.
  struct StreamState {
    Step step = Step::kPut;
    bool in_flight = false;
    int attempt = 0;               // failures of the current step so far
    int resends = 0;               // sent again at once (expired token, clock skew)
    int64_t not_before_ms = 0;     // monotonic; retry waits until then
    int64_t failing_since_ms = -1;  // first failure without progress since
    std::string control_body;      // body of an in-flight control request
    std::optional<GroupSetup> group_setup;  // while step is kSetUpGroup
    std::string last_problem;      // last failure logged, to log changes once
    bool auth_refused = false;     // the last failure refused the credentials
    Ack pending;                   // the front batch's id so far (split parts share it)
    std::vector<Ahead> ahead;           // requests for batches behind the front
    uint64_t front_tag = 0;             // of the front's request while in flight
  };

  // A group's retention checked apart from any stream (check_groups).
  struct GroupCheck {
    GroupSetup setup;
    std::string body;  // of its request: valid until answered
    uint64_t tag = 0;  // of its request while in flight
    bool in_flight = false;
    int64_t not_before_ms = 0;  // monotonic
    int attempt = 0;
  };

  void StartStep(uint32_t stream);
  // sender_groups.cc: the group checks.
  void PumpChecks(size_t limit);
  // True if `response` answers a group check (and was handled).
  bool OnCheckResponse(const HttpResponse& response);
  // A GroupSetup finished: says what it did, counts it.
  void GroupSetupDone(const GroupSetup& setup);
  // The stream's group setup got an answer.
  void HandleGroupSetupAnswer(uint32_t stream, const Classification& c,
                              const HttpResponse& response);
  // Signs and starts a request; its answer carries the tag returned, 0
  // when no credentials are at hand (a `front` request then waits or backs
  // off).
  uint64_t StartRequest(uint32_t stream, LogsOperation op, std::string_view body,
                        BodyEncoding encoding, bool front);
  // Sends batches behind the front ahead of their turn, while `limit`
  // requests are not reached.
  void SendAhead(uint32_t stream, size_t limit);
  // The request for `stream`'s front batch went ahead of its turn (its
  // answer pending or held).
  Ahead* AheadOfFront(uint32_t stream);
  void OnAheadResponse(uint32_t stream, size_t index, const HttpResponse& response);
  // Acknowledges held answers of batches now at the front, in turn.
  void SettleAhead(uint32_t stream);
  // The skew, the verdict and the endpoint's state from any answer.
  Classification Judge(const HttpResponse& response);
  void HandlePutAnswer(uint32_t stream, const Classification& c,
                       const HttpResponse& response);
  void HandleControlAnswer(uint32_t stream, const Classification& c);
  // Finishes the front batch: what CloudWatch took, and what it refused
  // (into the Ack, for the rejected file).
  void OnPutAccepted(uint32_t stream, const HttpResponse& response);
  void SplitOrReject(uint32_t stream, const Classification& c);
  // CloudWatch refused for good to create the front's group or stream
  // (`operation`): the front is refused with `c`, the stream back to put.
  void RefuseFrontForCreate(uint32_t stream, const Classification& c, const char* operation);
  // Finishes the front batch with all of `events` refused for `reason`.
  void RejectFront(uint32_t stream, std::vector<ParsedEvent> events, const std::string& reason);
  // Adds refused events to the front batch's Ack.
  void AddRefused(uint32_t stream, std::vector<ParsedEvent> events, const std::string& reason);
  void FinishFront(uint32_t stream, size_t delivered, size_t rejected);
  void RetryLater(uint32_t stream, const Classification& c, const char* what);
  // Expired token (credentials refreshed) or clock skew (corrected from the
  // answer): the same step again now. False once that was tried enough.
  bool SendAgainAtOnce(uint32_t stream, const Classification& c);
  void Progress(uint32_t stream);
  // The endpoint answered: the shared backoff ends, waiting streams go now.
  void EndpointAnswered();
  StatusOr<std::vector<ParsedEvent>> FrontEvents(uint32_t stream);
  // Finishes the front batch, refused (`c`) and unreadable (`why`).
  void GiveUpUnreadable(uint32_t stream, const Status& why, const Classification& c);

  SenderDeps deps_;
  LogsRequestContext context_;
  std::vector<LogStreamTarget> targets_;
  SenderOptions options_;
  std::mt19937_64 rng_;
  GzipCompressor gzip_;
  std::vector<StreamState> streams_;
  // Filled once, by the constructor: a request in flight points into its
  // check's body, so the vector never grows after.
  std::vector<GroupCheck> checks_;
  std::vector<Ack> acks_;
  DeliveryQueue& queue_;
  size_t in_flight_ = 0;
  uint32_t next_stream_ = 0;  // round-robin start of Pump
  uint64_t next_tag_ = 1;  // every request's own
  // Requests given up at a stop (their batches taken for the disk buffer):
  // answers are ignored, but count until they come.
  std::vector<uint64_t> abandoned_tags_;
  bool settling_ = false;  // in SettleAhead: finishing a batch does not recurse
  bool endpoint_down_ = false;
  int endpoint_attempt_ = 0;
  int64_t endpoint_not_before_ms_ = 0;
  std::string failure_;
  SenderStats stats_;
  ClockSkew skew_;
};

}  // namespace edgelog

#endif  // EDGELOG_AGENT_SEND_SENDER_H_
