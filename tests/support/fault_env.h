// FaultEnv: an EnvWrapper that makes the N-th mutating call fail, the way
// SQLite's test VFS does, so a test can sweep N = 1, 2, 3, ... until a run
// completes with no fault fired and check invariants after each trial.
//
// Counted calls: OpenWritable, Append, Sync, Close, Rename, Remove,
// RemoveIfSame, Truncate, CreateDirs, SyncDir. Reads are never failed.
#ifndef EDGELOG_TESTS_SUPPORT_FAULT_ENV_H_
#define EDGELOG_TESTS_SUPPORT_FAULT_ENV_H_

#include <string>

#include "platform/env.h"

namespace edgelog::testing {

enum class FaultKind {
  kIoError,     // EIO
  kNoSpace,     // ENOSPC
  kShortWrite,  // an Append writes half its bytes, then fails with ENOSPC
};

enum class FaultPersistence {
  kOnce,       // only the N-th call fails
  kFromThenOn, // the N-th and every later counted call fail
};

class FaultEnv : public EnvWrapper {
 public:
  explicit FaultEnv(Env& target) : EnvWrapper(target) {}

  // Arms the fault: counted call number `n` (1-based) fails. 0 disarms.
  void FailCall(int n, FaultKind kind, FaultPersistence persistence) {
    fail_at_ = n;
    kind_ = kind;
    persistence_ = persistence;
    calls_ = 0;
    fired_ = false;
  }
  // Whether the armed fault has fired.
  bool fired() const { return fired_; }
  // Counted calls since FailCall.
  int calls() const { return calls_; }

  // Counts a call; returns the error to inject, or OK.
  Status Count(const std::string& what);
  FaultKind kind() const { return kind_; }

  StatusOr<std::unique_ptr<WritableFile>> OpenWritable(const std::string& path,
                                                       WriteMode mode) override;
  Status Rename(const std::string& from, const std::string& to) override;
  Status Remove(const std::string& path) override;
  Status RemoveIfSame(const std::string& path, const FileId& expected) override;
  Status Truncate(const std::string& path, uint64_t size) override;
  Status CreateDirs(const std::string& dir) override;
  Status SyncDir(const std::string& dir) override;

 private:
  int fail_at_ = 0;
  int calls_ = 0;
  bool fired_ = false;
  FaultKind kind_ = FaultKind::kIoError;
  FaultPersistence persistence_ = FaultPersistence::kOnce;
};

}  // namespace edgelog::testing

#endif  // EDGELOG_TESTS_SUPPORT_FAULT_ENV_H_
