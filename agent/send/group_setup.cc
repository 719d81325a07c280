#include "agent/send/group_setup.h"

#include <cjson/cJSON.h>

#include <cmath>
#include <memory>

#include "agent/text/json_escape.h"

namespace edgelog {
namespace {

LogStreamTarget AsTarget(const LogGroupSettings& g) {
  return LogStreamTarget{g.name, "", g.retention_in_days, g.group_class};
}

}  // namespace

std::string DescribeLogGroupBody(const std::string& name) {
  std::string out = "{\"logGroupNamePrefix\":";
  AppendJsonString(name, &out);
  out += ",\"limit\":1}";
  return out;
}

StatusOr<std::optional<int>> RetentionInAnswer(std::string_view body, const std::string& name) {
  std::unique_ptr<cJSON, void (*)(cJSON*)> root(cJSON_ParseWithLength(body.data(), body.size()),
                                                cJSON_Delete);
  const cJSON* groups = root ? cJSON_GetObjectItemCaseSensitive(root.get(), "logGroups") : nullptr;
  if (!cJSON_IsArray(groups)) {
    return Status::InvalidArgument("DescribeLogGroups answer without a logGroups list");
  }
  const cJSON* group = nullptr;
  cJSON_ArrayForEach(group, groups) {
    const cJSON* n = cJSON_GetObjectItemCaseSensitive(group, "logGroupName");
    if (!cJSON_IsString(n) || name != n->valuestring) continue;
    const cJSON* days = cJSON_GetObjectItemCaseSensitive(group, "retentionInDays");
    if (days == nullptr || cJSON_IsNull(days)) return std::optional<int>(0);
    if (!cJSON_IsNumber(days) || days->valuedouble < 0 ||
        days->valuedouble != std::floor(days->valuedouble)) {
      return Status::InvalidArgument("DescribeLogGroups answer with a retentionInDays of " +
                                     name + " that is no number of days");
    }
    return std::optional<int>(static_cast<int>(days->valuedouble));
  }
  return std::optional<int>();
}

GroupSetup::GroupSetup(LogGroupSettings group, Start start)
    : group_(std::move(group)),
      step_(start == Start::kCreate         ? Step::kCreateGroup
            : group_.retention_in_days > 0 ? Step::kDescribe
                                           : Step::kDone) {}

LogsOperation GroupSetup::operation() const {
  switch (step_) {
    case Step::kCreateGroup: return LogsOperation::kCreateLogGroup;
    case Step::kDescribe: return LogsOperation::kDescribeLogGroups;
    case Step::kPutRetention:
    case Step::kDone: break;
  }
  return LogsOperation::kPutRetentionPolicy;
}

std::string GroupSetup::Body() const {
  switch (step_) {
    case Step::kCreateGroup: return CreateLogGroupBody(AsTarget(group_));
    case Step::kDescribe: return DescribeLogGroupBody(group_.name);
    case Step::kPutRetention:
    case Step::kDone: break;
  }
  return PutRetentionPolicyBody(AsTarget(group_));
}

GroupSetup::Next GroupSetup::OnAnswer(const Classification& c, std::string_view body) {
  const bool keep_retention = group_.retention_in_days > 0;
  switch (step_) {
    case Step::kCreateGroup:
      if (c.verdict == Verdict::kOk) {
        created_ = true;
        step_ = keep_retention ? Step::kPutRetention : Step::kDone;
      } else if (c.verdict == Verdict::kExists) {
        // Made meanwhile by someone else: its retention may differ.
        step_ = keep_retention ? Step::kDescribe : Step::kDone;
      } else if (c.verdict == Verdict::kInvalid || c.verdict == Verdict::kFinal) {
        // A name CloudWatch does not take, or another final refusal: no
        // retry makes the group; the caller gives up what waited for it.
        refused_ = true;
        problem_ = "CreateLogGroup " + group_.name + " refused: " + Describe(c);
        step_ = Step::kDone;
      } else {
        return Next::kRetry;  // no group, no stream: the caller keeps trying
      }
      return done() ? Next::kDone : Next::kNow;
    case Step::kDescribe: {
      if (c.verdict != Verdict::kOk) return RetentionFailed(c, "DescribeLogGroups");
      auto retention = RetentionInAnswer(body, group_.name);
      if (!retention.ok()) {
        problem_ = "could not read the retention of log group " + group_.name + ": " +
                   retention.status().message();
        step_ = Step::kDone;
      } else if (!retention->has_value()) {
        step_ = Step::kDone;  // not there: created with its retention when first written
      } else if (**retention == group_.retention_in_days) {
        step_ = Step::kDone;
      } else {
        step_ = Step::kPutRetention;
      }
      return done() ? Next::kDone : Next::kNow;
    }
    case Step::kPutRetention:
      if (c.verdict == Verdict::kMissing) {  // deleted meanwhile: created anew when written
        step_ = Step::kDone;
        return Next::kDone;
      }
      if (c.verdict != Verdict::kOk) return RetentionFailed(c, "PutRetentionPolicy");
      retention_set_ = true;
      step_ = Step::kDone;
      return Next::kDone;
    case Step::kDone: break;
  }
  return Next::kDone;
}

GroupSetup::Next GroupSetup::RetentionFailed(const Classification& c, const std::string& what) {
  bool transient = c.verdict == Verdict::kRetry || c.verdict == Verdict::kAuth ||
                   c.verdict == Verdict::kUntrusted || c.verdict == Verdict::kExpired ||
                   c.verdict == Verdict::kSkewed;
  if (transient && ++retention_failures_ < kMaxRetentionAttempts) return Next::kRetry;
  std::string doing = what == "PutRetentionPolicy"
                          ? "set the retention of log group " + group_.name + " to " +
                                std::to_string(group_.retention_in_days) + " days"
                          : "read the retention of log group " + group_.name;
  problem_ = "could not " + doing + ": " + what + " failed: " + Describe(c);
  if (c.verdict == Verdict::kAuth) {
    problem_ += " (grant logs:DescribeLogGroups and logs:PutRetentionPolicy on it)";
  }
  step_ = Step::kDone;
  return Next::kDone;
}

}  // namespace edgelog
