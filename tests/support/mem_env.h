// MemEnv: an in-memory Env that remembers what was made durable, so a test
// can simulate power loss.
//
// Files live in a map from path to contents. Open files keep their contents
// alive after rename or removal, as POSIX descriptors do. For crash
// simulation each file tracks how many of its bytes were synced, and the
// namespace (which path names which file) is durable only up to the last
// SyncDir of each directory. SimulateCrash() throws away everything else.
//
// Symbolic links (CreateSymlink) are followed by Stat, ListDir and
// OpenReadable in every component of a path, as the kernel does; the calls
// that change files take their paths literally. Directories have identities
// of their own, so a walk can tell two paths to one directory apart. An
// open file's Where() is the path it was opened at, links resolved
// (renames are not followed).
#ifndef EDGELOG_TESTS_SUPPORT_MEM_ENV_H_
#define EDGELOG_TESTS_SUPPORT_MEM_ENV_H_

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>

#include "platform/env.h"

namespace edgelog::testing {

class MemEnv : public Env {
 public:
  MemEnv();

  StatusOr<std::unique_ptr<ReadableFile>> OpenReadable(const std::string& path) override;
  StatusOr<std::unique_ptr<WritableFile>> OpenWritable(const std::string& path,
                                                       WriteMode mode) override;
  StatusOr<FileInfo> Stat(const std::string& path) override;
  StatusOr<FileInfo> LinkStat(const std::string& path) override;
  StatusOr<std::string> RealPath(const std::string& path) override;
  StatusOr<std::string> ReadLink(const std::string& path) override;
  StatusOr<std::vector<std::string>> ListDir(const std::string& dir) override;
  Status Rename(const std::string& from, const std::string& to) override;
  Status Remove(const std::string& path) override;
  Status RemoveIfSame(const std::string& path, const FileId& expected) override;
  Status Truncate(const std::string& path, uint64_t size) override;
  Status CreateDirs(const std::string& dir) override;
  Status SyncDir(const std::string& dir) override;
  StatusOr<std::unique_ptr<FileLock>> Lock(const std::string& path) override;
  StatusOr<bool> IsLocked(const std::string& path) override;
  std::optional<std::string> GetVar(const std::string& name) override;
  std::string HostName() override { return host_name_; }
  uint32_t UserId() override { return user_id_; }

  // Test controls.
  void SetVar(const std::string& name, const std::string& value) { vars_[name] = value; }
  void UnsetVar(const std::string& name) { vars_.erase(name); }
  void set_host_name(std::string name) { host_name_ = std::move(name); }
  void set_user_id(uint32_t uid) { user_id_ = uid; }
  // Makes user `uid` the owner of file `path` (files are made by user 0).
  void SetOwner(const std::string& path, uint32_t uid);
  // Creates or replaces `path` with `data`, durably (as if synced long ago).
  void WriteFile(const std::string& path, const std::string& data);
  // Appends without syncing, like a program writing a log.
  void AppendToFile(const std::string& path, const std::string& data);
  // The current contents of `path`, or "" with *exists = false.
  std::string ReadFile(const std::string& path, bool* exists = nullptr) const;
  bool Exists(const std::string& path) const { return files_.count(path) > 0; }
  // Makes `link` a symbolic link to `target` (absolute, or relative to the
  // link's directory; it need not exist), owned by user `owner`, creating
  // missing parents. Links are durable at once and cannot be renamed;
  // Remove removes them.
  void CreateSymlink(const std::string& link, const std::string& target, uint32_t owner = 0);
  // Runs after every Stat of an open file, with what that Stat returns: a
  // writer acting between a reader's look at a file and its read.
  void set_after_descriptor_stat(std::function<void(const FileInfo&)> hook) {
    after_descriptor_stat_ = std::move(hook);
  }

  // Coarse timestamps (1 s on ext3, HFS+, many NFS mounts; 2 s on FAT):
  // while frozen, every change gets the same modification time.
  static void FreezeMtime(bool frozen);

  // Power loss: every path reverts to what the last SyncDir of its directory
  // made durable, and every file to its synced bytes. With
  // `keep_unsynced_bytes`, unsynced data survives (the OS flushed it anyway).
  void SimulateCrash(bool keep_unsynced_bytes = false);

  struct FileData {
    std::string data;
    size_t synced = 0;  // bytes known to be on stable storage
    FileId id;
    uint64_t links = 0;     // paths naming it
    int64_t mtime_ns = 0;   // a counter, increasing with every change
    uint32_t owner = 0;
  };

 private:
  std::shared_ptr<FileData> NewFile();
  // Points `path` at `file` (or at nothing), keeping link counts right.
  void Bind(const std::string& path, std::shared_ptr<FileData> file);
  bool DirExists(const std::string& dir) const;
  // `path` with every symbolic link in it replaced by its target, "." and
  // ".." applied. kIoError after too many links (a loop), as ELOOP.
  StatusOr<std::string> Resolve(const std::string& path) const;

  std::map<std::string, std::shared_ptr<FileData>> files_;
  std::map<std::string, std::shared_ptr<FileData>> durable_files_;
  std::map<std::string, FileId> dirs_;
  std::map<std::string, std::string> links_;  // path of the link -> target
  std::map<std::string, uint32_t> link_owners_;
  std::set<std::string> locks_;
  std::map<std::string, std::string> vars_;
  std::string host_name_ = "testhost";
  uint32_t user_id_ = 0;
  std::function<void(const FileInfo&)> after_descriptor_stat_;
  uint64_t next_inode_ = 100;
  // Directories number theirs apart, so files keep consecutive inodes (tests
  // predict the inode the next file gets).
  uint64_t next_dir_inode_ = uint64_t{1} << 40;

  friend class MemLock;
};

}  // namespace edgelog::testing

#endif  // EDGELOG_TESTS_SUPPORT_MEM_ENV_H_
