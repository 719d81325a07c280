#include "agent/cli/command_line.h"

namespace edgelog {
namespace {

// Each command once: its name, synopsis and description for the help.
struct CommandInfo {
  Command command;
  const char* name;
  const char* synopsis;
  const char* description;  // lines indented by 6 spaces, each ending in \n
};

constexpr CommandInfo kCommands[] = {
    {Command::kRun, "run", "edgelog run --config FILE [--state-dir DIR] [--once]",
     "      Follow the configured files and deliver their lines (the default\n"
     "      command). --once reads every file to its end, delivers everything,\n"
     "      saves checkpoints and exits: 0 when all was acknowledged, 3 if not.\n"
     "      --state-dir (absolute) overrides edgelog.state_dir.\n"},
    {Command::kCheckConfig, "check-config", "edgelog check-config --config FILE",
     "      Check the configuration and print the effective settings.\n"},
    {Command::kDoctor, "doctor", "edgelog doctor --config FILE [--write-test]",
     "      Check step by step what shipping needs: credentials (and where they\n"
     "      come from), who AWS says they are, region, endpoint, clock. With\n"
     "      --write-test, also send one event to each configured stream. Exit 0\n"
     "      only if shipping would work.\n"},
    {Command::kStatus, "status", "edgelog status [--config FILE | --state-dir DIR] [--json]",
     "      What the state directory says, read without disturbing a running\n"
     "      agent: per file its size, the offset delivered and the lag; journald\n"
     "      cursors; the disk buffer; rejected events; whether an agent runs; its\n"
     "      last error. Exit 0 when the state could be read, 1 when it cannot.\n"},
    {Command::kVersion, "version", "edgelog version",
     "      The version, and those of libcurl, mbedTLS and zlib.\n"},
    {Command::kHelp, "help", "edgelog help [COMMAND | config]",
     "      This text, the help of one command, or the reference of every\n"
     "      configuration option.\n"},
};

const CommandInfo* FindCommand(const std::string& name) {
  for (const CommandInfo& c : kCommands) {
    if (name == c.name) return &c;
  }
  return nullptr;
}

const CommandInfo& InfoOf(Command command) {
  for (const CommandInfo& c : kCommands) {
    if (c.command == command) return c;
  }
  return kCommands[0];
}

// The value after `flag`, unless it is an option: `run -c --once` forgot
// the file (a file whose name starts with '-' is given as ./-name).
bool NextIsValue(const std::vector<std::string>& args, size_t i, const std::string& flag,
                 Status* error) {
  if (i + 1 >= args.size() || args[i + 1].empty()) {
    *error = Status::InvalidArgument(flag + " needs a value");
    return false;
  }
  if (args[i + 1].size() > 1 && args[i + 1][0] == '-') {
    *error = Status::InvalidArgument(flag + " needs a value, not the option " + args[i + 1] +
                                     " (a file of that name: ./" + args[i + 1] + ")");
    return false;
  }
  return true;
}

bool TakeValue(const std::vector<std::string>& args, size_t* i, const std::string& flag,
               std::string* out, Status* error) {
  const std::string& arg = args[*i];
  if (arg.rfind(flag + "=", 0) == 0) {
    *out = arg.substr(flag.size() + 1);
  } else if (arg == flag) {
    if (!NextIsValue(args, *i, flag, error)) return true;
    *out = args[++*i];
  } else {
    return false;
  }
  if (out->empty()) *error = Status::InvalidArgument(flag + " needs a value");
  return true;
}

// -c FILE, the short --config; only with a separate value.
bool TakeShortConfig(const std::vector<std::string>& args, size_t* i, std::string* out,
                     Status* error) {
  if (args[*i] != "-c") return false;
  if (!NextIsValue(args, *i, "-c", error)) return true;
  *out = args[++*i];
  return true;
}

}  // namespace

StatusOr<CommandLine> ParseCommandLine(const std::vector<std::string>& args) {
  CommandLine cl;
  size_t i = 0;
  bool named = !args.empty() && args[0].rfind("-", 0) != 0;  // else run, unnamed
  if (named) {
    const CommandInfo* info = FindCommand(args[0]);
    if (info == nullptr) return Status::InvalidArgument("unknown command \"" + args[0] + "\"");
    cl.command = info->command;
    i = 1;
  }
  // edgelog help COMMAND | config
  if (cl.command == Command::kHelp && i < args.size() && args[i].rfind("-", 0) != 0) {
    const std::string& topic = args[i];
    if (topic == "config") {
      cl.command = Command::kHelpConfig;
    } else if (const CommandInfo* info = FindCommand(topic); info != nullptr) {
      cl.help_for = info->command;
    } else {
      return Status::InvalidArgument("no help on \"" + topic + "\": commands are run, "
                                     "check-config, doctor, status, version; or config");
    }
    ++i;
  }
  for (; i < args.size(); ++i) {
    const std::string& arg = args[i];
    Status error;
    if (arg == "--help" || arg == "-h") {
      // edgelog run --help: the help of run; edgelog --help: all of it.
      if (named && cl.command != Command::kHelp && cl.command != Command::kHelpConfig) {
        cl.help_for = cl.command;
      }
      cl.command = Command::kHelp;
    } else if (arg == "--version") {
      cl.command = Command::kVersion;
    } else if (arg == "--once") {
      cl.once = true;
    } else if (arg == "--write-test") {
      cl.write_test = true;
    } else if (arg == "--json") {
      cl.json = true;
    } else if (!TakeValue(args, &i, "--config", &cl.config_path, &error) &&
               !TakeShortConfig(args, &i, &cl.config_path, &error) &&
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
  if (cl.command == Command::kStatus && !cl.config_path.empty() && !cl.state_dir.empty()) {
    return Status::InvalidArgument("status reads --config or --state-dir, not both");
  }
  if (cl.json && cl.command != Command::kStatus) {
    return Status::InvalidArgument("--json only applies to status");
  }
  return cl;
}

std::string UsageText() {
  std::string out = "edgelog: ships log files to Amazon CloudWatch Logs.\n\nusage:\n";
  for (const CommandInfo& c : kCommands) {
    out += std::string("  ") + c.synopsis + "\n" + c.description;
  }
  out += R"(
-c FILE is short for --config FILE. edgelog help COMMAND (or edgelog
COMMAND --help) prints the help of that command alone.

The configuration is the Amazon CloudWatch agent's JSON (its "agent" and
"logs" sections) plus an optional "edgelog" section. Credentials come from
the AWS SDKs' default chain: the environment, web identity, the shared
config and credentials files, the ECS container endpoint, the EC2 instance
role; agent.credentials.role_arn is assumed on top.

exit codes: 0 ok, 1 runtime failure, 2 bad usage or configuration,
            3 --once ended with data not delivered.
)";
  return out;
}

std::string CommandHelp(Command command) {
  if (command == Command::kHelp || command == Command::kHelpConfig) return UsageText();
  const CommandInfo& c = InfoOf(command);
  std::string out = std::string("usage: ") + c.synopsis + "\n" + c.description;
  if (command == Command::kRun || command == Command::kCheckConfig ||
      command == Command::kDoctor) {
    out += "      -c FILE is short for --config FILE.\n";
  }
  return out;
}

std::string UsageErrorLine(const std::string& reason) {
  return "edgelog: " + reason + " (see edgelog help)\n";
}

}  // namespace edgelog
