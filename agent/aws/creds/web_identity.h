// Web identity (EKS IRSA and the like): AWS_ROLE_ARN and
// AWS_WEB_IDENTITY_TOKEN_FILE (and optional AWS_ROLE_SESSION_NAME) →
// STS AssumeRoleWithWebIdentity. The token file is read again on every
// fetch: it is rotated under the agent.
#ifndef EDGELOG_AGENT_AWS_CREDS_WEB_IDENTITY_H_
#define EDGELOG_AGENT_AWS_CREDS_WEB_IDENTITY_H_

#include <memory>

#include "agent/aws/creds/source.h"
#include "agent/aws/creds/sts.h"
#include "platform/env.h"

namespace edgelog {

// kNotFound when AWS_WEB_IDENTITY_TOKEN_FILE is not set; an error naming the
// missing partner when only one of it and AWS_ROLE_ARN is.
std::unique_ptr<CredentialSource> NewWebIdentitySource(Env& env, StsClient& sts);

}  // namespace edgelog

#endif  // EDGELOG_AGENT_AWS_CREDS_WEB_IDENTITY_H_
