// Poller: waits for file descriptors to become ready (epoll on Linux) and
// hands each ready descriptor to the handler registered for it.
//
// The main loop owns the one Poller and is the only caller of Wait();
// components (the HTTP client, the signal watcher) register their
// descriptors and are called back from inside Wait().
#ifndef EDGELOG_PLATFORM_POLLER_H_
#define EDGELOG_PLATFORM_POLLER_H_

#include <cstdint>
#include <memory>

#include "agent/base/status.h"

namespace edgelog {

enum PollEvent : uint32_t {
  kPollReadable = 1u << 0,
  kPollWritable = 1u << 1,
  kPollError = 1u << 2,  // error or hang-up; reported whatever the interest
};

class PollHandler {
 public:
  virtual ~PollHandler() = default;
  // `events` is a mask of PollEvent.
  virtual void OnPollEvent(int fd, uint32_t events) = 0;
};

class Poller {
 public:
  virtual ~Poller() = default;
  Poller(const Poller&) = delete;
  Poller& operator=(const Poller&) = delete;

  // Starts or changes watching `fd` for `interest` (kPollReadable and/or
  // kPollWritable). `handler` must outlive the watch.
  virtual Status Watch(int fd, uint32_t interest, PollHandler* handler) = 0;
  // Stops watching `fd`; harmless when it is not watched.
  virtual void Unwatch(int fd) = 0;
  // Waits at most `timeout_ms` (0: do not block) and dispatches every ready
  // descriptor. Returns how many were dispatched.
  virtual StatusOr<int> Wait(int64_t timeout_ms) = 0;

 protected:
  Poller() = default;
};

std::unique_ptr<Poller> NewEpollPoller();

// Delivers SIGTERM and SIGINT (stop) and SIGHUP (reload) as events instead
// of interrupting the program. Block the signals (BlockStopSignals) before
// any thread is created.
class StopSignals {
 public:
  virtual ~StopSignals() = default;
  // True once SIGTERM or SIGINT has arrived.
  virtual bool stop_requested() const = 0;
  // The name of the first stop signal received ("SIGTERM"), or "".
  virtual const char* signal_name() const = 0;
  // True if SIGHUP arrived since the last call (several count as one).
  virtual bool TakeReloadRequest() = 0;
};

// Blocks SIGTERM, SIGINT and SIGHUP in the calling thread (and threads it
// creates later), and ignores SIGPIPE.
Status BlockStopSignals();

// Blocks SIGHUP alone, from the start of a run: one sent while the agent
// starts (systemctl reload right after start) waits for the loop, instead of
// killing the process; SIGTERM still stops it at once until
// BlockStopSignals.
Status BlockReloadSignal();
// Lets SIGHUP through again (commands other than `run`).
void UnblockReloadSignal();

// Watches for the blocked stop signals through `poller`.
StatusOr<std::unique_ptr<StopSignals>> WatchStopSignals(Poller& poller);

}  // namespace edgelog

#endif  // EDGELOG_PLATFORM_POLLER_H_
