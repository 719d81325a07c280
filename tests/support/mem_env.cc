#include "tests/support/mem_env.h"

#include <algorithm>
#include <vector>

#include "agent/io/file_util.h"

namespace edgelog::testing {
namespace {

// Linux's MAXSYMLINKS: more links than this in one lookup is ELOOP.
constexpr int kMaxLinksPerLookup = 40;

// Modification "times": a counter that only goes up, so later writes have
// later times whatever the real clock does.
int64_t g_mtime_clock = 0;
bool g_mtime_frozen = false;
int64_t NextMtime() {
  if (g_mtime_frozen) return g_mtime_clock;
  return ++g_mtime_clock;
}

FileInfo InfoOf(const MemEnv::FileData& f) {
  FileInfo info;
  info.id = f.id;
  info.size = f.data.size();
  info.mtime_ns = f.mtime_ns;
  info.links = f.links;
  info.owner = f.owner;
  info.mode = 0600;
  return info;
}

class MemReadableFile : public ReadableFile {
 public:
  MemReadableFile(std::shared_ptr<MemEnv::FileData> file, std::string where,
                  const std::function<void(const FileInfo&)>* after_stat)
      : file_(std::move(file)), where_(std::move(where)), after_stat_(after_stat) {}

  StatusOr<std::string> Where() override { return where_; }

  StatusOr<size_t> ReadAt(uint64_t offset, char* buf, size_t n) override {
    const std::string& data = file_->data;
    if (offset >= data.size()) return size_t{0};
    size_t count = std::min<size_t>(n, data.size() - offset);
    std::copy_n(data.data() + offset, count, buf);
    return count;
  }

  StatusOr<FileInfo> Stat() override {
    FileInfo info = InfoOf(*file_);
    if (*after_stat_) (*after_stat_)(info);  // may change the file: `info` is as it was
    return info;
  }

 private:
  std::shared_ptr<MemEnv::FileData> file_;
  std::string where_;
  const std::function<void(const FileInfo&)>* after_stat_;  // the env's, outlives the file
};

class MemWritableFile : public WritableFile {
 public:
  explicit MemWritableFile(std::shared_ptr<MemEnv::FileData> file) : file_(std::move(file)) {}

  Status Append(std::string_view data) override {
    if (closed_) return Status::IoError("append after close");
    file_->data.append(data);
    file_->mtime_ns = NextMtime();
    return Status::Ok();
  }
  Status Sync() override {
    if (closed_) return Status::IoError("sync after close");
    file_->synced = file_->data.size();
    return Status::Ok();
  }
  Status Close() override {
    closed_ = true;
    return Status::Ok();
  }

 private:
  std::shared_ptr<MemEnv::FileData> file_;
  bool closed_ = false;
};

}  // namespace

class MemLock : public FileLock {
 public:
  MemLock(MemEnv* env, std::string path) : env_(env), path_(std::move(path)) {}
  ~MemLock() override { env_->locks_.erase(path_); }

