// The epoll Poller and signalfd stop signals, with pipes.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <vector>

#include "platform/poller.h"

namespace edgelog {
namespace {

class Pipe {
 public:
  Pipe() { EXPECT_EQ(0, ::pipe(fds_)); }
  ~Pipe() {
    CloseRead();
    CloseWrite();
  }
  int read_fd() const { return fds_[0]; }
  int write_fd() const { return fds_[1]; }
  void Put(const char* byte = "x") { EXPECT_EQ(1, ::write(fds_[1], byte, 1)); }
  void Drain() {
    char buf[64];
    EXPECT_GT(::read(fds_[0], buf, sizeof(buf)), 0);
  }
  void CloseRead() {
    if (fds_[0] >= 0) ::close(fds_[0]);
    fds_[0] = -1;
  }
  void CloseWrite() {
    if (fds_[1] >= 0) ::close(fds_[1]);
    fds_[1] = -1;
  }

 private:
  int fds_[2] = {-1, -1};
};

class Recorder : public PollHandler {
 public:
  void OnPollEvent(int fd, uint32_t events) override {
    calls.push_back({fd, events});
    if (then) then(fd);
  }
  struct Call {
    int fd;
    uint32_t events;
  };
  std::vector<Call> calls;
  std::function<void(int)> then;
};

class EpollPollerTest : public ::testing::Test {
 protected:
  EpollPollerTest() : poller_(NewEpollPoller()) { EXPECT_NE(nullptr, poller_); }
  int Wait(int64_t timeout_ms) {
    auto n = poller_->Wait(timeout_ms);
    EXPECT_TRUE(n.ok()) << n.status().ToString();
    return n.ok() ? *n : -1;
  }
  std::unique_ptr<Poller> poller_;
};

TEST_F(EpollPollerTest, NothingReadyMeansZeroDispatchedWithoutBlocking) {
  Pipe p;
  Recorder r;
  ASSERT_TRUE(poller_->Watch(p.read_fd(), kPollReadable, &r).ok());
  EXPECT_EQ(0, Wait(0));
  EXPECT_TRUE(r.calls.empty());
}

TEST_F(EpollPollerTest, AReadableDescriptorIsDispatchedToItsHandler) {
  Pipe p;
  Recorder r;
  ASSERT_TRUE(poller_->Watch(p.read_fd(), kPollReadable, &r).ok());
  p.Put();
  EXPECT_EQ(1, Wait(0));
  ASSERT_EQ(1u, r.calls.size());
  EXPECT_EQ(p.read_fd(), r.calls[0].fd);
  EXPECT_TRUE(r.calls[0].events & kPollReadable);
  EXPECT_FALSE(r.calls[0].events & kPollWritable);
}

TEST_F(EpollPollerTest, ALevelStaysReadyUntilDrained) {
  Pipe p;
  Recorder r;
  ASSERT_TRUE(poller_->Watch(p.read_fd(), kPollReadable, &r).ok());
  p.Put();
  EXPECT_EQ(1, Wait(0));
  EXPECT_EQ(1, Wait(0)) << "not read yet: still ready";
  p.Drain();
  EXPECT_EQ(0, Wait(0));
}

TEST_F(EpollPollerTest, EachDescriptorGoesToItsOwnHandler) {
  Pipe a, b;
  Recorder ra, rb;
  ASSERT_TRUE(poller_->Watch(a.read_fd(), kPollReadable, &ra).ok());
  ASSERT_TRUE(poller_->Watch(b.read_fd(), kPollReadable, &rb).ok());
  b.Put();
  EXPECT_EQ(1, Wait(0));
  EXPECT_TRUE(ra.calls.empty());
  ASSERT_EQ(1u, rb.calls.size());
  EXPECT_EQ(b.read_fd(), rb.calls[0].fd);
  a.Put();
  EXPECT_EQ(2, Wait(0));
}

TEST_F(EpollPollerTest, AWritableDescriptorIsReportedWritable) {
  Pipe p;
  Recorder r;
  ASSERT_TRUE(poller_->Watch(p.write_fd(), kPollWritable, &r).ok());
  EXPECT_EQ(1, Wait(0));
  ASSERT_EQ(1u, r.calls.size());
  EXPECT_TRUE(r.calls[0].events & kPollWritable);
}

TEST_F(EpollPollerTest, WatchingAgainChangesTheInterest) {
  Pipe p;
  Recorder r;
  ASSERT_TRUE(poller_->Watch(p.write_fd(), kPollWritable, &r).ok());
  EXPECT_EQ(1, Wait(0));
  // The write end of a pipe never becomes readable.
  ASSERT_TRUE(poller_->Watch(p.write_fd(), kPollReadable, &r).ok());
  EXPECT_EQ(0, Wait(0));
}

TEST_F(EpollPollerTest, AnUnwatchedDescriptorIsNoLongerDispatched) {
  Pipe p;
  Recorder r;
  ASSERT_TRUE(poller_->Watch(p.read_fd(), kPollReadable, &r).ok());
  poller_->Unwatch(p.read_fd());
  p.Put();
  EXPECT_EQ(0, Wait(0));
  EXPECT_TRUE(r.calls.empty());
  poller_->Unwatch(p.read_fd());  // harmless when not watched
  poller_->Unwatch(12345);
  ASSERT_TRUE(poller_->Watch(p.read_fd(), kPollReadable, &r).ok()) << "can be watched again";
  EXPECT_EQ(1, Wait(0));
}

TEST_F(EpollPollerTest, AHandlerThatUnwatchesAnotherReadyDescriptorPreventsItsDispatch) {
  Pipe a, b;
  Recorder ra, rb;
  ra.then = [&](int) { poller_->Unwatch(b.read_fd()); };
  rb.then = [&](int) { poller_->Unwatch(a.read_fd()); };
  ASSERT_TRUE(poller_->Watch(a.read_fd(), kPollReadable, &ra).ok());
  ASSERT_TRUE(poller_->Watch(b.read_fd(), kPollReadable, &rb).ok());
  a.Put();
  b.Put();
  EXPECT_EQ(1, Wait(0));
  EXPECT_EQ(1u, ra.calls.size() + rb.calls.size()) << "the second handler ran after Unwatch";
}

TEST_F(EpollPollerTest, HangUpIsReportedAsAnErrorWhateverTheInterest) {
  Pipe p;
  Recorder r;
  ASSERT_TRUE(poller_->Watch(p.write_fd(), 0, &r).ok());  // no interest at all
  EXPECT_EQ(0, Wait(0));
  p.CloseRead();  // the write end now has nobody to write to
  EXPECT_EQ(1, Wait(0));
  ASSERT_EQ(1u, r.calls.size());
  EXPECT_TRUE(r.calls[0].events & kPollError);
}

TEST_F(EpollPollerTest, AClosedWriterMakesTheReaderReportError) {
  Pipe p;
  Recorder r;
  ASSERT_TRUE(poller_->Watch(p.read_fd(), kPollReadable, &r).ok());
  p.CloseWrite();
  EXPECT_EQ(1, Wait(0));
  ASSERT_EQ(1u, r.calls.size());
  EXPECT_TRUE(r.calls[0].events & kPollError);
}

TEST_F(EpollPollerTest, WatchingAnInvalidDescriptorFails) {
  Recorder r;
  EXPECT_FALSE(poller_->Watch(-1, kPollReadable, &r).ok());
}

TEST_F(EpollPollerTest, WaitWithATimeoutWaitsAtLeastThatLongWhenNothingIsReady) {
  Pipe p;
  Recorder r;
  ASSERT_TRUE(poller_->Watch(p.read_fd(), kPollReadable, &r).ok());
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(0, Wait(30));
  auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - start);
  EXPECT_GE(waited.count(), 25);
}

TEST_F(EpollPollerTest, WaitWithoutTimeoutReturnsOnceADescriptorIsReady) {
  Pipe p;
  Recorder r;
  ASSERT_TRUE(poller_->Watch(p.read_fd(), kPollReadable, &r).ok());
  p.Put();
  EXPECT_EQ(1, Wait(-1));
}

TEST(StopSignalsTest, SigtermArrivesAsAnEventThroughThePoller) {
  sigset_t old_mask;
  ASSERT_EQ(0, ::pthread_sigmask(SIG_SETMASK, nullptr, &old_mask));
  ASSERT_TRUE(BlockStopSignals().ok());
  {
    auto poller = NewEpollPoller();
    ASSERT_NE(nullptr, poller);
    auto stop = WatchStopSignals(*poller);
    ASSERT_TRUE(stop.ok()) << stop.status().ToString();
    EXPECT_FALSE((*stop)->stop_requested());
    EXPECT_STREQ("", (*stop)->signal_name());
    auto n = poller->Wait(0);
    ASSERT_TRUE(n.ok());
    EXPECT_EQ(0, *n);

    ASSERT_EQ(0, ::raise(SIGTERM));  // blocked: queued for the signalfd
    n = poller->Wait(1000);
    ASSERT_TRUE(n.ok());
    EXPECT_EQ(1, *n);
    EXPECT_TRUE((*stop)->stop_requested());
    EXPECT_STREQ("SIGTERM", (*stop)->signal_name());

    ASSERT_EQ(0, ::raise(SIGINT));  // the first signal keeps its name
    n = poller->Wait(1000);
    ASSERT_TRUE(n.ok());
    EXPECT_STREQ("SIGTERM", (*stop)->signal_name());
  }
  ASSERT_EQ(0, ::pthread_sigmask(SIG_SETMASK, &old_mask, nullptr));
}

TEST(StopSignalsTest, SighupAsksForAReloadOnceAndStopsNothing) {
  sigset_t old_mask;
  ASSERT_EQ(0, ::pthread_sigmask(SIG_SETMASK, nullptr, &old_mask));
  ASSERT_TRUE(BlockStopSignals().ok());
  {
    auto poller = NewEpollPoller();
    ASSERT_NE(nullptr, poller);
    auto stop = WatchStopSignals(*poller);
    ASSERT_TRUE(stop.ok()) << stop.status().ToString();
    EXPECT_FALSE((*stop)->TakeReloadRequest());
    ASSERT_EQ(0, ::raise(SIGHUP));  // blocked: queued for the signalfd
    auto n = poller->Wait(1000);
    ASSERT_TRUE(n.ok());
    EXPECT_EQ(1, *n);
    EXPECT_FALSE((*stop)->stop_requested());
    EXPECT_TRUE((*stop)->TakeReloadRequest());
    EXPECT_FALSE((*stop)->TakeReloadRequest()) << "taken once";
  }
  ASSERT_EQ(0, ::pthread_sigmask(SIG_SETMASK, &old_mask, nullptr));
}

TEST(StopSignalsTest, ASighupBlockedAtStartWaitsForTheLoop) {
  sigset_t old_mask;
  ASSERT_EQ(0, ::pthread_sigmask(SIG_SETMASK, nullptr, &old_mask));
  ASSERT_TRUE(BlockReloadSignal().ok());
  ASSERT_EQ(0, ::raise(SIGHUP));  // would end the process were it not blocked
  ASSERT_TRUE(BlockStopSignals().ok());
  {
    auto poller = NewEpollPoller();
    ASSERT_NE(nullptr, poller);
    auto stop = WatchStopSignals(*poller);
    ASSERT_TRUE(stop.ok()) << stop.status().ToString();
    auto n = poller->Wait(1000);
    ASSERT_TRUE(n.ok());
    EXPECT_EQ(1, *n);
    EXPECT_TRUE((*stop)->TakeReloadRequest());
  }
  ASSERT_EQ(0, ::pthread_sigmask(SIG_SETMASK, &old_mask, nullptr));
}

}  // namespace
}  // namespace edgelog
