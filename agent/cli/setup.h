// What run, check-config and doctor share before anything starts: the
// config loaded, the region, the endpoint and the CA bundle resolved.
#ifndef EDGELOG_AGENT_CLI_SETUP_H_
#define EDGELOG_AGENT_CLI_SETUP_H_

#include <string>
#include <vector>

#include "agent/aws/endpoint.h"
#include "agent/base/logger.h"
#include "agent/cli/aws_setup.h"
#include "agent/cli/command_line.h"
#include "agent/cli/commands.h"
#include "agent/config/config.h"
#include "agent/run/tail_setup.h"

namespace edgelog {

struct Setup {
  Config config;
  std::vector<TailEntry> entries;
  Region region;
  Endpoint endpoint;
  CaBundle ca_bundle;
};

enum class PrepareFor {
  kRun,       // everything must resolve
  kValidate,  // check-config: no region is a warning (endpoint left empty)
  kReload,    // SIGHUP: as kRun, but problems are logged as errors, one per line
};

// Returns an exit code on failure (after printing why on stderr, or
// logging it for kReload), or 0
// with `setup` filled and `aws` connected to the region.
int Prepare(const CommandLine& cl, Host& host, Logger& log, AwsServices& aws, Setup* setup,
            PrepareFor purpose = PrepareFor::kRun);

// "edgelog/VERSION".
std::string UserAgent();

}  // namespace edgelog

#endif  // EDGELOG_AGENT_CLI_SETUP_H_
