// Env: every operating-system call the agent makes goes through here.
//
// The agent holds an `Env&` and never calls the OS itself. `NewPosixEnv()`
// returns the real one; tests use the in-memory and fault-injecting doubles
// of tests/support/. An `EnvWrapper` forwards every call to another Env so a
// test can override just the method it wants to break.
//
// Threading: the main loop owns the Env and every file it opens. The one
// other thread, the credential refresh thread, reads only: GetVar,
// HostName, Stat, OpenReadable and reads through the file it opened itself
// (credential files, token files). It never writes, renames or removes.
// PosixEnv is safe for that (the process environment is not changed while
// the agent runs); a double used with the refresh thread must be too.
#ifndef EDGELOG_PLATFORM_ENV_H_
#define EDGELOG_PLATFORM_ENV_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agent/base/status.h"

namespace edgelog {

// What names a file independently of its path: survives renames, changes
// when a path is re-created.
struct FileId {
  uint64_t device = 0;
  uint64_t inode = 0;

  bool operator==(const FileId& o) const {
    return device == o.device && inode == o.inode;
  }
  bool operator!=(const FileId& o) const { return !(*this == o); }
};

// kSymlink only from LinkStat: every other call follows links.
enum class FileKind { kRegular, kDirectory, kSymlink, kOther };

struct FileInfo {
  FileId id;
  FileKind kind = FileKind::kRegular;
  uint64_t size = 0;
  int64_t mtime_ns = 0;
  uint64_t links = 1;  // hard links; 0 once the file is deleted (still open)
  uint32_t owner = 0;  // user id
  uint32_t mode = 0;   // permission bits, set-id and sticky bits (07777)
};

// A file opened for reading at arbitrary offsets. Reading a file that was
// renamed or unlinked after opening keeps working (POSIX descriptor rules).
class ReadableFile {
 public:
  virtual ~ReadableFile() = default;
  ReadableFile(const ReadableFile&) = delete;
  ReadableFile& operator=(const ReadableFile&) = delete;

  // Reads up to `n` bytes at `offset` into `buf`. Returns the number of bytes
  // read: fewer than `n` only at the end of the file, 0 at or past it.
  virtual StatusOr<size_t> ReadAt(uint64_t offset, char* buf, size_t n) = 0;

  // Information about the open file (not about whatever its path names now).
  virtual StatusOr<FileInfo> Stat() = 0;

  // Where the open file is now (its path, links resolved, after any
  // rename; "PATH (deleted)" once removed). kNotFound when the system
  // cannot tell (no /proc): the default, for doubles that do not say.
  virtual StatusOr<std::string> Where() { return Status::NotFound("where a file is: not known"); }

 protected:
  ReadableFile() = default;
};

// A file being written sequentially. Data reaches stable storage only after
// Sync() returns OK. Close() is implied by destruction (errors are lost
// then: call Close() when they matter).
class WritableFile {
 public:
  virtual ~WritableFile() = default;
  WritableFile(const WritableFile&) = delete;
  WritableFile& operator=(const WritableFile&) = delete;

  // Appends all of `data` or fails. A failed append may have written a
  // prefix (a short write); callers that care truncate or rewrite.
  virtual Status Append(std::string_view data) = 0;
  // fsync(2): everything appended so far is durable once this returns OK.
  virtual Status Sync() = 0;
  virtual Status Close() = 0;

 protected:
  WritableFile() = default;
};

// Held while the process owns a path (flock). Released on destruction.
class FileLock {
 public:
  virtual ~FileLock() = default;
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

 protected:
  FileLock() = default;
};

enum class WriteMode {
  kTruncate,  // create or empty the file
  kAppend,    // create or keep, writes go to the end
};

class Env {
 public:
  virtual ~Env() = default;
  Env(const Env&) = delete;
  Env& operator=(const Env&) = delete;

