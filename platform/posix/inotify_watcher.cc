// inotify(7) DirWatcher, read from inside Poller::Wait().
//
// Bookkeeping: one kernel watch (wd) per directory inode. Several spellings
// of one directory ("d", "d/.", a symlink to d) share a wd, so the watcher
// keeps the spellings of each wd and removes the kernel watch only when the
// last one is unwatched.
//
// Kernel behaviour this relies on (see inotify(7) and fs/notify/inotify/):
//  - Events are queued synchronously by the syscall that causes them.
//  - An event identical to the last one still queued (same wd, mask, name)
//    is merged into it, so a stream of appends to one file queues a single
//    IN_MODIFY while nobody reads.
//  - wds are allocated cyclically, so a wd is not reused while stale events
//    for it may still be queued; events for a wd we no longer know are
//    simply dropped.
//  - When the queue is full, further events - IN_IGNORED included - are
//    dropped and one IN_Q_OVERFLOW is queued. Hence Revalidate() below.
#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>
#include <map>
#include <set>
#include <unordered_map>
#include <utility>

#include "platform/poller.h"
#include "platform/posix/errno_status.h"
#include "platform/posix/unique_fd.h"
#include "platform/watcher.h"

namespace edgelog {
namespace {

// Deliberately without IN_EXCL_UNLINK: a tailer still draining a rotated
// file that was unlinked while open wants to hear about writes to it.
constexpr uint32_t kWatchMask = IN_MODIFY | IN_ATTRIB | IN_CREATE | IN_DELETE |
                                IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE_SELF |
                                IN_MOVE_SELF | IN_ONLYDIR;
constexpr uint32_t kNameEvents =
    IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_ATTRIB;
// After these the kernel removes the watch by itself.
constexpr uint32_t kWatchEnded = IN_DELETE_SELF | IN_UNMOUNT | IN_IGNORED;

// Room for many events per read(2); one event needs at most
// sizeof(inotify_event) + NAME_MAX + 1 bytes.
constexpr size_t kReadBufferBytes = 64 * 1024;

// inotify_add_watch(2) fails with ENOSPC when fs.inotify.max_user_watches is
// reached, not when a disk is full: that means "poll instead", so it is
// kUnavailable rather than what ErrnoStatus() would make of ENOSPC.
Status AddWatchError(int err, const std::string& dir) {
  Status s = ErrnoStatus(err, "inotify_add_watch", dir);
  if (err == ENOSPC || err == ENOMEM) return Status::Unavailable(s.message());
  return s;
}

class InotifyWatcher final : public DirWatcher, public PollHandler {
 public:
  InotifyWatcher(Poller& poller, UniqueFd fd)
      : poller_(poller), fd_(std::move(fd)) {}
  ~InotifyWatcher() override { poller_.Unwatch(fd_.get()); }

  int fd() const { return fd_.get(); }

  Status Watch(const std::string& dir) override {
    int wd = ::inotify_add_watch(fd_.get(), dir.c_str(), kWatchMask);
    if (wd < 0) return AddWatchError(errno, dir);
    Attach(dir, wd);
    return Status::Ok();
  }

  void Unwatch(const std::string& dir) override { Detach(dir); }

  std::vector<std::string> watched() const override {
    std::vector<std::string> dirs;
    for (const auto& [dir, wd] : wd_of_) dirs.push_back(dir);
    return dirs;
  }

  WatchChanges TakeChanges() override {
    return std::exchange(changes_, WatchChanges{});
  }

  void OnPollEvent(int, uint32_t) override {
    bool lost = false;
    for (;;) {
      ssize_t n = ::read(fd_.get(), buf_, sizeof(buf_));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
      if (n <= 0) {  // cannot happen short of a kernel bug: assume the worst
        lost = true;
        break;
      }
      lost |= Parse(static_cast<size_t>(n));
    }
    if (lost) {
      changes_.overflow = true;
      Revalidate();
    }
  }

