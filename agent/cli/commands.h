// The commands of the command line, each returning an exit code.
#ifndef EDGELOG_AGENT_CLI_COMMANDS_H_
#define EDGELOG_AGENT_CLI_COMMANDS_H_

#include <cstdio>

#include "agent/base/logger.h"
#include "agent/cli/command_line.h"
#include "platform/clock.h"
#include "platform/env.h"

namespace edgelog {

// The process's real surroundings, built by main().
struct Host {
  Env& env;
  Clock& clock;
  std::FILE* out;  // standard output
  std::string executable_dir;  // where a bundled CA file may sit
};

int RunCommand(const CommandLine& cl, Host& host);
int CheckConfigCommand(const CommandLine& cl, Host& host);
int VersionCommand(Host& host);

}  // namespace edgelog

#endif  // EDGELOG_AGENT_CLI_COMMANDS_H_