  // Files. Errors: kNotFound when the path does not exist, kPermissionDenied,
  // kNoSpace, kIoError otherwise; messages name the path.
  // OpenReadable opens regular files only: a directory, FIFO, device or
  // socket is kInvalidArgument naming its kind ("is a FIFO"), at once (a
  // FIFO without a writer does not block the call).
  virtual StatusOr<std::unique_ptr<ReadableFile>> OpenReadable(
      const std::string& path) = 0;
  // The agent's own files (its state). Never through a symbolic link: a
  // link at `path` is an error, as is anything but a regular file there.
  // Created 0600 (whatever the umask), and an existing file open to others
  // is made so.
  virtual StatusOr<std::unique_ptr<WritableFile>> OpenWritable(
      const std::string& path, WriteMode mode) = 0;
  // stat(2), following symbolic links.
  virtual StatusOr<FileInfo> Stat(const std::string& path) = 0;
  // lstat(2): a symbolic link at `path` is described itself (kSymlink).
  virtual StatusOr<FileInfo> LinkStat(const std::string& path) = 0;
  // realpath(3): `path` with every symbolic link, "." and ".." resolved.
  virtual StatusOr<std::string> RealPath(const std::string& path) = 0;
  // readlink(2): what the symbolic link at `path` holds.
  virtual StatusOr<std::string> ReadLink(const std::string& path) = 0;
  // Names of the entries of `dir`, without "." and "..", in no set order.
  virtual StatusOr<std::vector<std::string>> ListDir(const std::string& dir) = 0;
  // rename(2): atomic replacement of `to`.
  virtual Status Rename(const std::string& from, const std::string& to) = 0;
  virtual Status Remove(const std::string& path) = 0;
  // Removes the file at `path` only while it is `expected` (same device and
  // inode), a regular file with one link: the very file a caller judged,
  // not one renamed into its place since. The directory of `path` is opened
  // (links in it followed, as a glob that found the file followed them),
  // the entry named by the last component is examined there without
  // following a link, and unlinked from that open directory: a directory
  // swapped for a link in between cannot steer the removal elsewhere.
  // (A rename inside that same directory between the check and the unlink
  // is not excluded: no POSIX call unlinks by inode.) kNotFound when
  // nothing is at `path`; kFailedPrecondition, naming the path, when
  // something else is, or the file has another link.
  virtual Status RemoveIfSame(const std::string& path, const FileId& expected) = 0;
  // Cuts the agent's own file `path` to `size` bytes (never through a
  // symbolic link); durable after a sync of the file (not done here).
  virtual Status Truncate(const std::string& path, uint64_t size) = 0;
  // Creates `dir` and missing parents (mode 0700); OK when it exists already.
  virtual Status CreateDirs(const std::string& dir) = 0;
  // fsync(2) of a directory, so renames and creations inside it are durable.
  virtual Status SyncDir(const std::string& dir) = 0;
  // Takes an exclusive advisory lock on `path`: a directory, or a regular
  // file (created 0600 if missing; never through a symbolic link). The lock
  // is held on an open descriptor, and taken only once that descriptor is
  // known to be what `path` names (a lock file removed or replaced while
  // the lock was being taken is not locked in its stead).
  // kBusy when another process holds it.
  virtual StatusOr<std::unique_ptr<FileLock>> Lock(const std::string& path) = 0;
  // Whether some process holds a lock such as Lock() takes on `path` (this
  // one included), found out without taking it, so that the look can never
  // make the holder's Lock() fail. The POSIX Env reads /proc/locks and knows
  // the file by its inode number alone (the device /proc/locks gives need
  // not be stat's, on btrfs or overlayfs), and sees only processes of its
  // own PID namespace. kNotFound when `path` does not exist; kUnavailable
  // when the system cannot tell (no /proc).
  virtual StatusOr<bool> IsLocked(const std::string& path) = 0;

  // Process environment: the value of variable `name`, if set.
  virtual std::optional<std::string> GetVar(const std::string& name) = 0;
  // This host's name (gethostname).
  virtual std::string HostName() = 0;
  // The user the process runs as (effective user id).
  virtual uint32_t UserId() = 0;

 protected:
  Env() = default;
};

// Forwards every call to `target`. Subclass and override to inject faults.
class EnvWrapper : public Env {
 public:
  explicit EnvWrapper(Env& target) : target_(target) {}

  StatusOr<std::unique_ptr<ReadableFile>> OpenReadable(
      const std::string& path) override {
    return target_.OpenReadable(path);
  }
  StatusOr<std::unique_ptr<WritableFile>> OpenWritable(
      const std::string& path, WriteMode mode) override {
    return target_.OpenWritable(path, mode);
  }
  StatusOr<FileInfo> Stat(const std::string& path) override {
    return target_.Stat(path);
  }
  StatusOr<FileInfo> LinkStat(const std::string& path) override {
    return target_.LinkStat(path);
  }
  StatusOr<std::string> RealPath(const std::string& path) override {
    return target_.RealPath(path);
  }
  StatusOr<std::string> ReadLink(const std::string& path) override {
    return target_.ReadLink(path);
  }
  StatusOr<std::vector<std::string>> ListDir(const std::string& dir) override {
    return target_.ListDir(dir);
  }
  Status Rename(const std::string& from, const std::string& to) override {
    return target_.Rename(from, to);
  }
  Status Remove(const std::string& path) override { return target_.Remove(path); }
  Status RemoveIfSame(const std::string& path, const FileId& expected) override {
    return target_.RemoveIfSame(path, expected);
  }
  Status Truncate(const std::string& path, uint64_t size) override {
    return target_.Truncate(path, size);
  }
  Status CreateDirs(const std::string& dir) override {
    return target_.CreateDirs(dir);
  }
  Status SyncDir(const std::string& dir) override { return target_.SyncDir(dir); }
  StatusOr<std::unique_ptr<FileLock>> Lock(const std::string& path) override {
    return target_.Lock(path);
  }
  StatusOr<bool> IsLocked(const std::string& path) override { return target_.IsLocked(path); }
  std::optional<std::string> GetVar(const std::string& name) override {
    return target_.GetVar(name);
  }
  std::string HostName() override { return target_.HostName(); }
  uint32_t UserId() override { return target_.UserId(); }

 protected:
  Env& target() { return target_; }

 private:
  Env& target_;
};

// The real thing. The caller owns the result.
std::unique_ptr<Env> NewPosixEnv();

// The directory of the running executable (/proc/self/exe), else of
// `argv0` when it names a path; "" when neither tells.
std::string ExecutableDir(const std::string& argv0);

// The first IPv4 address of an interface that is up and not loopback, as
// text; "" when there is none.
std::string PrimaryIpv4Address();

}  // namespace edgelog

#endif  // EDGELOG_PLATFORM_ENV_H_
