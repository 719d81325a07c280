// DirWatcher: tells the tailer that something changed in the directories it
// reads, so it rescans or reads at once instead of waiting for its poll timer.
//
// A watcher only says *that* something changed, never what: the caller
// re-lists the directory (names) or reads its open files (content) and works
// out the rest itself. Changes are therefore coalesced into three flags, and
// a burst of events costs one rescan.
//
// NewInotifyWatcher() returns the real one (inotify(7)); tests of other
// modules use testing::FakeWatcher (tests/support/fake_watcher.h).
//
// Threading: a watcher and its Poller are used from one thread, the one that
// calls Poller::Wait().
#ifndef EDGELOG_PLATFORM_WATCHER_H_
#define EDGELOG_PLATFORM_WATCHER_H_

#include <memory>
#include <string>
#include <vector>

#include "agent/base/status.h"

namespace edgelog {

class Poller;

// What changed in watched directories since the last TakeChanges().
struct WatchChanges {
  // A file in a watched directory was written to or truncated (IN_MODIFY).
  // Also set for a file that was unlinked while still open, as long as the
  // writer keeps writing to it.
  bool content = false;
  // An entry was created, deleted, or moved in, out or within; a file's
  // attributes changed (IN_ATTRIB: chmod, chown, utimes); or a watched
  // directory itself was deleted, moved away or unmounted (then it is no
  // longer watched). Not set when a file only gains or loses a hard link
  // elsewhere: the kernel reports link counts to watches on the file itself,
  // never to its directory, so stat the file to learn it lost its last name.
  bool names = false;
  // Events were lost (the kernel's queue overflowed, or it could not be
  // read): rescan everything. Watches stay in place; any watched directory
  // that disappeared meanwhile has been dropped from watched().
  bool overflow = false;

  bool any() const { return content || names || overflow; }
  WatchChanges& operator|=(const WatchChanges& o) {
    content |= o.content;
    names |= o.names;
    overflow |= o.overflow;
    return *this;
  }
};

class DirWatcher {
 public:
  virtual ~DirWatcher() = default;
  DirWatcher(const DirWatcher&) = delete;
  DirWatcher& operator=(const DirWatcher&) = delete;

  // Starts watching directory `dir` (not its subdirectories). Symbolic links
  // are followed. Watching a directory again is OK and changes nothing (if
  // `dir` now names a different directory, that one is watched instead).
  // Returns kNotFound when `dir` does not exist or is not a directory,
  // kPermissionDenied when it cannot be read, and kUnavailable when the
  // system's inotify limits are exhausted: the caller then polls instead.
  virtual Status Watch(const std::string& dir) = 0;
  // Stops watching `dir` (spelled as it was given to Watch). Harmless when it
  // is not watched. Other spellings of the same directory stay watched.
  virtual void Unwatch(const std::string& dir) = 0;
  // The directories currently watched, sorted, as they were given to Watch.
  // A directory that was deleted or moved away drops out once the watcher
  // has read that event.
  virtual std::vector<std::string> watched() const = 0;
  // Returns what happened since the last call, and clears it. Events are
  // read from the kernel only when the Poller dispatches the watcher's
  // descriptor, so call this after Poller::Wait().
  virtual WatchChanges TakeChanges() = 0;

 protected:
  DirWatcher() = default;
};

// An inotify(7) watcher whose descriptor is registered with `poller`; its
// events are read (non-blocking, until none is left) inside Wait(). `poller`
// must outlive the watcher. Returns kUnavailable when inotify cannot be
// initialised (e.g. the per-user instance limit is reached).
StatusOr<std::unique_ptr<DirWatcher>> NewInotifyWatcher(Poller& poller);

}  // namespace edgelog

#endif  // EDGELOG_PLATFORM_WATCHER_H_
