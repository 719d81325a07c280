// The shell ProcessRunner: the only code in edgelog that starts processes.
//
// The child runs in a process group of its own, with standard input from
// /dev/null, default signal dispositions and an empty signal mask (whatever
// the agent set for itself), and no descriptor of the agent's but the two
// pipes. On a timeout the whole group is killed, so a shell's children do
// not outlive it holding the pipes open.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <string>

#include "agent/base/redact.h"
#include "platform/posix/errno_status.h"
#include "platform/posix/unique_fd.h"
#include "platform/process.h"

namespace edgelog {
namespace {

constexpr char kShell[] = "/bin/sh";
// Standard error kept for the message, and how much of it is shown.
constexpr size_t kErrorsKept = 4096;
constexpr size_t kErrorsShown = 300;
// Polling for the exit of a child that closed its output but lives on.
constexpr int kExitPollMs = 10;
// Without close_range(2), the child closes descriptors below this one by one.
constexpr long kMaxFdsClosed = 1 << 16;

int64_t MonotonicMillis() {
  struct timespec ts;
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

Status MakePipe(UniqueFd* read_end, UniqueFd* write_end) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return ErrnoStatus(errno, "pipe for", kShell);
  *read_end = UniqueFd(fds[0]);
  *write_end = UniqueFd(fds[1]);
  return Status::Ok();
}

// Runs in the child between fork and exec, so async-signal-safe calls only.
// `max_fd`: one past the highest descriptor that may be open.
[[noreturn]] void ExecShell(int stdin_fd, int stdout_fd, int stderr_fd, int max_fd,
                            char* const argv[]) {
  ::setpgid(0, 0);
  // Copies above 2 first: when the agent runs with 0, 1 or 2 closed, a pipe
  // may have been given one of those numbers.
  const int in = ::fcntl(stdin_fd, F_DUPFD, 3);
  const int out = ::fcntl(stdout_fd, F_DUPFD, 3);
  const int err = ::fcntl(stderr_fd, F_DUPFD, 3);
  if (in < 0 || out < 0 || err < 0 || ::dup2(in, 0) < 0 || ::dup2(out, 1) < 0 ||
      ::dup2(err, 2) < 0) {
    ::_exit(127);
  }
  struct sigaction default_action = {};
  default_action.sa_handler = SIG_DFL;
  for (int sig = 1; sig < NSIG; ++sig) ::sigaction(sig, &default_action, nullptr);
  sigset_t none;
  ::sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  // Descriptors someone opened without O_CLOEXEC (libraries do) stay ours:
  // close_range(2) where the kernel has it (5.11), else one by one.
  bool closed = false;
#if defined(SYS_close_range) && defined(CLOSE_RANGE_CLOEXEC)
  closed = ::syscall(SYS_close_range, 3u, ~0u, CLOSE_RANGE_CLOEXEC) == 0;
#endif
  for (int fd = 3; !closed && fd < max_fd; ++fd) ::close(fd);
  ::execv(kShell, argv);
  ::_exit(127);
}

// A started child; killed (with its group) and reaped on destruction unless
// WaitUntil() or WaitBlocking() reaped it already.
class Child {
 public:
  explicit Child(pid_t pid) : pid_(pid) {}
  ~Child() {
    if (pid_ > 0) {
      Kill();
      int ignored;
      WaitBlocking(&ignored).IgnoreError();  // nothing more a destructor can do
    }
  }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  void Kill() {
    ::kill(-pid_, SIGKILL);
    ::kill(pid_, SIGKILL);
  }

  // Reaps the child, giving it until `deadline_ms` (monotonic) to exit.
  // False when it is still running then.
  StatusOr<bool> WaitUntil(int64_t deadline_ms, int* wait_status) {
    for (;;) {
      pid_t r = ::waitpid(pid_, wait_status, WNOHANG);
      if (r == pid_) {
        pid_ = -1;
        return true;
      }
      if (r < 0 && errno != EINTR) return ErrnoStatus(errno, "waitpid for", kShell);
      if (MonotonicMillis() >= deadline_ms) return false;
      ::poll(nullptr, 0, kExitPollMs);
    }
  }

  Status WaitBlocking(int* wait_status) {
    for (;;) {
      pid_t r = ::waitpid(pid_, wait_status, 0);
      if (r == pid_) {
        pid_ = -1;
        return Status::Ok();
      }
      if (r < 0 && errno != EINTR) {
        pid_ = -1;
        return ErrnoStatus(errno, "waitpid for", kShell);
      }
    }
  }

