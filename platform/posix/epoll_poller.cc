// epoll(7) Poller and signalfd(2) stop signals.
#include <signal.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>

#include <algorithm>
#include <cerrno>
#include <unordered_map>

#include "platform/poller.h"
#include "platform/posix/errno_status.h"
#include "platform/posix/unique_fd.h"

namespace edgelog {
namespace {

constexpr int kMaxEventsPerWait = 64;

uint32_t ToEpoll(uint32_t interest) {
  uint32_t e = 0;
  if (interest & kPollReadable) e |= EPOLLIN;
  if (interest & kPollWritable) e |= EPOLLOUT;
  return e;
}

uint32_t FromEpoll(uint32_t e) {
  uint32_t events = 0;
  if (e & EPOLLIN) events |= kPollReadable;
  if (e & EPOLLOUT) events |= kPollWritable;
  if (e & (EPOLLERR | EPOLLHUP)) events |= kPollError;
  return events;
}

class EpollPoller final : public Poller {
 public:
  explicit EpollPoller(UniqueFd epfd) : epfd_(std::move(epfd)) {}

  Status Watch(int fd, uint32_t interest, PollHandler* handler) override {
    struct epoll_event ev = {};
    ev.events = ToEpoll(interest);
    ev.data.fd = fd;
    bool known = handlers_.count(fd) > 0;
    if (::epoll_ctl(epfd_.get(), known ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, fd, &ev) != 0) {
      return ErrnoStatus(errno, "epoll_ctl", "fd " + std::to_string(fd));
    }
    handlers_[fd] = handler;
    return Status::Ok();
  }

  void Unwatch(int fd) override {
    if (handlers_.erase(fd) == 0) return;
    // The descriptor may already be closed, which removed it from the set.
    ::epoll_ctl(epfd_.get(), EPOLL_CTL_DEL, fd, nullptr);
  }

  StatusOr<int> Wait(int64_t timeout_ms) override {
    struct epoll_event events[kMaxEventsPerWait];
    int timeout = timeout_ms < 0 ? -1 : static_cast<int>(std::min<int64_t>(timeout_ms, 1 << 30));
    int n = ::epoll_wait(epfd_.get(), events, kMaxEventsPerWait, timeout);
    if (n < 0) {
      if (errno == EINTR) return 0;
      return ErrnoStatus(errno, "epoll_wait", "");
    }
    int dispatched = 0;
    for (int i = 0; i < n; ++i) {
      int fd = events[i].data.fd;
      auto it = handlers_.find(fd);
      if (it == handlers_.end()) continue;  // unwatched by an earlier handler
      it->second->OnPollEvent(fd, FromEpoll(events[i].events));
      ++dispatched;
    }
    return dispatched;
  }

 private:
  UniqueFd epfd_;
  std::unordered_map<int, PollHandler*> handlers_;
};

sigset_t StopSignalSet() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGHUP);
  return set;
}

class SignalFdStopSignals final : public StopSignals, public PollHandler {
 public:
  SignalFdStopSignals(Poller& poller, UniqueFd fd)
      : poller_(poller), fd_(std::move(fd)) {}
  ~SignalFdStopSignals() override { poller_.Unwatch(fd_.get()); }

  int fd() const { return fd_.get(); }
  bool stop_requested() const override { return name_[0] != '\0'; }
  const char* signal_name() const override { return name_; }
  bool TakeReloadRequest() override {
    bool requested = reload_;
    reload_ = false;
    return requested;
  }

  void OnPollEvent(int, uint32_t) override {
    struct signalfd_siginfo info;
    while (::read(fd_.get(), &info, sizeof(info)) == sizeof(info)) {
      if (info.ssi_signo == SIGHUP) {
        reload_ = true;
        continue;
      }
      if (stop_requested()) continue;
      name_ = info.ssi_signo == SIGTERM ? "SIGTERM" : "SIGINT";
    }
  }

 private:
  Poller& poller_;
  UniqueFd fd_;
  const char* name_ = "";
  bool reload_ = false;
};

}  // namespace

std::unique_ptr<Poller> NewEpollPoller() {
  UniqueFd fd(::epoll_create1(EPOLL_CLOEXEC));
  if (!fd.valid()) return nullptr;
  return std::make_unique<EpollPoller>(std::move(fd));
}

Status BlockStopSignals() {
  sigset_t set = StopSignalSet();
  if (::pthread_sigmask(SIG_BLOCK, &set, nullptr) != 0) {
    return Status::IoError("cannot block SIGTERM, SIGINT and SIGHUP");
  }
  ::signal(SIGPIPE, SIG_IGN);
  return Status::Ok();
}

Status BlockReloadSignal() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGHUP);
  if (::pthread_sigmask(SIG_BLOCK, &set, nullptr) != 0) {
    return Status::IoError("cannot block SIGHUP");
  }
  return Status::Ok();
}

void UnblockReloadSignal() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGHUP);
  ::pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
}

StatusOr<std::unique_ptr<StopSignals>> WatchStopSignals(Poller& poller) {
  sigset_t set = StopSignalSet();
  UniqueFd fd(::signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC));
  if (!fd.valid()) return ErrnoStatus(errno, "signalfd", "SIGTERM/SIGINT/SIGHUP");
  auto signals = std::make_unique<SignalFdStopSignals>(poller, std::move(fd));
  EDGELOG_RETURN_IF_ERROR(poller.Watch(signals->fd(), kPollReadable, signals.get()));
  return std::unique_ptr<StopSignals>(std::move(signals));
}

}  // namespace edgelog
