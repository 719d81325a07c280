// What the two ways edgelog starts a process (ProcessRunner, for commands
// that run to completion; ProcessStarter, for output read as it comes)
// share: the pipes, the child's set-up between fork and exec, and how its
// standard error is shown in a message.
#ifndef EDGELOG_PLATFORM_POSIX_CHILD_PROCESS_H_
#define EDGELOG_PLATFORM_POSIX_CHILD_PROCESS_H_

#include <sys/types.h>

#include <cstddef>
#include <string>

#include "agent/base/status.h"
#include "platform/posix/unique_fd.h"

namespace edgelog {

// Standard error kept for the message, and how much of it is shown.
inline constexpr size_t kChildErrorsKept = 4096;
inline constexpr size_t kChildErrorsShown = 300;

// A close-on-exec pipe; `read_flags` (O_NONBLOCK, say) are set on the read
// end. `program` names the child in the error.
Status MakeChildPipe(UniqueFd* read_end, UniqueFd* write_end, int read_flags,
                     const std::string& program);

// The descriptors the child gets as its 0, 1 and 2, and where a failed exec
// writes its errno (-1: nowhere).
struct ChildFds {
  int stdin_fd;
  int stdout_fd;
  int stderr_fd;
  int report_fd = -1;
};

// Forks and runs `path` with `argv` (built by the caller: the child may not
// allocate) in a process group of its own, with default signal
// dispositions, an empty signal mask (whatever the agent set for itself),
// and no descriptor of the agent's but `fds`. The parent's ends of the
// pipes are the caller's to close. The child's pid, or why fork failed.
StatusOr<pid_t> ForkChild(const ChildFds& fds, const char* path, char* const argv[],
                          const std::string& program);

// The start of what a child wrote on standard error (at most
// kChildErrorsKept bytes of it) on one line, secrets removed: control
// characters as spaces, runs of spaces as one, at most kChildErrorsShown
// bytes. Empty when it wrote nothing but space.
std::string ChildErrorsForMessage(std::string errors);

}  // namespace edgelog

#endif  // EDGELOG_PLATFORM_POSIX_CHILD_PROCESS_H_
