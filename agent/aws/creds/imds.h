// The EC2 instance metadata service, IMDSv2 only: a session token from
// PUT /latest/api/token, then GETs carrying it. Also the source of the
// instance role's credentials, the region and the placeholders' host facts.
#ifndef EDGELOG_AGENT_AWS_CREDS_IMDS_H_
#define EDGELOG_AGENT_AWS_CREDS_IMDS_H_

#include <memory>
#include <string>

#include "agent/aws/creds/source.h"
#include "agent/base/status.h"
#include "agent/net/blocking_http.h"
#include "platform/clock.h"
#include "platform/env.h"

namespace edgelog {

class ImdsClient {
 public:
  // Endpoint: AWS_EC2_METADATA_SERVICE_ENDPOINT, else http://169.254.169.254
  // (http://[fd00:ec2::254] with AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE=IPv6).
  // AWS_EC2_METADATA_DISABLED=true (any case) disables it.
  ImdsClient(Env& env, Clock& clock, BlockingHttp& http);

  bool disabled() const { return disabled_; }
  const std::string& endpoint() const { return endpoint_; }

  // GET /latest/PATH (e.g. "meta-data/instance-id") with a session token,
  // fetched first when there is none or it is about to expire (TTL 6 h).
  // Short timeouts (1 s), one retry. Errors: kNotFound when disabled or the
  // path does not exist (404); kUnavailable when the token PUT timed out
  // while a plain GET shows the service is there (message: the hop-limit
  // explanation and the fix,
  // `aws ec2 modify-instance-metadata-options --http-put-response-hop-limit 2`),
  // or nothing answers (not on EC2); kPermissionDenied for 401/403.
  StatusOr<std::string> Get(const std::string& path);

  // True when the last Get() failed because nothing answered at the
  // endpoint at all, neither the token request nor a plain GET (no instance
  // metadata service here: not on EC2). False after any answer.
  bool unreachable() const { return unreachable_; }

 private:
  // Makes sure token_ holds a session token that is not about to expire.
  Status EnsureToken();
  // `request`, sent again once when it got no HTTP answer.
  HttpResponse DoWithRetry(const BlockingRequest& request);
  // Whether anything answers a plain GET at the endpoint.
  bool Answers();

  Env& env_;
  Clock& clock_;
  BlockingHttp& http_;
  bool disabled_ = false;
  std::string endpoint_;
  std::string token_;
  int64_t token_expires_ms_ = 0;  // monotonic
  bool unreachable_ = false;
};

// The instance role's credentials: meta-data/iam/security-credentials/ names
// the role, meta-data/iam/security-credentials/ROLE holds them (JSON:
// AccessKeyId, SecretAccessKey, Token, Expiration). kNotFound when IMDS is
// disabled, or nothing answers at the endpoint at all (not on EC2).
std::unique_ptr<CredentialSource> NewImdsSource(ImdsClient& imds);

}  // namespace edgelog

#endif  // EDGELOG_AGENT_AWS_CREDS_IMDS_H_
