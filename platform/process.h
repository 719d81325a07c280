// ProcessRunner: runs a command and collects its output (credential_process
// of the AWS shared config). An interface, so tests need no processes.
#ifndef EDGELOG_PLATFORM_PROCESS_H_
#define EDGELOG_PLATFORM_PROCESS_H_

#include <cstdint>
#include <memory>
#include <string>

#include "agent/base/status.h"

namespace edgelog {

// Threading: Run blocks, so it is called only where blocking is allowed:
// before the main loop starts, and on the credential refresh thread
// (credential_process). Never from the main loop.
class ProcessRunner {
 public:
  virtual ~ProcessRunner() = default;
  // Runs `command` with /bin/sh -c, the environment inherited, and returns
  // its standard output (at most `max_output` bytes). kUnavailable naming
  // the exit status (or signal) and the start of its standard error when it
  // does not exit 0; kUnavailable as well when it runs past `timeout_ms`
  // (it is killed).
  virtual StatusOr<std::string> Run(const std::string& command, int64_t timeout_ms,
                                    size_t max_output) = 0;
};

std::unique_ptr<ProcessRunner> NewShellProcessRunner();

}  // namespace edgelog

#endif  // EDGELOG_PLATFORM_PROCESS_H_
