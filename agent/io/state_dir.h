// The state directory: checkpoints, the disk buffer, rejected events and the
// lock. Whoever can write there can make edgelog skip or resend lines, or
// plant files for it to write through, so edgelog keeps it to itself.
#ifndef EDGELOG_AGENT_IO_STATE_DIR_H_
#define EDGELOG_AGENT_IO_STATE_DIR_H_

#include <memory>
#include <string>

#include "agent/base/status.h"
#include "platform/env.h"

namespace edgelog {

// Creates `dir` (0700) if missing, then checks that it is fit to hold the
// state: a directory owned by the user edgelog runs as, that neither its
// group nor others can write. `dir` may be a symbolic link (systemd's
// DynamicUser= makes one) owned by root or by that user. kPermissionDenied
// otherwise, with the fix in one sentence. Returns the directory `dir`
// names, links resolved.
StatusOr<std::string> PrepareStateDir(Env& env, const std::string& dir);

// What CheckStateDir found fit: a directory ready to hold the state, or
// none yet (PrepareStateDir creates it).
enum class StateDirCheck { kReady, kWillBeCreated };

// The checks of PrepareStateDir without creating or changing anything (for
// `edgelog doctor`): the same kPermissionDenied, with the same fix, where a
// run would refuse `dir`.
StatusOr<StateDirCheck> CheckStateDir(Env& env, const std::string& dir);

// The locks that make one agent the only one using a state directory: the
// directory itself (`real_dir`, as PrepareStateDir returns it), so that
// removing a file cannot lift the lock, and its `lock` file, which earlier
// versions lock. kBusy when another process holds either.
struct StateLock {
  std::unique_ptr<FileLock> dir;
  std::unique_ptr<FileLock> file;
};
StatusOr<StateLock> LockStateDir(Env& env, const std::string& real_dir);

}  // namespace edgelog

#endif  // EDGELOG_AGENT_IO_STATE_DIR_H_
