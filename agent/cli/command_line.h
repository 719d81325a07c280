// Parsing edgelog's command line.
//
//   edgelog run --config FILE [--state-dir DIR] [--once]   (the default)
//   edgelog check-config --config FILE
//   edgelog doctor --config FILE [--write-test]
//   edgelog status [--config FILE | --state-dir DIR] [--json]
//   edgelog version
//   edgelog help [config]
#ifndef EDGELOG_AGENT_CLI_COMMAND_LINE_H_
#define EDGELOG_AGENT_CLI_COMMAND_LINE_H_

#include <string>
#include <vector>

#include "agent/base/status.h"

namespace edgelog {

enum class Command { kRun, kCheckConfig, kDoctor, kVersion, kHelp, kHelpConfig, kStatus };

struct CommandLine {
  Command command = Command::kRun;
  std::string config_path;
  std::string state_dir;  // overrides edgelog.state_dir when set
  bool once = false;
  bool write_test = false;  // doctor: one event to each configured stream
  bool json = false;        // status: one JSON object
};

// kInvalidArgument with a one-line reason on bad usage.
StatusOr<CommandLine> ParseCommandLine(const std::vector<std::string>& args);

// The usage text of --help.
std::string UsageText();

}  // namespace edgelog

#endif  // EDGELOG_AGENT_CLI_COMMAND_LINE_H_
