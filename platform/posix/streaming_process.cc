// The POSIX ProcessStarter: children whose output the main loop reads as it
// comes (journalctl --follow).
//
// The program is looked up on PATH before the fork, and an exec that fails
// anyway reports its errno through a close-on-exec pipe, so a missing
// program is an error of Start, not an exit status to guess from. The
// child runs in a process group of its own with default signal dispositions
// and an empty mask (whatever the agent set for itself), standard input
// from /dev/null and no descriptor of the agent's but its pipes. Both
// output pipes are non-blocking on our side; standard error is drained
// whenever the poller says so, keeping its start for the exit message.
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <string>
#include <vector>

#include "platform/poller.h"
#include "platform/posix/child_process.h"
#include "platform/posix/errno_status.h"
#include "platform/posix/unique_fd.h"
#include "platform/process.h"

namespace edgelog {
namespace {

constexpr char kDefaultPath[] = "/usr/local/bin:/usr/bin:/bin";

// The file `program` names: itself when it has a '/', else the first
// executable of that name in a directory of PATH.
StatusOr<std::string> FindProgram(const std::string& program) {
  if (program.empty()) return Status::InvalidArgument("no program to run");
  if (program.find('/') != std::string::npos) {
    if (::access(program.c_str(), X_OK) == 0) return program;
    return ErrnoStatus(errno, "run", program);
  }
  const char* env_path = ::getenv("PATH");
  std::string path = env_path != nullptr && env_path[0] != '\0' ? env_path : kDefaultPath;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find(':', start);
    if (end == std::string::npos) end = path.size();
    std::string dir = path.substr(start, end - start);
    std::string candidate = (dir.empty() ? "." : dir) + "/" + program;
    struct stat st;
    if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
        ::access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
    start = end + 1;
  }
  return Status::NotFound(program + " is not on PATH (" + path + ")");
}

class PosixStreamingProcess final : public StreamingProcess, public PollHandler {
 public:
  PosixStreamingProcess(Poller& poller, pid_t pid, std::string program, UniqueFd out,
                        UniqueFd err)
      : poller_(poller), pid_(pid), program_(std::move(program)), out_(std::move(out)),
        err_(std::move(err)) {
    if (poller_.Watch(out_.get(), kPollReadable, this).ok()) watching_out_ = true;
    if (!poller_.Watch(err_.get(), kPollReadable, this).ok()) err_.Reset();
  }

  ~PosixStreamingProcess() override {
    if (out_.valid()) poller_.Unwatch(out_.get());
    if (err_.valid()) poller_.Unwatch(err_.get());
    if (pid_ > 0) {
      ::kill(-pid_, SIGKILL);
      ::kill(pid_, SIGKILL);
      int status;
      while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
      }
    }
  }

  StatusOr<size_t> Read(std::string* out, size_t max) override {
    if (!out_.valid()) return size_t{0};
    size_t total = 0;
    char buf[65536];
    while (total < max) {
      ssize_t n = ::read(out_.get(), buf, std::min(sizeof(buf), max - total));
      if (n < 0) {
        if (errno == EINTR) continue;
        if (errno == EAGAIN) break;
        return ErrnoStatus(errno, "read output of", program_);
      }
      if (n == 0) {
        poller_.Unwatch(out_.get());
        out_.Reset();
        break;
      }
      out->append(buf, static_cast<size_t>(n));
      total += static_cast<size_t>(n);
    }
    return total;
  }

  bool output_ended() const override { return !out_.valid(); }

  std::optional<std::string> TakeExit() override {
    if (pid_ <= 0) return std::nullopt;
    int status = 0;
    pid_t r = ::waitpid(pid_, &status, WNOHANG);
    if (r != pid_) return std::nullopt;
    pid_ = -1;
    DrainErrors();  // what it wrote last
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return std::string();
    std::string message = WIFEXITED(status)
                              ? "exited with status " + std::to_string(WEXITSTATUS(status))
                              : "was killed by signal " + std::to_string(WTERMSIG(status));
    std::string shown = ChildErrorsForMessage(errors_);
    return message + (shown.empty() ? " and wrote nothing to standard error" : ": " + shown);
  }

