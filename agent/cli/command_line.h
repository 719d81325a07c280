// Parsing edgelog's command line.
//
//   edgelog run --config FILE [--state-dir DIR] [--once]   (the default)
//   edgelog check-config --config FILE
//   edgelog doctor --config FILE [--write-test]
//   edgelog status [--config FILE | --state-dir DIR] [--json]
//   edgelog version
//   edgelog help [COMMAND | config]
//
// -c FILE is --config FILE.
#ifndef EDGELOG_AGENT_CLI_COMMAND_LINE_H_
#define EDGELOG_AGENT_CLI_COMMAND_LINE_H_

#include <string>
#include <vector>

#include "agent/base/status.h"

namespace edgelog {

enum class Command { kRun, kCheckConfig, kDoctor, kVersion, kHelp, kHelpConfig, kStatus };

struct CommandLine {
  Command command = Command::kRun;
  // kHelp: the command whose help to print; kHelp itself for all of them.
  Command help_for = Command::kHelp;
  std::string config_path;
  std::string state_dir;  // overrides edgelog.state_dir when set
  bool once = false;
  bool write_test = false;  // doctor: one event to each configured stream
  bool json = false;        // status: one JSON object
};

// kInvalidArgument with a one-line reason on bad usage.
StatusOr<CommandLine> ParseCommandLine(const std::vector<std::string>& args);

// The whole help text: every command, configuration, exit codes
// (edgelog help, --help).
std::string UsageText();

// The help of one command: its synopsis and what it does (edgelog help run,
// edgelog run --help). `command` kHelp gives UsageText().
std::string CommandHelp(Command command);

// What a usage error prints: one line, "edgelog: REASON (see edgelog help)".
std::string UsageErrorLine(const std::string& reason);

}  // namespace edgelog

#endif  // EDGELOG_AGENT_CLI_COMMAND_LINE_H_
