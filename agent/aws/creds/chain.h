// The default credential chain, in the AWS SDKs' order: the environment, web
// identity, the shared files (profile), the ECS container endpoint, the EC2
// instance role. The first source that is set up here answers.
#ifndef EDGELOG_AGENT_AWS_CREDS_CHAIN_H_
#define EDGELOG_AGENT_AWS_CREDS_CHAIN_H_

#include <memory>
#include <string>
#include <vector>

#include "agent/aws/creds/source.h"

namespace edgelog {

// Tries `sources` in order: a kNotFound answer moves on, anything else is
// the answer (credentials, or the error of a source that is set up but
// failing). When every source says kNotFound: kNotFound "no credentials
// found: tried ..." listing each source with its reason.
std::unique_ptr<CredentialSource> NewChainSource(
    std::vector<std::unique_ptr<CredentialSource>> sources);

// `base` with `role_arn` assumed on top (agent.credentials.role_arn): STS
// AssumeRole with the credentials `base` gives.
class StsClient;
std::unique_ptr<CredentialSource> NewAssumeRoleSource(std::unique_ptr<CredentialSource> base,
                                                      StsClient& sts, std::string role_arn,
                                                      std::string session_name,
                                                      std::string external_id);

// The environment variables AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and
// AWS_SESSION_TOKEN. kNotFound when neither key variable is set; an error
// when only one is.
class Env;
std::unique_ptr<CredentialSource> NewEnvironmentSource(Env& env);

}  // namespace edgelog

#endif  // EDGELOG_AGENT_AWS_CREDS_CHAIN_H_