 private:
  pid_t pid_;
};

// The start of `errors` on one line, secrets removed (before the cut, so a
// cut cannot leave part of one that no longer looks like one): control
// characters as spaces, runs of spaces as one. `errors` is all the child
// wrote or, when it wrote more, its first kErrorsKept bytes: then the last
// word may be the start of a secret cut short, and is dropped (a single
// word is kept: long enough, it is shaped like a token).
std::string ErrorsForMessage(std::string errors) {
  if (errors.size() >= kErrorsKept) {
    size_t end = errors.find_last_of(" \t\r\n\"',;:<>(){}[]");
    if (end != std::string::npos) errors.resize(end);
  }
  std::string shown;
  for (char c : RedactSecrets(errors, {})) {
    if (shown.size() >= kErrorsShown) {
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

// Reads what is ready on `fd` into `into` (keeping at most `keep` bytes);
// closes `fd` at the end of the stream.
Status Drain(UniqueFd* fd, std::string* into, size_t keep) {
  char buf[4096];
  ssize_t n = ::read(fd->get(), buf, sizeof(buf));
  if (n < 0) {
    if (errno == EINTR || errno == EAGAIN) return Status::Ok();
    return ErrnoStatus(errno, "read output of", kShell);
  }
  if (n == 0) {
    fd->Reset();
    return Status::Ok();
  }
  const size_t room = keep > into->size() ? keep - into->size() : 0;
  into->append(buf, std::min(room, static_cast<size_t>(n)));
  return Status::Ok();
}

class ShellProcessRunner final : public ProcessRunner {
 public:
  StatusOr<std::string> Run(const std::string& command, int64_t timeout_ms,
                            size_t max_output) override {
    UniqueFd null_input(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    if (!null_input.valid()) return ErrnoStatus(errno, "open", "/dev/null");
    UniqueFd out_read, out_write, err_read, err_write;
    EDGELOG_RETURN_IF_ERROR(MakePipe(&out_read, &out_write));
    EDGELOG_RETURN_IF_ERROR(MakePipe(&err_read, &err_write));

    // Built before fork: the child may not allocate.
    std::string shell = kShell;
    std::string flag = "-c";
    std::string script = command;
    char* argv[] = {shell.data(), flag.data(), script.data(), nullptr};

    const long open_max = ::sysconf(_SC_OPEN_MAX);
    const int max_fd = static_cast<int>(std::clamp<long>(open_max, 256, kMaxFdsClosed));
    const int64_t deadline = MonotonicMillis() + std::max<int64_t>(timeout_ms, 0);
    const pid_t pid = ::fork();
    if (pid < 0) return ErrnoStatus(errno, "fork for", kShell);
    if (pid == 0) ExecShell(null_input.get(), out_write.get(), err_write.get(), max_fd, argv);
    ::setpgid(pid, pid);  // also done by the child; whichever runs first
    Child child(pid);
    out_write.Reset();
    err_write.Reset();
    null_input.Reset();

    // Up to one byte more than allowed, to tell "exactly max" from "more".
    const size_t keep_output = max_output + 1;
    std::string output;
    std::string errors;
    bool timed_out = false;
    while (out_read.valid() || err_read.valid()) {
      const int64_t left = deadline - MonotonicMillis();
      if (left <= 0) {
        timed_out = true;
        break;
      }
      struct pollfd fds[2];
      UniqueFd* owners[2];
      std::string* sinks[2];
      size_t limits[2];
      nfds_t count = 0;
      if (out_read.valid()) {
        fds[count] = {out_read.get(), POLLIN, 0};
        owners[count] = &out_read;
        sinks[count] = &output;
        limits[count++] = keep_output;
      }
      if (err_read.valid()) {
        fds[count] = {err_read.get(), POLLIN, 0};
        owners[count] = &err_read;
        sinks[count] = &errors;
        limits[count++] = kErrorsKept;
      }
      const int ready = ::poll(fds, count, static_cast<int>(std::min<int64_t>(left, 1 << 30)));
      if (ready < 0) {
        if (errno == EINTR) continue;
        return ErrnoStatus(errno, "poll output of", kShell);
      }
      for (nfds_t i = 0; i < count; ++i) {
        if (fds[i].revents == 0) continue;
        EDGELOG_RETURN_IF_ERROR(Drain(owners[i], sinks[i], limits[i]));
      }
      if (output.size() > max_output) break;
    }

    const std::string limit = std::to_string(timeout_ms) + " ms";
    if (output.size() > max_output) {
      return Status::InvalidArgument("the command printed more than " +
                                     std::to_string(max_output) +
                                     " bytes on standard output and was stopped");
    }
    int wait_status = 0;
    if (!timed_out) {
      StatusOr<bool> exited = child.WaitUntil(deadline, &wait_status);
      if (!exited.ok()) return exited.status();
      timed_out = !*exited;
    }
    if (timed_out) {
      return Status::Unavailable("the command ran longer than " + limit +
                                 " and was killed");
    }
    if (WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == 0) return output;
    std::string message =
        WIFEXITED(wait_status)
            ? "the command exited with status " + std::to_string(WEXITSTATUS(wait_status))
            : "the command was killed by signal " + std::to_string(WTERMSIG(wait_status));
    const std::string shown = ErrorsForMessage(errors);
    message += shown.empty() ? " and wrote nothing to standard error" : ": " + shown;
    return Status::Unavailable(message);
  }
};

}  // namespace

std::unique_ptr<ProcessRunner> NewShellProcessRunner() {
  return std::make_unique<ShellProcessRunner>();
}

}  // namespace edgelog
