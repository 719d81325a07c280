// The AWS side of `run` and `doctor`: where the region, the placeholders'
// host facts and the credentials come from, as the AWS SDKs and the
// CloudWatch agent find them.
#ifndef EDGELOG_AGENT_CLI_AWS_SETUP_H_
#define EDGELOG_AGENT_CLI_AWS_SETUP_H_

#include <memory>
#include <string>

#include "agent/aws/creds/imds.h"
#include "agent/aws/creds/source.h"
#include "agent/aws/creds/sts.h"
#include "agent/base/status.h"
#include "agent/config/config.h"
#include "agent/config/placeholders.h"
#include "agent/net/blocking_http.h"
#include "platform/clock.h"
#include "platform/env.h"
#include "platform/process.h"

namespace edgelog {

// The clients the credential sources share. Owned by the command; they
// outlive the credentials provider and its refresh thread.
class AwsServices {
 public:
  AwsServices(Env& env, Clock& clock, const std::string& user_agent);

  // The instance metadata service (plain HTTP on a local address).
  ImdsClient& imds() { return *imds_; }
  // Plain HTTP to local metadata endpoints (IMDS, ECS task metadata).
  BlockingHttp& metadata_http() { return *metadata_http_; }
  // The region decides STS's endpoint, and `ca_file` whom HTTPS trusts:
  // call once both are known, before sts() or the credential source.
  // `allow_plaintext` (edgelog.http.allow_plaintext): STS may be plain http
  // to another host.
  void Connect(const std::string& region, const std::string& ca_file,
               bool allow_plaintext);
  StsClient& sts() { return *sts_; }
  BlockingHttp& http() { return *http_; }

  // The default chain (environment, web identity, shared files, ECS, EC2
  // instance role), with `config`'s role_arn (logs.credentials.role_arn,
  // else agent.credentials.role_arn) assumed on top when set.
  std::unique_ptr<CredentialSource> NewCredentialSource(const Config& config);

 private:
  Env& env_;
  Clock& clock_;
  std::string user_agent_;
  std::unique_ptr<BlockingHttp> metadata_http_;
  std::unique_ptr<ImdsClient> imds_;
  std::unique_ptr<BlockingHttp> http_;
  std::unique_ptr<StsClient> sts_;
  std::unique_ptr<ProcessRunner> processes_;
};

struct Region {
  std::string name;
  std::string source;  // "agent.region", "AWS_REGION", "profile", "instance metadata"
};

// `configured` (agent.region), else AWS_REGION, else AWS_DEFAULT_REGION,
// else the shared config profile's region, else the instance's placement
// from IMDS. kNotFound saying where it looked when none has one.
StatusOr<Region> ResolveRegionChain(const std::string& configured, Env& env, ImdsClient& imds);

// The placeholders' values: the host's own, today's date, the
// environment for ${VAR}; on EC2 (when `ask_imds` and the metadata service
// answers) instance-id, hostname, local-ipv4 and the account from it.
// In the agent's container image (RUN_IN_CONTAINER=True) the ECS task
// metadata endpoint is asked for the task (the default stream's name).
HostFacts GatherHostFacts(Env& env, ImdsClient& imds, BlockingHttp& metadata_http,
                          bool ask_imds, int64_t now_unix_seconds);

}  // namespace edgelog

#endif  // EDGELOG_AGENT_CLI_AWS_SETUP_H_
