#include "agent/cli/aws_setup.h"

#include "agent/aws/creds/chain.h"
#include "agent/aws/creds/ecs.h"
#include "agent/aws/creds/profile.h"
#include "agent/aws/creds/web_identity.h"
#include "agent/aws/endpoint.h"
#include "agent/io/file_util.h"

namespace edgelog {

AwsServices::AwsServices(Env& env, Clock& clock, const std::string& user_agent)
    : env_(env),
      clock_(clock),
      user_agent_(user_agent),
      metadata_http_(NewCurlBlockingHttp("", user_agent)),
      imds_(std::make_unique<ImdsClient>(env, clock, *metadata_http_)),
      processes_(NewShellProcessRunner()) {}

void AwsServices::Connect(const std::string& region, const std::string& ca_file,
                          bool allow_plaintext) {
  http_ = NewCurlBlockingHttp(ca_file, user_agent_);
  sts_ = std::make_unique<StsClient>(env_, clock_, *http_, region, allow_plaintext);
}

std::unique_ptr<CredentialSource> AwsServices::NewCredentialSource(const Config& config) {
  std::vector<std::unique_ptr<CredentialSource>> chain;
  chain.push_back(NewEnvironmentSource(env_));
  chain.push_back(NewWebIdentitySource(env_, *sts_));
  chain.push_back(NewProfileSource(env_, *sts_, *processes_));
  chain.push_back(NewEcsSource(env_, *http_));
  chain.push_back(NewImdsSource(*imds_));
  std::unique_ptr<CredentialSource> source = NewChainSource(std::move(chain));
  const std::string& role =
      !config.logs_role_arn.empty() ? config.logs_role_arn : config.agent_role_arn;
  if (role.empty()) return source;
  return NewAssumeRoleSource(std::move(source), *sts_, role, DefaultSessionName(env_), "");
}

StatusOr<Region> ResolveRegionChain(const std::string& configured, Env& env, ImdsClient& imds) {
  if (!configured.empty()) return Region{configured, "agent.region"};
  for (const char* name : {"AWS_REGION", "AWS_DEFAULT_REGION"}) {
    std::string value = env.GetVar(name).value_or("");
    if (!value.empty()) return Region{value, name};
  }
  std::string profile = ProfileRegion(env);
  if (!profile.empty()) return Region{profile, "profile"};
  std::string why = "AWS_EC2_METADATA_DISABLED is set";
  if (!imds.disabled()) {
    StatusOr<std::string> placement = imds.Get("meta-data/placement/region");
    if (placement.ok() && !placement->empty()) return Region{*placement, "instance metadata"};
    why = placement.ok() ? "it gave none" : placement.status().message();
  }
  return Status::NotFound(
      "no region: set agent.region in the config, or AWS_REGION (not in the environment, "
      "the profile, or the instance metadata: " + why + ")");
}

HostFacts GatherHostFacts(Env& env, ImdsClient& imds, bool ask_imds) {
  HostFacts facts;
  facts.local_hostname = env.HostName();
  facts.hostname = facts.local_hostname;
  facts.instance_id = facts.local_hostname;  // off EC2: the host's own name
  facts.ip_address = PrimaryIpv4Address();
  if (!ask_imds || imds.disabled()) return facts;
  StatusOr<std::string> id = imds.Get("meta-data/instance-id");
  if (!id.ok()) return facts;  // not on EC2
  facts.instance_id = *id;
  if (auto h = imds.Get("meta-data/hostname"); h.ok() && !h->empty()) facts.hostname = *h;
  if (auto ip = imds.Get("meta-data/local-ipv4"); ip.ok() && !ip->empty()) {
    facts.ip_address = *ip;
  }
  return facts;
}

bool ConfigUsesInstancePlaceholders(Env& env, const std::string& path) {
  auto text = ReadWholeFile(env, path, 16 << 20);
  if (!text.ok()) return false;  // the loader reports it
  for (const char* p : {"{instance_id}", "{hostname}", "{ip_address}"}) {
    if (text->find(p) != std::string::npos) return true;
  }
  return false;
}

}  // namespace edgelog
