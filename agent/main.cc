// edgelog's entry point: builds the real platform objects and dispatches.
#include <cstdio>
#include <string>
#include <vector>

#include "agent/cli/command_line.h"
#include "agent/cli/commands.h"
#include "agent/cli/doctor.h"
#include "agent/cli/status.h"
#include "agent/config/options.h"
#include "agent/run/agent_loop.h"
#include "platform/clock.h"
#include "platform/env.h"
#include "platform/poller.h"

namespace {

// Runs before the shared libraries' initializers (libcurl's TLS and other
// libraries take milliseconds there): a SIGHUP sent right after the start
// waits for the main loop instead of ending the process. Only the dynamic
// loader's own work comes before it.
void BlockHangupFirst(int, char**, char**) { edgelog::BlockReloadSignal().IgnoreError(); }

__attribute__((section(".preinit_array"), used)) void (*const kBlockHangupFirst)(
    int, char**, char**) = BlockHangupFirst;

}  // namespace

int main(int argc, char** argv) {
  using namespace edgelog;
  // Blocked already (BlockHangupFirst); said here if that failed. `run`
  // keeps SIGHUP blocked; other commands let it through again below.
  Status blocked = BlockReloadSignal();
  std::vector<std::string> args(argv + 1, argv + argc);
  auto cl = ParseCommandLine(args);
  if (!cl.ok()) {
    std::fputs(UsageErrorLine(cl.status().message()).c_str(), stderr);
    return kExitUsage;
  }
  if (cl->command != Command::kRun) UnblockReloadSignal();
  std::unique_ptr<Env> env = NewPosixEnv();
  std::unique_ptr<Clock> clock = NewSystemClock();
  Host host{*env, *clock, stdout, ExecutableDir(argv[0])};
  switch (cl->command) {
    case Command::kHelp:
      std::fputs(CommandHelp(cl->help_for).c_str(), stdout);
      return kExitOk;
    case Command::kHelpConfig:
      std::fputs(OptionsMarkdown().c_str(), stdout);
      return kExitOk;
    case Command::kVersion:
      return VersionCommand(host);
    case Command::kCheckConfig:
      return CheckConfigCommand(*cl, host);
    case Command::kDoctor:
      return DoctorCommand(*cl, host);
    case Command::kRun:
      if (!blocked.ok()) std::fprintf(stderr, "warning: %s\n", blocked.message().c_str());
      return RunCommand(*cl, host);
    case Command::kStatus:
      return StatusCommand(*cl, host);
  }
  return kExitUsage;
}
