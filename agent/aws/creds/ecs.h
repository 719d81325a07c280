// The ECS / container credential endpoint (ECS tasks, EKS Pod Identity).
#ifndef EDGELOG_AGENT_AWS_CREDS_ECS_H_
#define EDGELOG_AGENT_AWS_CREDS_ECS_H_

#include <memory>

#include "agent/aws/creds/source.h"
#include "agent/net/blocking_http.h"
#include "platform/env.h"

namespace edgelog {

// AWS_CONTAINER_CREDENTIALS_RELATIVE_URI (on http://169.254.170.2) or
// AWS_CONTAINER_CREDENTIALS_FULL_URI (only loopback http, or https), with
// AWS_CONTAINER_AUTHORIZATION_TOKEN or the contents of
// AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE (re-read on every fetch) as the
// Authorization header. Never through a proxy. kNotFound when neither URI
// variable is set.
std::unique_ptr<CredentialSource> NewEcsSource(Env& env, BlockingHttp& http);

}  // namespace edgelog

#endif  // EDGELOG_AGENT_AWS_CREDS_ECS_H_
