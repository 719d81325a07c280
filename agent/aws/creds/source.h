// CredentialSource: one place credentials can come from (the environment, a
// web identity token, the shared files, the ECS endpoint, the EC2 instance
// role), in the order of the AWS SDKs' default chain (chain.h). A source
// fetches; caching and refreshing are refresher.h's.
#ifndef EDGELOG_AGENT_AWS_CREDS_SOURCE_H_
#define EDGELOG_AGENT_AWS_CREDS_SOURCE_H_

#include <cstdint>
#include <memory>
#include <string>

#include "agent/aws/sigv4.h"
#include "agent/base/status.h"

namespace edgelog {

struct SourcedCredentials {
  Credentials credentials;
  int64_t expires_unix_ms = 0;  // 0: long-term, never expires
  // Where they came from, for messages; never a secret. E.g. "environment",
  // "profile default (~/.aws/credentials)", "EC2 instance role web-role",
  // "web identity for arn:aws:iam::123456789012:role/x".
  std::string source;
};

class CredentialSource {
 public:
  virtual ~CredentialSource() = default;
  // Blocks (network sources wait up to their timeouts). kNotFound when this
  // source is not set up here: the chain moves on to the next. Any other
  // error means it is set up but failing, and the message says why in one
  // sentence, with the likely fix; the chain stops there.
  virtual StatusOr<SourcedCredentials> Fetch() = 0;
  // Short name: "environment", "web identity", "shared files", "ECS",
  // "EC2 instance metadata".
  virtual std::string Name() const = 0;
};

}  // namespace edgelog

#endif  // EDGELOG_AGENT_AWS_CREDS_SOURCE_H_
