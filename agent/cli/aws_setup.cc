#include "agent/cli/aws_setup.h"

#include <cjson/cJSON.h>

#include <ctime>
#include <memory>

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

namespace {

// The region goes into the endpoint's host name: whatever gives it, it must
// be a region's name, or requests and their signatures would go elsewhere
// ("x.attacker.example/#").
StatusOr<Region> Checked(Region region) {
  for (char c : region.name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
      return Status::InvalidArgument("the region from " + region.source + ", \"" +
                                     region.name + "\", is not a region name (like us-east-1)");
    }
  }
  return region;
}

}  // namespace

StatusOr<Region> ResolveRegionChain(const std::string& configured, Env& env, ImdsClient& imds) {
  if (!configured.empty()) return Checked(Region{configured, "agent.region"});
  for (const char* name : {"AWS_REGION", "AWS_DEFAULT_REGION"}) {
    std::string value = env.GetVar(name).value_or("");
    if (!value.empty()) return Checked(Region{value, name});
  }
  std::string profile = ProfileRegion(env);
  if (!profile.empty()) return Checked(Region{profile, "profile"});
  std::string why = "AWS_EC2_METADATA_DISABLED is set";
  if (!imds.disabled()) {
    StatusOr<std::string> placement = imds.Get("meta-data/placement/region");
    if (placement.ok() && !placement->empty()) {
      return Checked(Region{*placement, "instance metadata"});
    }
    why = placement.ok() ? "it gave none" : placement.status().message();
  }
  return Status::NotFound(
      "no region: set agent.region in the config, or AWS_REGION (not in the environment, "
      "the profile, or the instance metadata: " + why + ")");
}

namespace {

// "2026-12-07": the local date, as the agent's {date}.
std::string LocalDate(int64_t unix_seconds) {
  time_t t = static_cast<time_t>(unix_seconds);
  struct tm local = {};
  if (localtime_r(&t, &local) == nullptr) return "";
  char buf[16];
  std::strftime(buf, sizeof(buf), "%Y-%m-%d", &local);
  return buf;
}

// The account of the instance identity document ("accountId").
std::string AccountOf(const std::string& document) {
  std::unique_ptr<cJSON, void (*)(cJSON*)> root(cJSON_Parse(document.c_str()), cJSON_Delete);
  const cJSON* id = cJSON_GetObjectItemCaseSensitive(root.get(), "accountId");
  return cJSON_IsString(id) ? id->valuestring : "";
}

// The task's ARN from the ECS task metadata endpoint (its v4 or v3 URL
// from the environment), ':' made '_' as a stream name needs; "" when
// there is none or it does not answer.
std::string EcsTaskStream(Env& env, BlockingHttp& http) {
  std::string base;
  for (const char* name : {"ECS_CONTAINER_METADATA_URI_V4", "ECS_CONTAINER_METADATA_URI"}) {
    base = env.GetVar(name).value_or("");
    if (!base.empty()) break;
  }
  if (base.empty()) return "";
  BlockingRequest request;
  request.url = base + "/task";
  request.direct = true;
  HttpResponse answer = http.Do(request);
  if (answer.status != 200) return "";
  std::unique_ptr<cJSON, void (*)(cJSON*)> root(cJSON_Parse(answer.body.c_str()),
                                                cJSON_Delete);
  const cJSON* arn = cJSON_GetObjectItemCaseSensitive(root.get(), "TaskARN");
  if (!cJSON_IsString(arn)) return "";
  std::string stream = arn->valuestring;
  for (char& c : stream) {
    if (c == ':') c = '_';
  }
  return stream;
}

}  // namespace

HostFacts GatherHostFacts(Env& env, ImdsClient& imds, BlockingHttp& metadata_http,
                          bool ask_imds, int64_t now_unix_seconds) {
  HostFacts facts;
  facts.local_hostname = env.HostName();
  facts.hostname = facts.local_hostname;
  facts.instance_id = facts.local_hostname;  // off EC2: the host's own name
  facts.ip_address = PrimaryIpv4Address();
  facts.date = LocalDate(now_unix_seconds);
  facts.getenv = [&env](const std::string& name) { return env.GetVar(name); };
  // The agent's default stream: in its container image (RUN_IN_CONTAINER)
  // the ECS task's ARN, else the pod's name, else HOST_NAME, else the
  // host's; elsewhere {instance_id}, which is the host's name off EC2.
  if (env.GetVar("RUN_IN_CONTAINER").value_or("") == "True") {
    facts.default_stream = facts.local_hostname;
    for (const char* name : {"HOST_NAME", "POD_NAME"}) {
      std::string value = env.GetVar(name).value_or("");
      if (!value.empty()) facts.default_stream = value;
    }
    std::string task = EcsTaskStream(env, metadata_http);
    if (!task.empty()) facts.default_stream = task;
  }
  if (!ask_imds || imds.disabled()) return facts;
  StatusOr<std::string> id = imds.Get("meta-data/instance-id");
  if (!id.ok()) {  // not on EC2, or its metadata out of reach (hop limit)
    facts.metadata_silent = id.status().message();
    return facts;
  }
  facts.on_ec2 = true;
  facts.instance_id = *id;
  if (auto h = imds.Get("meta-data/hostname"); h.ok() && !h->empty()) facts.hostname = *h;
  if (auto ip = imds.Get("meta-data/local-ipv4"); ip.ok() && !ip->empty()) {
    facts.ip_address = *ip;
  }
  if (auto doc = imds.Get("dynamic/instance-identity/document"); doc.ok()) {
    facts.account_id = AccountOf(*doc);
  }
  return facts;
}

}  // namespace edgelog
