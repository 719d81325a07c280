// ProcessRunner: runs a command and collects its output (credential_process
// of the AWS shared config). An interface, so tests need no processes.
#ifndef EDGELOG_PLATFORM_PROCESS_H_
#define EDGELOG_PLATFORM_PROCESS_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

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

// A child whose standard output is read while it runs (journalctl
// --follow), from the main loop, never blocking it.
//
// Threading: owned and called by the main loop only.
class StreamingProcess {
 public:
  // Kills the child (and its process group) and reaps it, if still running.
  virtual ~StreamingProcess() = default;
  StreamingProcess(const StreamingProcess&) = delete;
  StreamingProcess& operator=(const StreamingProcess&) = delete;

  // Appends to `out` what standard output holds now, at most `max` bytes.
  // Never blocks: 0 when nothing is ready (or the output ended).
  virtual StatusOr<size_t> Read(std::string* out, size_t max) = 0;
  // True once standard output reached its end (the child exited, or
  // closed it).
  virtual bool output_ended() const = 0;
  // Reaps the child without blocking once it exited: "" when it exited 0,
  // else what went wrong ("exited with status 1: <start of its standard
  // error>", "was killed by signal 9"). Nothing while it runs.
  virtual std::optional<std::string> TakeExit() = 0;
  // While on (the start), output arriving wakes the Poller it was started
  // with; off while the reader wants no more (the child then blocks on a
  // full pipe: backpressure).
  virtual void WatchOutput(bool on) = 0;

 protected:
  StreamingProcess() = default;
};

// Starts StreamingProcesses: the program is `argv[0]`, found on PATH when
// it has no '/', run with `argv` (no shell), standard input from
// /dev/null, in a process group of its own, no descriptor of the agent's
// but its pipes. Standard error is kept (its first 4 KiB) for TakeExit.
class ProcessStarter {
 public:
  virtual ~ProcessStarter() = default;
  // kNotFound naming the program when it is not on PATH (or cannot be
  // executed); other errors when the system refuses a pipe or a fork.
  virtual StatusOr<std::unique_ptr<StreamingProcess>> Start(
      const std::vector<std::string>& argv) = 0;
};

class Poller;

// The real starter; `poller` (the main loop's) must outlive it and every
// process it starts.
std::unique_ptr<ProcessStarter> NewProcessStarter(Poller& poller);

}  // namespace edgelog

#endif  // EDGELOG_PLATFORM_PROCESS_H_
