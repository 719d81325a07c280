// FakeWatcher: a DirWatcher whose changes a test announces, for testing
// the modules that react to changes without touching the file system.
#ifndef EDGELOG_TESTS_SUPPORT_FAKE_WATCHER_H_
#define EDGELOG_TESTS_SUPPORT_FAKE_WATCHER_H_

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "platform/watcher.h"

namespace edgelog::testing {

class FakeWatcher : public DirWatcher {
 public:
  // Fails with kUnavailable while `unavailable` is set (the inotify limits
  // are exhausted), with kNotFound for directories marked missing, and
  // otherwise records `dir` as watched.
  Status Watch(const std::string& dir) override {
    ++watch_calls_;
    if (unavailable_)
      return Status::Unavailable("fake: inotify watch limit reached");
    if (missing_.count(dir))
      return Status::NotFound("fake: no directory " + dir);
    watched_.insert(dir);
    return Status::Ok();
  }
  void Unwatch(const std::string& dir) override { watched_.erase(dir); }
  std::vector<std::string> watched() const override {
    return std::vector<std::string>(watched_.begin(), watched_.end());
  }
  WatchChanges TakeChanges() override {
    return std::exchange(pending_, WatchChanges{});
  }

  // Test controls.

  // Adds `c` to what the next TakeChanges() returns.
  void Signal(WatchChanges c) { pending_ |= c; }
  void SignalContent() { pending_.content = true; }
  void SignalNames() { pending_.names = true; }
  void SignalOverflow() { pending_.overflow = true; }
  // Simulates exhausted inotify limits: Watch() fails with kUnavailable.
  void set_unavailable(bool unavailable) { unavailable_ = unavailable; }
  // Watch(dir) fails with kNotFound until SetMissing(dir, false).
  void SetMissing(const std::string& dir, bool missing) {
    if (missing) {
      missing_.insert(dir);
    } else {
      missing_.erase(dir);
    }
  }
  // Simulates `dir` being deleted: it stops being watched, names is signalled
  // and Watch(dir) fails with kNotFound until SetMissing(dir, false).
  void RemoveDir(const std::string& dir) {
    SetMissing(dir, true);
    if (watched_.erase(dir)) pending_.names = true;
  }
  bool is_watched(const std::string& dir) const {
    return watched_.count(dir) > 0;
  }
  // Every call to Watch(), successful or not.
  int watch_calls() const { return watch_calls_; }
  // What the next TakeChanges() would return, without clearing it.
  const WatchChanges& pending() const { return pending_; }

 private:
  std::set<std::string> watched_;
  std::set<std::string> missing_;
  WatchChanges pending_;
  bool unavailable_ = false;
  int watch_calls_ = 0;
};

}  // namespace edgelog::testing

#endif  // EDGELOG_TESTS_SUPPORT_FAKE_WATCHER_H_
