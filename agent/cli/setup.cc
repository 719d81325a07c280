#include "agent/cli/setup.h"

#include <cstdio>

#include "agent/base/version.h"
#include "agent/config/loader.h"
#include "agent/run/agent_loop.h"

namespace edgelog {

namespace {

// The config, read with what this host knows; read again with what the
// instance metadata and the region add when its names need them (the
// metadata service is asked only then: off EC2 it costs a timeout).
StatusOr<Config> LoadWithFacts(const CommandLine& cl, Host& host, AwsServices& aws) {
  int64_t now = host.clock.NowUnixMillis() / 1000;
  HostFacts facts = GatherHostFacts(host.env, aws.imds(), aws.metadata_http(), /*ask_imds=*/false, now);
  auto config = LoadConfig(host.env, cl.config_path, facts);
  if (!config.ok() || !(config->uses_instance_facts || config->uses_region)) return config;
  if (config->uses_instance_facts) facts = GatherHostFacts(host.env, aws.imds(), aws.metadata_http(), true, now);
  if (config->uses_region) {
    auto region = ResolveRegionChain(config->region, host.env, aws.imds());
    if (region.ok()) facts.aws_region = region->name;
  }
  return LoadConfig(host.env, cl.config_path, facts);
}

// Says why the configuration cannot be used: plain lines on stderr at the
// command line; under a running agent (a reload), errors in its log, where
// the last one is kept for `edgelog status`.
void SayProblem(Logger& log, PrepareFor purpose, const std::string& message) {
  std::string text = log.Redact(message);
  if (purpose != PrepareFor::kReload) {
    std::fprintf(stderr, "%s\n", text.c_str());
    return;
  }
  size_t at = 0;
  while (at < text.size()) {
    size_t end = text.find('\n', at);
    if (end == std::string::npos) end = text.size();
    if (end > at) log.Error(text.substr(at, end - at));
    at = end + 1;
  }
}

}  // namespace

int Prepare(const CommandLine& cl, Host& host, Logger& log, AwsServices& aws, Setup* setup,
            PrepareFor purpose) {
  auto config = LoadWithFacts(cl, host, aws);
  if (!config.ok()) {
    SayProblem(log, purpose, config.status().message());
    return kExitUsage;
  }
  auto entries = BuildTailEntries(*config, LocalUtcOffsetSeconds);
  if (!entries.ok()) {
    SayProblem(log, purpose, entries.status().message());
    return kExitUsage;
  }
  for (const std::string& w : config->warnings) log.Warning(w);
  if (!cl.state_dir.empty()) config->state_dir = cl.state_dir;
  auto region = ResolveRegionChain(config->region, host.env, aws.imds());
  if (!region.ok() && purpose == PrepareFor::kValidate) {
    // Only checking the file (on a laptop, in CI): the host that runs it
    // may well have a region.
    log.Warning(cl.config_path + ": agent.region: " + region.status().message() +
                "; `run` needs one");
    setup->config = std::move(*config);
    setup->entries = std::move(*entries);
    setup->region = Region{"", "none found"};
    setup->endpoint.source = "needs a region";
    setup->ca_bundle = ResolveCaBundle(setup->config.ca_bundle, host.env, host.executable_dir);
    return kExitOk;
  }
  if (!region.ok()) {
    SayProblem(log, purpose, cl.config_path + ": agent.region: " + region.status().message());
    return kExitUsage;
  }
  auto endpoint = ResolveLogsEndpoint(config->endpoint_override, region->name, host.env,
                                      config->allow_plaintext);
  if (!endpoint.ok()) {
    SayProblem(log, purpose, endpoint.status().message());
    return kExitUsage;
  }
  // Checked now, though STS is asked only for a role: a plain-http STS
  // endpoint to another host is refused at start, like the logs endpoint.
  auto sts = ResolveStsEndpoint(region->name, host.env, config->allow_plaintext);
  if (!sts.ok()) {
    SayProblem(log, purpose, sts.status().message());
    return kExitUsage;
  }
  setup->config = std::move(*config);
  setup->entries = std::move(*entries);
  setup->region = *region;
  setup->endpoint = *endpoint;
  setup->ca_bundle = ResolveCaBundle(setup->config.ca_bundle, host.env, host.executable_dir);
  aws.Connect(setup->region.name, setup->ca_bundle.path, setup->config.allow_plaintext);
  return kExitOk;
}

std::string UserAgent() { return std::string("edgelog/") + kVersion; }

}  // namespace edgelog