 private:
  // Handles the events in buf_[0, n). Returns true if events were lost.
  bool Parse(size_t n) {
    bool lost = false;
    for (size_t at = 0; at + sizeof(inotify_event) <= n;) {
      const auto* ev = reinterpret_cast<const inotify_event*>(buf_ + at);
      at += sizeof(inotify_event) + ev->len;
      if (ev->mask & IN_Q_OVERFLOW) {
        lost = true;
        continue;
      }
      if (dirs_of_.count(ev->wd) == 0) continue;  // unwatched since
      if (ev->mask & IN_MODIFY) changes_.content = true;
      if (ev->mask & kNameEvents) changes_.names = true;
      if (ev->mask & kWatchEnded) {
        changes_.names = true;
        Forget(ev->wd);
      } else if (ev->mask & IN_MOVE_SELF) {
        // The kernel watch follows the inode to its new name, which is not
        // the directory the caller asked about any more.
        changes_.names = true;
        ::inotify_rm_watch(fd_.get(), ev->wd);
        Forget(ev->wd);
      }
    }
    return lost;
  }

  // After an overflow the IN_IGNORED or IN_MOVE_SELF of a vanished directory
  // may have been dropped. Asking for each watch again returns the same wd
  // when the path still names the same directory.
  void Revalidate() {
    const std::map<std::string, int> before = wd_of_;
    for (const auto& [dir, wd] : before) {
      int now = ::inotify_add_watch(fd_.get(), dir.c_str(), kWatchMask);
      if (now == wd) continue;
      Detach(dir);
      if (now >= 0) Attach(dir, now);
    }
  }

  void Attach(const std::string& dir, int wd) {
    auto it = wd_of_.find(dir);
    // `dir` names another directory now (it was replaced or moved).
    if (it != wd_of_.end() && it->second != wd) Detach(dir);
    wd_of_[dir] = wd;
    dirs_of_[wd].insert(dir);
  }

  // Forgets `dir`; removes its kernel watch when no other spelling uses it.
  void Detach(const std::string& dir) {
    auto it = wd_of_.find(dir);
    if (it == wd_of_.end()) return;
    int wd = it->second;
    wd_of_.erase(it);
    auto& dirs = dirs_of_[wd];
    dirs.erase(dir);
    if (!dirs.empty()) return;
    dirs_of_.erase(wd);
    // EINVAL when the kernel removed the watch already: nothing to do.
    ::inotify_rm_watch(fd_.get(), wd);
  }

  // Forgets every spelling of `wd`, whose kernel watch is gone.
  void Forget(int wd) {
    auto it = dirs_of_.find(wd);
    if (it == dirs_of_.end()) return;
    for (const auto& dir : it->second) wd_of_.erase(dir);
    dirs_of_.erase(it);
  }

  Poller& poller_;
  UniqueFd fd_;
  std::map<std::string, int> wd_of_;                        // spelling -> wd
  std::unordered_map<int, std::set<std::string>> dirs_of_;  // wd -> spellings
  WatchChanges changes_;
  alignas(inotify_event) char buf_[kReadBufferBytes];
};

}  // namespace

StatusOr<std::unique_ptr<DirWatcher>> NewInotifyWatcher(Poller& poller) {
  UniqueFd fd(::inotify_init1(IN_NONBLOCK | IN_CLOEXEC));
  if (!fd.valid()) {
    // EMFILE (fs.inotify.max_user_instances), ENFILE, ENOMEM: all mean
    // "poll instead".
    return Status::Unavailable(
        ErrnoStatus(errno, "inotify_init1", "").message());
  }
  auto watcher = std::make_unique<InotifyWatcher>(poller, std::move(fd));
  EDGELOG_RETURN_IF_ERROR(
      poller.Watch(watcher->fd(), kPollReadable, watcher.get()));
  return std::unique_ptr<DirWatcher>(std::move(watcher));
}

}  // namespace edgelog