 private:
  MemEnv* env_;
  std::string path_;
};

void MemEnv::FreezeMtime(bool frozen) {
  if (frozen != g_mtime_frozen) ++g_mtime_clock;  // a tick of its own
  g_mtime_frozen = frozen;
}

MemEnv::MemEnv() { CreateDirs("/").IgnoreError(); }  // the root always can be

std::shared_ptr<MemEnv::FileData> MemEnv::NewFile() {
  auto file = std::make_shared<FileData>();
  file->id = FileId{1, next_inode_++};
  file->mtime_ns = NextMtime();
  return file;
}

void MemEnv::Bind(const std::string& path, std::shared_ptr<FileData> file) {
  auto it = files_.find(path);
  if (it != files_.end()) {
    --it->second->links;
    files_.erase(it);
  }
  if (file) {
    ++file->links;
    files_[path] = std::move(file);
  }
}

bool MemEnv::DirExists(const std::string& dir) const { return dirs_.count(dir) > 0; }

StatusOr<std::string> MemEnv::Resolve(const std::string& path) const {
  if (path.empty() || path[0] != '/') return path;  // names nothing here
  std::vector<std::string> pending;  // components still to look up, last first
  auto push = [&](const std::string& p) {
    size_t end = p.size();
    while (end > 0) {
      size_t slash = p.rfind('/', end - 1);
      size_t begin = slash == std::string::npos ? 0 : slash + 1;
      if (end > begin) pending.push_back(p.substr(begin, end - begin));
      if (slash == std::string::npos) break;
      end = slash;
    }
  };
  push(path);
  std::string resolved = "/";
  int links = 0;
  while (!pending.empty()) {
    std::string name = std::move(pending.back());
    pending.pop_back();
    if (name == ".") continue;
    if (name == "..") {
      resolved = DirName(resolved);
      continue;
    }
    std::string next = resolved == "/" ? "/" + name : resolved + "/" + name;
    auto link = links_.find(next);
    if (link == links_.end()) {
      resolved = std::move(next);
      continue;
    }
    if (++links > kMaxLinksPerLookup) {
      return Status::IoError(path + ": too many levels of symbolic links");
    }
    push(link->second);
    if (link->second[0] == '/') resolved = "/";
  }
  return resolved;
}

StatusOr<std::unique_ptr<ReadableFile>> MemEnv::OpenReadable(const std::string& path) {
  auto resolved = Resolve(path);
  if (!resolved.ok()) return resolved.status();
  auto it = files_.find(*resolved);
  if (it == files_.end() && DirExists(*resolved)) {  // as PosixEnv: regular files only
    return Status::InvalidArgument("open " + path + ": is a directory, not a regular file");
  }
  if (it == files_.end()) return Status::NotFound("open " + path + ": no such file");
  return std::unique_ptr<ReadableFile>(
      std::make_unique<MemReadableFile>(it->second, *resolved, &after_descriptor_stat_));
}

StatusOr<std::unique_ptr<WritableFile>> MemEnv::OpenWritable(const std::string& path,
                                                             WriteMode mode) {
  if (!DirExists(DirName(path))) {
    return Status::NotFound("open " + path + ": no such directory");
  }
  if (links_.count(path) > 0) {
    return Status::PermissionDenied(path + " is a symbolic link");
  }
  if (files_.count(path) == 0) Bind(path, NewFile());
  std::shared_ptr<FileData> file = files_[path];
  if (mode == WriteMode::kTruncate) {
    file->data.clear();
    file->synced = 0;
    file->mtime_ns = NextMtime();
  }
  return std::unique_ptr<WritableFile>(std::make_unique<MemWritableFile>(file));
}

StatusOr<FileInfo> MemEnv::Stat(const std::string& path) {
  auto resolved = Resolve(path);
  if (!resolved.ok()) return resolved.status();
  auto dir = dirs_.find(*resolved);
  if (dir != dirs_.end()) {
    FileInfo info;
    info.id = dir->second;
    info.kind = FileKind::kDirectory;
    info.mode = 0700;
    return info;
  }
  auto it = files_.find(*resolved);
  if (it == files_.end()) return Status::NotFound("stat " + path + ": no such file");
  return InfoOf(*it->second);
}

StatusOr<FileInfo> MemEnv::LinkStat(const std::string& path) {
  // The links on the way to the last component are followed, not it.
  auto dir = Resolve(DirName(path));
  if (!dir.ok()) return dir.status();
  std::string name = path.substr(path.rfind('/') + 1);
  std::string at = *dir == "/" ? "/" + name : *dir + "/" + name;
  auto link = links_.find(at);
  if (link == links_.end()) return Stat(at);
  FileInfo info;
  info.kind = FileKind::kSymlink;
  info.id = FileId{2, std::hash<std::string>()(at)};
  info.size = link->second.size();
  info.owner = link_owners_[at];
  info.mode = 0777;
  return info;
}

StatusOr<std::string> MemEnv::ReadLink(const std::string& path) {
  auto dir = Resolve(DirName(path));
  if (!dir.ok()) return dir.status();
  std::string name = path.substr(path.rfind('/') + 1);
  auto link = links_.find(*dir == "/" ? "/" + name : *dir + "/" + name);
  if (link == links_.end()) return Status::InvalidArgument("read link " + path + ": not a link");
  return link->second;
}

StatusOr<std::string> MemEnv::RealPath(const std::string& path) {
  auto resolved = Resolve(path);
  if (!resolved.ok()) return resolved.status();
  if (files_.count(*resolved) == 0 && !DirExists(*resolved)) {
    return Status::NotFound("resolve " + path + ": no such file");
  }
  return *resolved;
}

StatusOr<std::vector<std::string>> MemEnv::ListDir(const std::string& dir) {
  auto resolved = Resolve(dir);
  if (!resolved.ok()) return resolved.status();
  if (!DirExists(*resolved)) return Status::NotFound("list " + dir + ": no such directory");
  std::string prefix = *resolved == "/" ? "/" : *resolved + "/";
  std::set<std::string> names;
  auto add = [&](const std::string& path) {
    if (path.size() <= prefix.size() || path.compare(0, prefix.size(), prefix) != 0) return;
    std::string rest = path.substr(prefix.size());
    names.insert(rest.substr(0, rest.find('/')));
  };
  for (const auto& entry : files_) add(entry.first);
  for (const auto& entry : dirs_) add(entry.first);
  for (const auto& entry : links_) add(entry.first);
  return std::vector<std::string>(names.begin(), names.end());
}

Status MemEnv::Rename(const std::string& from, const std::string& to) {
  auto it = files_.find(from);
  if (it == files_.end()) return Status::NotFound("rename " + from + ": no such file");
  if (!DirExists(DirName(to))) return Status::NotFound("rename to " + to + ": no directory");
  std::shared_ptr<FileData> file = it->second;
  Bind(from, nullptr);
  Bind(to, std::move(file));
  return Status::Ok();
}

Status MemEnv::Remove(const std::string& path) {
  if (links_.erase(path) > 0) {
    link_owners_.erase(path);
    return Status::Ok();
  }
  if (files_.count(path) == 0) return Status::NotFound("remove " + path + ": no such file");
  Bind(path, nullptr);
  return Status::Ok();
}

Status MemEnv::RemoveIfSame(const std::string& path, const FileId& expected) {
  // As PosixEnv: links on the way to the directory are followed, a link at
  // the last component is not.
  auto dir = Resolve(DirName(path));
  if (!dir.ok()) return dir.status();
  std::string name = path.substr(path.rfind('/') + 1);
  std::string at = *dir == "/" ? "/" + name : *dir + "/" + name;
  auto info = LinkStat(at);
  if (!info.ok()) return info.status();
  if (info->id != expected || info->kind != FileKind::kRegular || info->links != 1) {
    return Status::FailedPrecondition("remove " + path + ": not the file expected");
  }
  Bind(at, nullptr);
  return Status::Ok();
}

Status MemEnv::Truncate(const std::string& path, uint64_t size) {
  auto it = files_.find(path);
  if (it == files_.end()) return Status::NotFound("truncate " + path + ": no such file");
  FileData& f = *it->second;
  if (size < f.data.size()) f.data.resize(size);
  f.synced = std::min(f.synced, f.data.size());
  f.mtime_ns = NextMtime();
  return Status::Ok();
}

Status MemEnv::CreateDirs(const std::string& dir) {
  for (size_t pos = 1; pos <= dir.size(); ++pos) {
    if (pos != dir.size() && dir[pos] != '/') continue;
    std::string prefix = dir.substr(0, pos);
    if (dirs_.count(prefix) == 0) dirs_[prefix] = FileId{1, next_dir_inode_++};
  }
  return Status::Ok();
}

Status MemEnv::SyncDir(const std::string& dir) {
  if (!DirExists(dir)) return Status::NotFound("sync " + dir + ": no such directory");
  // The names directly in `dir` become durable as they are now.
  for (auto it = durable_files_.begin(); it != durable_files_.end();) {
    it = DirName(it->first) == dir ? durable_files_.erase(it) : std::next(it);
  }
  for (const auto& [path, file] : files_) {
    if (DirName(path) == dir) durable_files_[path] = file;
  }
  return Status::Ok();
}

StatusOr<std::unique_ptr<FileLock>> MemEnv::Lock(const std::string& path) {
  if (!locks_.insert(path).second) return Status::Busy("lock " + path + ": held");
  return std::unique_ptr<FileLock>(std::make_unique<MemLock>(this, path));
}

StatusOr<bool> MemEnv::IsLocked(const std::string& path) {
  if (!Exists(path) && !DirExists(path)) return Status::NotFound("stat " + path + ": no such file");
  return locks_.count(path) > 0;
}

std::optional<std::string> MemEnv::GetVar(const std::string& name) {
  auto it = vars_.find(name);
  if (it == vars_.end()) return std::nullopt;
  return it->second;
}

void MemEnv::WriteFile(const std::string& path, const std::string& data) {
  // A test helper: a file in the way shows in the test's own checks.
  CreateDirs(DirName(path)).IgnoreError();
  auto file = NewFile();
  file->data = data;
  file->synced = data.size();
  Bind(path, file);
  durable_files_[path] = file;
}

void MemEnv::AppendToFile(const std::string& path, const std::string& data) {
  if (files_.count(path) == 0) {
    CreateDirs(DirName(path)).IgnoreError();  // as for WriteFile
    Bind(path, NewFile());
    durable_files_[path] = files_[path];
  }
  FileData& file = *files_[path];
  file.data += data;
  file.mtime_ns = NextMtime();
}

void MemEnv::CreateSymlink(const std::string& link, const std::string& target,
                           uint32_t owner) {
  CreateDirs(DirName(link)).IgnoreError();  // as for WriteFile
  links_[link] = target;
  link_owners_[link] = owner;
}

void MemEnv::SetOwner(const std::string& path, uint32_t uid) {
  auto it = files_.find(path);
  if (it != files_.end()) it->second->owner = uid;
}

std::string MemEnv::ReadFile(const std::string& path, bool* exists) const {
  auto it = files_.find(path);
  if (exists != nullptr) *exists = it != files_.end();
  return it == files_.end() ? "" : it->second->data;
}

void MemEnv::SimulateCrash(bool keep_unsynced_bytes) {
  for (auto& entry : files_) entry.second->links = 0;
  files_ = durable_files_;
  for (auto& entry : files_) ++entry.second->links;
  for (auto& entry : files_) {
    FileData& f = *entry.second;
    if (keep_unsynced_bytes) {
      f.synced = f.data.size();
    } else {
      f.data.resize(f.synced);
    }
  }
  locks_.clear();
}

}  // namespace edgelog::testing
