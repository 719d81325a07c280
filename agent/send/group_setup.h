// GroupSetup: brings one log group to its configured class and retention,
// as the CloudWatch agent's pusher (internal/pusher/target.go) does:
//
//   kCreate:  CreateLogGroup (with logGroupClass) ── created ──► PutRetentionPolicy
//                  │ exists                                      (if configured)
//                  ▼
//   kCheck:   DescribeLogGroups ── retention differs ──► PutRetentionPolicy
//                  └── same, or no such group ─────────► done
//
// A create CloudWatch refuses for good ends it, refused().
// A group that exists keeps its class (CloudWatch cannot change it). With
// no retention configured (<= 0) nothing but the creation is done.
//
// It only decides the requests; the caller sends them (the sender, without
// blocking; edgelog doctor, one at a time) and feeds the answers back, so
// that both take the same path. Not thread-safe.
#ifndef EDGELOG_AGENT_SEND_GROUP_SETUP_H_
#define EDGELOG_AGENT_SEND_GROUP_SETUP_H_

#include <optional>
#include <string>
#include <string_view>

#include "agent/base/status.h"
#include "agent/send/classify.h"
#include "agent/send/logs_api.h"

namespace edgelog {

// What edgelog keeps a log group to, from a file or a journal entry.
struct LogGroupSettings {
  std::string name;
  int retention_in_days = 0;  // <= 0: leave the retention alone
  std::string group_class;    // "": the service default (STANDARD)
};

// {"logGroupNamePrefix": name, "limit": 1}: CloudWatch lists groups sorted
// by name, so a group named exactly `name` is the first of its prefix.
std::string DescribeLogGroupBody(const std::string& name);

// The retention of group `name` in a DescribeLogGroups answer: 0 when it
// has none (never expires), std::nullopt when the group is not listed;
// kInvalidArgument when the body is not such an answer.
StatusOr<std::optional<int>> RetentionInAnswer(std::string_view body, const std::string& name);

class GroupSetup {
 public:
  enum class Start {
    kCreate,  // the group is missing: create it
    kCheck,   // the group may exist: compare its retention
  };
  // Failures of DescribeLogGroups and PutRetentionPolicy tried at most
  // this often, as the agent tries them (numBackoffRetries).
  static constexpr int kMaxRetentionAttempts = 5;

  GroupSetup(LogGroupSettings group, Start start);

  // The request to send now; only while !done().
  LogsOperation operation() const;
  std::string Body() const;

  enum class Next {
    kNow,    // the next request may go at once
    kRetry,  // the same request again, after a backoff (or a resend, for an
             // expired token or a skewed clock)
    kDone,   // finished: see problem()
  };
  // The answer to the request of operation() / Body().
  Next OnAnswer(const Classification& c, std::string_view body);

  bool done() const { return step_ == Step::kDone; }
  const LogGroupSettings& group() const { return group_; }
  // CreateLogGroup made the group.
  bool created() const { return created_; }
  // CloudWatch refused for good to create the group (InvalidParameter, or
  // another final refusal): done, problem() says why, no group.
  bool refused() const { return refused_; }
  // The retention was changed by PutRetentionPolicy.
  bool retention_set() const { return retention_set_; }
  // Why the retention could not be checked or set (done, and the group is
  // left as it was); "" otherwise. Names the group, the call and the fix.
  const std::string& problem() const { return problem_; }

 private:
  enum class Step { kCreateGroup, kDescribe, kPutRetention, kDone };
  // A failed retention step: again, or given up with a problem.
  Next RetentionFailed(const Classification& c, const std::string& what);

  LogGroupSettings group_;
  Step step_;
  bool created_ = false;
  bool refused_ = false;
  bool retention_set_ = false;
  int retention_failures_ = 0;
  std::string problem_;
};

}  // namespace edgelog

#endif  // EDGELOG_AGENT_SEND_GROUP_SETUP_H_
