#include "agent/cli/command_line.h"

namespace edgelog {
namespace {

bool TakeValue(const std::vector<std::string>& args, size_t* i, const std::string& flag,
               std::string* out, Status* error) {
  const std::string& arg = args[*i];
  if (arg.rfind(flag + "=", 0) == 0) {
    *out = arg.substr(flag.size() + 1);
  } else if (arg == flag) {
    if (*i + 1 >= args.size()) {
      *error = Status::InvalidArgument(flag + " needs a value");
      return true;
    }
    *out = args[++*i];
  } else {
    return false;
  }
  if (out->empty()) *error = Status::InvalidArgument(flag + " needs a value");
  return true;
}

}  // namespace

StatusOr<CommandLine> ParseCommandLine(const std::vector<std::string>& args) {
  CommandLine cl;
  size_t i = 0;
  if (!args.empty() && args[0].rfind("-", 0) != 0) {
    const std::string& name = args[0];
    if (name == "run") cl.command = Command::kRun;
    else if (name == "check-config") cl.command = Command::kCheckConfig;
    else if (name == "doctor") cl.command = Command::kDoctor;
    else if (name == "version") cl.command = Command::kVersion;
    else if (name == "status") cl.command = Command::kStatus;
    else if (name == "help") cl.command = Command::kHelp;
    else return Status::InvalidArgument("unknown command \"" + name + "\"");
    i = 1;
  }
  for (; i < args.size(); ++i) {
    const std::string& arg = args[i];
    Status error;
    if (arg == "--help" || arg == "-h") {
      cl.command = Command::kHelp;
    } else if (arg == "--version") {
      cl.command = Command::kVersion;
    } else if (arg == "--once") {
      cl.once = true;
    } else if (arg == "--write-test") {
      cl.write_test = true;
    } else if (arg == "--json") {
      cl.json = true;
    } else if (cl.command == Command::kHelp && arg == "config") {
      cl.command = Command::kHelpConfig;
    } else if (!TakeValue(args, &i, "--config", &cl.config_path, &error) &&
               !TakeValue(args, &i, "--state-dir", &cl.state_dir, &error)) {
      return Status::InvalidArgument("unknown argument \"" + arg + "\"");
    }
    if (!error.ok()) return error;
  }
  bool needs_config = cl.command == Command::kRun || cl.command == Command::kCheckConfig ||
                      cl.command == Command::kDoctor;
  if (needs_config && cl.config_path.empty()) {
    return Status::InvalidArgument("--config FILE is required");
  }
  // As edgelog.state_dir: a relative directory would follow whatever the
  // working directory is (/ under systemd), not what was meant.
  if (!cl.state_dir.empty() && cl.state_dir[0] != '/') {
    return Status::InvalidArgument("--state-dir must be an absolute path (starting with /), "
                                   "not \"" + cl.state_dir + "\"");
  }
  if (cl.once && cl.command != Command::kRun) {
    return Status::InvalidArgument("--once only applies to run");
  }
  if (cl.write_test && cl.command != Command::kDoctor) {
    return Status::InvalidArgument("--write-test only applies to doctor");
  }
  if (cl.json && cl.command != Command::kStatus) {
    return Status::InvalidArgument("--json only applies to status");
  }
  return cl;
}

std::string UsageText() {
  return R"(edgelog: ships log files to Amazon CloudWatch Logs.

usage:
  edgelog run --config FILE [--state-dir DIR] [--once]
      Follow the configured files and deliver their lines (the default
      command). --once reads every file to its end, delivers everything,
      saves checkpoints and exits: 0 when all was acknowledged, 3 if not.
  edgelog check-config --config FILE
      Check the configuration and print the effective settings.
  edgelog doctor --config FILE [--write-test]
      Check step by step what shipping needs: credentials (and where they
      come from), who AWS says they are, region, endpoint, clock. With
      --write-test, also send one event to each configured stream. Exit 0
      only if shipping would work.
  edgelog status [--config FILE | --state-dir DIR] [--json]
      What the state directory says, read without disturbing a running
      agent: per file its size, the offset delivered and the lag; journald
      cursors; the disk buffer; rejected events; whether an agent runs; its
      last error. Exit 0 when the state could be read, 1 when it cannot.
  edgelog version
  edgelog help [config]
      This text, or the reference of every configuration option.

The configuration is the Amazon CloudWatch agent's JSON (its "agent" and
"logs" sections) plus an optional "edgelog" section. Credentials come from
the AWS SDKs' default chain: the environment, web identity, the shared
config and credentials files, the ECS container endpoint, the EC2 instance
role; agent.credentials.role_arn is assumed on top.

exit codes: 0 ok, 1 runtime failure, 2 bad usage or configuration,
            3 --once ended with data not delivered.
)";
}

}  // namespace edgelog
