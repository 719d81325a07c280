// STS, the AWS Security Token Service: AssumeRole (signed),
// AssumeRoleWithWebIdentity (unsigned) and GetCallerIdentity (signed), over
// the Query API (form-encoded POST, XML answers).
#ifndef EDGELOG_AGENT_AWS_CREDS_STS_H_
#define EDGELOG_AGENT_AWS_CREDS_STS_H_

#include <cstdint>
#include <string>

#include "agent/aws/creds/source.h"
#include "agent/aws/endpoint.h"
#include "agent/base/status.h"
#include "agent/net/blocking_http.h"
#include "platform/clock.h"
#include "platform/env.h"

namespace edgelog {

struct CallerIdentity {
  std::string account;
  std::string arn;
  std::string user_id;
};

class StsClient {
 public:
  // The endpoint: AWS_ENDPOINT_URL_STS, else AWS_ENDPOINT_URL, else
  // https://sts.REGION.amazonaws.com (regional, as the SDKs now default to);
  // plain http only to this host unless `allow_plaintext` (see
  // ResolveStsEndpoint).
  StsClient(Env& env, Clock& clock, BlockingHttp& http, std::string region,
            bool allow_plaintext = false);

  const Endpoint& endpoint() const { return endpoint_; }
  // kInvalidArgument when the endpoint variables hold no usable URL, or
  // plain http to another host without `allow_plaintext`.
  const Status& endpoint_status() const { return endpoint_status_; }

  // Errors: kPermissionDenied for refusals (AccessDenied, InvalidClientTokenId,
  // ExpiredToken, ...), kUnavailable for no answer or 5xx / throttling,
  // kInvalidArgument for other refusals; each message names the action, the
  // AWS error code and its message, e.g. "STS AssumeRole
  // arn:aws:iam::1:role/x: AccessDenied: User ... is not authorized ...".
  StatusOr<SourcedCredentials> AssumeRole(const Credentials& caller,
                                          const std::string& role_arn,
                                          const std::string& session_name,
                                          const std::string& external_id);
  StatusOr<SourcedCredentials> AssumeRoleWithWebIdentity(const std::string& role_arn,
                                                         const std::string& session_name,
                                                         const std::string& token);
  StatusOr<CallerIdentity> GetCallerIdentity(const Credentials& caller);

 private:
  Env& env_;
  Clock& clock_;
  BlockingHttp& http_;
  std::string region_;
  Endpoint endpoint_;
  Status endpoint_status_;
};

// "edgelog-HOSTNAME", cut to the 64 characters STS allows and to the
// characters it accepts ([\w+=,.@-]).
std::string DefaultSessionName(Env& env);

// An expiration time as STS, the instance metadata service, the ECS
// endpoint and credential_process write it (ISO 8601 in UTC:
// "2026-11-22T07:00:00Z", optional fractional seconds, "Z" or an offset
// like "+01:00"), in Unix milliseconds. kInvalidArgument for anything
// else, quoting `text` only when it holds nothing but digits and the
// punctuation of a time (so a secret in the wrong field never shows).
StatusOr<int64_t> ParseExpirationMillis(const std::string& text);

}  // namespace edgelog

#endif  // EDGELOG_AGENT_AWS_CREDS_STS_H_
