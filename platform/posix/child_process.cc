#include "platform/posix/child_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "agent/base/redact.h"
#include "platform/posix/errno_status.h"

namespace edgelog {
namespace {

// Without close_range(2), the child closes descriptors below this one by one.
constexpr long kMaxFdsClosed = 1 << 16;

// Between fork and exec: async-signal-safe calls only. `max_fd`: one past
// the highest descriptor that may be open.
[[noreturn]] void ExecInChild(const ChildFds& fds, int max_fd, const char* path,
                              char* const argv[]) {
  ::setpgid(0, 0);
  // Copies above 2 first: with 0, 1 or 2 closed in the agent, a pipe may
  // have been given one of those numbers.
  const int in = ::fcntl(fds.stdin_fd, F_DUPFD, 3);
  const int out = ::fcntl(fds.stdout_fd, F_DUPFD, 3);
  const int err = ::fcntl(fds.stderr_fd, F_DUPFD, 3);
  const int report = fds.report_fd < 0 ? -1 : ::fcntl(fds.report_fd, F_DUPFD_CLOEXEC, 3);
  if (in < 0 || out < 0 || err < 0 || (fds.report_fd >= 0 && report < 0) ||
      ::dup2(in, 0) < 0 || ::dup2(out, 1) < 0 || ::dup2(err, 2) < 0) {
    ::_exit(127);
  }
  struct sigaction default_action = {};
  default_action.sa_handler = SIG_DFL;
  for (int sig = 1; sig < NSIG; ++sig) ::sigaction(sig, &default_action, nullptr);
  sigset_t none;
  ::sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  // Descriptors someone opened without O_CLOEXEC (libraries do) stay ours:
  // close_range(2) where the kernel has it (5.11), else one by one. The
  // report pipe is close-on-exec already: an exec that works closes it.
  bool closed = false;
#if defined(SYS_close_range) && defined(CLOSE_RANGE_CLOEXEC)
  closed = ::syscall(SYS_close_range, 3u, ~0u, CLOSE_RANGE_CLOEXEC) == 0;
#endif
  for (int fd = 3; !closed && fd < max_fd; ++fd) {
    if (fd != report) ::close(fd);
  }
  ::execv(path, argv);
  if (report >= 0) {
    int e = errno;
    ssize_t ignored = ::write(report, &e, sizeof(e));
    (void)ignored;
  }
  ::_exit(127);
}

}  // namespace

Status MakeChildPipe(UniqueFd* read_end, UniqueFd* write_end, int read_flags,
                     const std::string& program) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return ErrnoStatus(errno, "pipe for", program);
  *read_end = UniqueFd(fds[0]);
  *write_end = UniqueFd(fds[1]);
  if (read_flags != 0) ::fcntl(fds[0], F_SETFL, ::fcntl(fds[0], F_GETFL) | read_flags);
  return Status::Ok();
}

StatusOr<pid_t> ForkChild(const ChildFds& fds, const char* path, char* const argv[],
                          const std::string& program) {
  const long open_max = ::sysconf(_SC_OPEN_MAX);
  const int max_fd = static_cast<int>(std::clamp<long>(open_max, 256, kMaxFdsClosed));
  const pid_t pid = ::fork();
  if (pid < 0) return ErrnoStatus(errno, "fork for", program);
  if (pid == 0) ExecInChild(fds, max_fd, path, argv);
  ::setpgid(pid, pid);  // also done by the child; whichever runs first
  return pid;
}

// Secrets are removed before the cut, so a cut cannot leave part of one
// that no longer looks like one. When the child wrote kChildErrorsKept bytes
// or more, the last word may be the start of a secret cut short, and is
// dropped (a single word is kept: long enough, it is shaped like a token).
std::string ChildErrorsForMessage(std::string errors) {
  if (errors.size() >= kChildErrorsKept) {
    size_t end = errors.find_last_of(" \t\r\n\"',;:<>(){}[]");
    if (end != std::string::npos) errors.resize(end);
  }
  std::string shown;
  for (char c : RedactSecrets(errors, {})) {
    if (shown.size() >= kChildErrorsShown) {
      shown += "...";
      break;
    }
    const bool space = static_cast<unsigned char>(c) < 0x20 || c == ' ' || c == 0x7f;
    if (space) {
      if (!shown.empty() && shown.back() != ' ') shown += ' ';
    } else {
      shown += c;
    }
  }
  while (!shown.empty() && shown.back() == ' ') shown.pop_back();
  return shown;
}

}  // namespace edgelog