  void WatchOutput(bool on) override {
    if (!out_.valid() || on == watching_out_) return;
    if (on) {
      watching_out_ = poller_.Watch(out_.get(), kPollReadable, this).ok();
    } else {
      poller_.Unwatch(out_.get());
      watching_out_ = false;
    }
  }

  void OnPollEvent(int fd, uint32_t) override {
    if (err_.valid() && fd == err_.get()) DrainErrors();
    // Standard output is read by Read; the event only woke the loop.
  }

 private:
  void DrainErrors() {
    char buf[4096];
    while (err_.valid()) {
      ssize_t n = ::read(err_.get(), buf, sizeof(buf));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return;  // EAGAIN: all taken
      if (n == 0) {
        poller_.Unwatch(err_.get());
        err_.Reset();
        return;
      }
      size_t room = kChildErrorsKept > errors_.size() ? kChildErrorsKept - errors_.size() : 0;
      errors_.append(buf, std::min(room, static_cast<size_t>(n)));
    }
  }

  Poller& poller_;
  pid_t pid_;
  std::string program_;
  UniqueFd out_;
  UniqueFd err_;
  bool watching_out_ = false;
  std::string errors_;
};

class PosixProcessStarter final : public ProcessStarter {
 public:
  explicit PosixProcessStarter(Poller& poller) : poller_(poller) {}

  StatusOr<std::unique_ptr<StreamingProcess>> Start(
      const std::vector<std::string>& argv) override {
    if (argv.empty()) return Status::InvalidArgument("no program to run");
    auto path = FindProgram(argv[0]);
    if (!path.ok()) return Status::NotFound(path.status().message());
    UniqueFd null_input(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    if (!null_input.valid()) return ErrnoStatus(errno, "open", "/dev/null");
    UniqueFd out_read, out_write, err_read, err_write, report_read, report_write;
    EDGELOG_RETURN_IF_ERROR(MakeChildPipe(&out_read, &out_write, O_NONBLOCK, argv[0]));
    EDGELOG_RETURN_IF_ERROR(MakeChildPipe(&err_read, &err_write, O_NONBLOCK, argv[0]));
    EDGELOG_RETURN_IF_ERROR(MakeChildPipe(&report_read, &report_write, 0, argv[0]));

    // Built before fork: the child may not allocate.
    std::vector<std::string> args = argv;
    std::vector<char*> c_argv;
    for (std::string& a : args) c_argv.push_back(a.data());
    c_argv.push_back(nullptr);
    StatusOr<pid_t> started =
        ForkChild({null_input.get(), out_write.get(), err_write.get(), report_write.get()},
                  path->c_str(), c_argv.data(), argv[0]);
    if (!started.ok()) return started.status();
    const pid_t pid = *started;
    out_write.Reset();
    err_write.Reset();
    report_write.Reset();
    null_input.Reset();

    // The exec closes the report pipe; a failed one writes its errno first.
    int exec_errno = 0;
    ssize_t n;
    do {
      n = ::read(report_read.get(), &exec_errno, sizeof(exec_errno));
    } while (n < 0 && errno == EINTR);
    if (n == static_cast<ssize_t>(sizeof(exec_errno))) {
      int status;
      while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
      }
      Status s = ErrnoStatus(exec_errno, "run", *path);
      return exec_errno == ENOENT || exec_errno == EACCES ? Status::NotFound(s.message()) : s;
    }
    return std::unique_ptr<StreamingProcess>(std::make_unique<PosixStreamingProcess>(
        poller_, pid, argv[0], std::move(out_read), std::move(err_read)));
  }

 private:
  Poller& poller_;
};

}  // namespace

std::unique_ptr<ProcessStarter> NewProcessStarter(Poller& poller) {
  return std::make_unique<PosixProcessStarter>(poller);
}

}  // namespace edgelog
