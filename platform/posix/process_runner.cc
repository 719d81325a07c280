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
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <string>

#include "platform/posix/child_process.h"
#include "platform/posix/errno_status.h"
#include "platform/posix/unique_fd.h"
#include "platform/process.h"

namespace edgelog {
namespace {

constexpr char kShell[] = "/bin/sh";
// Polling for the exit of a child that closed its output but lives on.
constexpr int kExitPollMs = 10;

int64_t MonotonicMillis() {
  struct timespec ts;
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
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
    EDGELOG_RETURN_IF_ERROR(MakeChildPipe(&out_read, &out_write, 0, kShell));
    EDGELOG_RETURN_IF_ERROR(MakeChildPipe(&err_read, &err_write, 0, kShell));

    // Built before fork: the child may not allocate.
    std::string shell = kShell;
    std::string flag = "-c";
    std::string script = command;
    char* argv[] = {shell.data(), flag.data(), script.data(), nullptr};

    const int64_t deadline = MonotonicMillis() + std::max<int64_t>(timeout_ms, 0);
    StatusOr<pid_t> pid =
        ForkChild({null_input.get(), out_write.get(), err_write.get()}, kShell, argv, kShell);
    if (!pid.ok()) return pid.status();
    Child child(*pid);
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
        limits[count++] = kChildErrorsKept;
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
    const std::string shown = ChildErrorsForMessage(errors);
    message += shown.empty() ? " and wrote nothing to standard error" : ": " + shown;
    return Status::Unavailable(message);
  }
};

}  // namespace

std::unique_ptr<ProcessRunner> NewShellProcessRunner() {
  return std::make_unique<ShellProcessRunner>();
}

}  // namespace edgelog
