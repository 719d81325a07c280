// The POSIX Env: the only code in edgelog that makes file-system calls.
#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>

#include <cerrno>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "platform/env.h"
#include "platform/posix/errno_status.h"
#include "platform/posix/unique_fd.h"

namespace edgelog {
namespace {

FileInfo ToFileInfo(const struct stat& st) {
  FileInfo info;
  info.id.device = static_cast<uint64_t>(st.st_dev);
  info.id.inode = static_cast<uint64_t>(st.st_ino);
  info.size = static_cast<uint64_t>(st.st_size);
  info.mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 +
                  st.st_mtim.tv_nsec;
  info.links = static_cast<uint64_t>(st.st_nlink);
  info.owner = static_cast<uint32_t>(st.st_uid);
  info.mode = static_cast<uint32_t>(st.st_mode & 07777);
  if (S_ISREG(st.st_mode)) {
    info.kind = FileKind::kRegular;
  } else if (S_ISDIR(st.st_mode)) {
    info.kind = FileKind::kDirectory;
  } else if (S_ISLNK(st.st_mode)) {
    info.kind = FileKind::kSymlink;
  } else {
    info.kind = FileKind::kOther;
  }
  return info;
}

// "is a FIFO", "is a directory", ...: what a non-regular file is.
std::string KindOf(mode_t mode) {
  if (S_ISDIR(mode)) return "is a directory";
  if (S_ISFIFO(mode)) return "is a FIFO";
  if (S_ISCHR(mode)) return "is a character device";
  if (S_ISBLK(mode)) return "is a block device";
  if (S_ISSOCK(mode)) return "is a socket";
  return "is a special file";
}

class PosixReadableFile final : public ReadableFile {
 public:
  PosixReadableFile(std::string path, UniqueFd fd)
      : path_(std::move(path)), fd_(std::move(fd)) {}

  StatusOr<size_t> ReadAt(uint64_t offset, char* buf, size_t n) override {
    size_t done = 0;
    while (done < n) {
      ssize_t r = ::pread(fd_.get(), buf + done, n - done,
                          static_cast<off_t>(offset + done));
      if (r < 0) {
        if (errno == EINTR) continue;
        return ErrnoStatus(errno, "read", path_);
      }
      if (r == 0) break;
      done += static_cast<size_t>(r);
    }
    return done;
  }

  StatusOr<FileInfo> Stat() override {
    struct stat st;
    if (::fstat(fd_.get(), &st) != 0) return ErrnoStatus(errno, "stat", path_);
    return ToFileInfo(st);
  }

  StatusOr<std::string> Where() override {
    std::string link = "/proc/self/fd/" + std::to_string(fd_.get());
    char buf[4096];
    ssize_t n = ::readlink(link.c_str(), buf, sizeof(buf));
    if (n <= 0 || static_cast<size_t>(n) >= sizeof(buf)) {
      return Status::NotFound("where " + path_ + " is: not known (" + link + ")");
    }
    return std::string(buf, static_cast<size_t>(n));
  }

 private:
  std::string path_;
  UniqueFd fd_;
};

class PosixWritableFile final : public WritableFile {
 public:
  PosixWritableFile(std::string path, UniqueFd fd)
      : path_(std::move(path)), fd_(std::move(fd)) {}

  Status Append(std::string_view data) override {
    while (!data.empty()) {
      ssize_t w = ::write(fd_.get(), data.data(), data.size());
      if (w < 0) {
        if (errno == EINTR) continue;
        return ErrnoStatus(errno, "write", path_);
      }
      data.remove_prefix(static_cast<size_t>(w));
    }
    return Status::Ok();
  }

  Status Sync() override {
    if (::fdatasync(fd_.get()) != 0) return ErrnoStatus(errno, "fsync", path_);
    return Status::Ok();
  }

  Status Close() override {
    if (fd_.valid() && fd_.Reset() != 0) return ErrnoStatus(errno, "close", path_);
    return Status::Ok();
  }

 private:
  std::string path_;
  UniqueFd fd_;
};

// Opens the agent's own file `path` with `flags` (O_NOFOLLOW and O_CLOEXEC
// added): a symbolic link there is refused (ELOOP), and so is anything but
// a regular file of the agent's own user with no other name (a FIFO
// planted there is not waited on: O_NONBLOCK; a hard link to another file
// is not written through, O_TRUNC waiting until it is known not to be
// one). A file open to others is made 0600.
StatusOr<UniqueFd> OpenOwnFile(const std::string& path, int flags, const char* what) {
  const bool truncate = (flags & O_TRUNC) != 0;
  UniqueFd fd(::open(path.c_str(), (flags & ~O_TRUNC) | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK,
                     0600));
  if (!fd.valid()) {
    if (errno == ELOOP) {
      return Status::PermissionDenied(path + " is a symbolic link; edgelog writes its state "
                                      "only to files of its own (remove the link)");
    }
    return ErrnoStatus(errno, what, path);
  }
  struct stat st;
  if (::fstat(fd.get(), &st) != 0) return ErrnoStatus(errno, "stat", path);
  if (!S_ISREG(st.st_mode)) {
    return Status::PermissionDenied(path + " is not a regular file; edgelog writes its state "
                                    "only to files of its own (remove it)");
  }
  if (st.st_uid != ::geteuid()) {
    return Status::PermissionDenied(path + " belongs to user " + std::to_string(st.st_uid) +
                                    ", not to edgelog's; edgelog writes its state only to "
                                    "files of its own (remove it)");
  }
  if (st.st_nlink > 1) {
    return Status::PermissionDenied(path + " has other names (hard links); edgelog writes its "
                                    "state only to files of its own (remove it)");
  }
  if ((st.st_mode & 077) != 0 && ::fchmod(fd.get(), 0600) != 0) {
    return ErrnoStatus(errno, "chmod", path);
  }
  if (truncate && ::ftruncate(fd.get(), 0) != 0) return ErrnoStatus(errno, "truncate", path);
  // Back to blocking writes (O_NONBLOCK only kept the open from waiting).
  int status_flags = ::fcntl(fd.get(), F_GETFL);
  if (status_flags < 0 || ::fcntl(fd.get(), F_SETFL, status_flags & ~O_NONBLOCK) != 0) {
    return ErrnoStatus(errno, "fcntl", path);
  }
  return fd;
}

bool SameFile(const struct stat& a, const struct stat& b) {
  return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

// Whether /proc/locks (`table`) lists a flock held on inode `inode`.
// Lines read "1: FLOCK  ADVISORY  WRITE 6309 fe:00:10969187 0 EOF"; a
// process waiting for the lock is listed as "1: -> FLOCK ..." and does not
// count.
bool FlockHeldOn(const std::string& table, uint64_t inode) {
  size_t start = 0;
  while (start < table.size()) {
    size_t end = table.find('\n', start);
    if (end == std::string::npos) end = table.size();
    std::vector<std::string> words;
    for (size_t i = start; i < end;) {
      while (i < end && table[i] == ' ') ++i;
      size_t j = i;
      while (j < end && table[j] != ' ') ++j;
      if (j > i) words.push_back(table.substr(i, j - i));
      i = j;
    }
    start = end + 1;
    // number, FLOCK, ADVISORY, WRITE, pid, major:minor:inode, ...
    if (words.size() < 6 || words[1] != "FLOCK") continue;
    const std::string& where = words[5];
    size_t colon = where.rfind(':');
    if (colon == std::string::npos) continue;
    char* tail = nullptr;
    unsigned long long n = std::strtoull(where.c_str() + colon + 1, &tail, 10);
    if (tail != nullptr && *tail == '\0' && n == inode) return true;
  }
  return false;
}

class PosixFileLock final : public FileLock {
 public:
  explicit PosixFileLock(UniqueFd fd) : fd_(std::move(fd)) {}

 private:
  UniqueFd fd_;  // closing the descriptor releases the flock
};

class PosixEnv final : public Env {
 public:
  StatusOr<std::unique_ptr<ReadableFile>> OpenReadable(
      const std::string& path) override {
    // O_NONBLOCK: opening a FIFO without a writer returns at once instead
    // of waiting for one, so it can be refused like any other non-file.
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
    if (!fd.valid()) return ErrnoStatus(errno, "open", path);
    struct stat st;
    if (::fstat(fd.get(), &st) != 0) return ErrnoStatus(errno, "stat", path);
    if (!S_ISREG(st.st_mode)) {
      return Status::InvalidArgument("open " + path + ": " + KindOf(st.st_mode) +
                                     ", not a regular file");
    }
    int flags = ::fcntl(fd.get(), F_GETFL);
    if (flags < 0 || ::fcntl(fd.get(), F_SETFL, flags & ~O_NONBLOCK) != 0) {
      return ErrnoStatus(errno, "fcntl", path);
    }
    return std::unique_ptr<ReadableFile>(
        std::make_unique<PosixReadableFile>(path, std::move(fd)));
  }

  StatusOr<std::unique_ptr<WritableFile>> OpenWritable(
      const std::string& path, WriteMode mode) override {
    int flags = O_WRONLY | O_CREAT;
    flags |= mode == WriteMode::kAppend ? O_APPEND : O_TRUNC;
    auto fd = OpenOwnFile(path, flags, "open");
    if (!fd.ok()) return fd.status();
    return std::unique_ptr<WritableFile>(
        std::make_unique<PosixWritableFile>(path, std::move(*fd)));
  }

  StatusOr<FileInfo> Stat(const std::string& path) override {
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) return ErrnoStatus(errno, "stat", path);
    return ToFileInfo(st);
  }

  StatusOr<FileInfo> LinkStat(const std::string& path) override {
    struct stat st;
    if (::lstat(path.c_str(), &st) != 0) return ErrnoStatus(errno, "stat", path);
    return ToFileInfo(st);
  }

  StatusOr<std::string> RealPath(const std::string& path) override {
    std::unique_ptr<char, void (*)(void*)> real(::realpath(path.c_str(), nullptr), std::free);
    if (!real) return ErrnoStatus(errno, "resolve", path);
    return std::string(real.get());
  }

  StatusOr<std::string> ReadLink(const std::string& path) override {
    char buf[4096];
    ssize_t n = ::readlink(path.c_str(), buf, sizeof(buf));
    if (n < 0) return ErrnoStatus(errno, "read link", path);
    if (static_cast<size_t>(n) >= sizeof(buf)) return Status::IoError(path + ": link too long");
    return std::string(buf, static_cast<size_t>(n));
  }

  StatusOr<std::vector<std::string>> ListDir(const std::string& dir) override {
    std::unique_ptr<DIR, int (*)(DIR*)> d(::opendir(dir.c_str()), ::closedir);
    if (!d) return ErrnoStatus(errno, "list", dir);
    std::vector<std::string> names;
    errno = 0;
    while (struct dirent* e = ::readdir(d.get())) {
      std::string name = e->d_name;
      if (name != "." && name != "..") names.push_back(std::move(name));
    }
    if (errno != 0) return ErrnoStatus(errno, "list", dir);
    return names;
  }

  Status Rename(const std::string& from, const std::string& to) override {
    if (::rename(from.c_str(), to.c_str()) != 0) {
      return ErrnoStatus(errno, "rename", from + " to " + to);
    }
    return Status::Ok();
  }

  Status Remove(const std::string& path) override {
    if (::unlink(path.c_str()) != 0) return ErrnoStatus(errno, "remove", path);
    return Status::Ok();
  }

  Status RemoveIfSame(const std::string& path, const FileId& expected) override {
    size_t slash = path.rfind('/');
    std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
    std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
    // The directory is held open from the check to the unlink, so both
    // act on the same directory whatever its path names meanwhile.
    UniqueFd dir_fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!dir_fd.valid()) return ErrnoStatus(errno, "open", dir);
    struct stat st;
    if (::fstatat(dir_fd.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
      return ErrnoStatus(errno, "stat", path);
    }
    FileInfo info = ToFileInfo(st);
    if (info.id != expected || info.kind != FileKind::kRegular || info.links != 1) {
      return Status::FailedPrecondition(
          "remove " + path + ": not the file expected (replaced, a link, or linked elsewhere)");
    }
    if (::unlinkat(dir_fd.get(), name.c_str(), 0) != 0) return ErrnoStatus(errno, "remove", path);
    return Status::Ok();
  }

  Status Truncate(const std::string& path, uint64_t size) override {
    auto fd = OpenOwnFile(path, O_WRONLY, "open");
    if (!fd.ok()) return fd.status();
    if (::ftruncate(fd->get(), static_cast<off_t>(size)) != 0) {
      return ErrnoStatus(errno, "truncate", path);
    }
    return Status::Ok();
  }

  Status CreateDirs(const std::string& dir) override {
    if (dir.empty()) return Status::Ok();
    for (size_t pos = 1; pos <= dir.size(); ++pos) {
      if (pos != dir.size() && dir[pos] != '/') continue;
      std::string prefix = dir.substr(0, pos);
      if (::mkdir(prefix.c_str(), 0700) != 0 && errno != EEXIST) {
        return ErrnoStatus(errno, "create directory", prefix);
      }
    }
    struct stat st;
    if (::stat(dir.c_str(), &st) != 0) return ErrnoStatus(errno, "stat", dir);
    if (!S_ISDIR(st.st_mode)) {
      return Status::InvalidArgument(dir + " exists and is not a directory");
    }
    return Status::Ok();
  }

  Status SyncDir(const std::string& dir) override {
    UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!fd.valid()) return ErrnoStatus(errno, "open", dir);
    if (::fsync(fd.get()) != 0) return ErrnoStatus(errno, "fsync", dir);
    return Status::Ok();
  }

  StatusOr<std::unique_ptr<FileLock>> Lock(const std::string& path) override {
    // A path replaced between the open and the lock is opened again; more
    // than a few times in a row is someone playing with it.
    for (int attempt = 0; attempt < 3; ++attempt) {
      struct stat before;
      bool dir = ::lstat(path.c_str(), &before) == 0 && S_ISDIR(before.st_mode);
      StatusOr<UniqueFd> fd =
          dir ? StatusOr<UniqueFd>(UniqueFd(::open(
                    path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)))
              : OpenOwnFile(path, O_RDWR | O_CREAT, "open");
      if (!fd.ok()) return fd.status();
      if (!fd->valid()) return ErrnoStatus(errno, "open", path);
      if (::flock(fd->get(), LOCK_EX | LOCK_NB) != 0) return ErrnoStatus(errno, "lock", path);
      struct stat held;
      struct stat named;
      if (::fstat(fd->get(), &held) != 0) return ErrnoStatus(errno, "stat", path);
      if (::lstat(path.c_str(), &named) == 0 && SameFile(held, named)) {
        return std::unique_ptr<FileLock>(std::make_unique<PosixFileLock>(std::move(*fd)));
      }
    }
    return Status::Busy(path + " keeps being replaced while it is locked");
  }

  StatusOr<bool> IsLocked(const std::string& path) override {
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) return ErrnoStatus(errno, "stat", path);
    // Reading the kernel's table of locks takes none: a lock taken here,
    // even for an instant, could make the holder's own attempt fail.
    UniqueFd fd(::open("/proc/locks", O_RDONLY | O_CLOEXEC));
    if (!fd.valid()) {
      return Status::Unavailable("cannot tell whether " + path + " is locked: " +
                                 ErrnoStatus(errno, "open", "/proc/locks").message());
    }
    std::string table;
    char buf[65536];
    while (true) {
      ssize_t n = ::read(fd.get(), buf, sizeof(buf));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        return Status::Unavailable("cannot tell whether " + path + " is locked: " +
                                   ErrnoStatus(errno, "read", "/proc/locks").message());
      }
      if (n == 0) break;
      table.append(buf, static_cast<size_t>(n));
    }
    return FlockHeldOn(table, static_cast<uint64_t>(st.st_ino));
  }

  std::optional<std::string> GetVar(const std::string& name) override {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  }

  uint32_t UserId() override { return static_cast<uint32_t>(::geteuid()); }

  std::string HostName() override {
    char buf[256] = {};
    if (::gethostname(buf, sizeof(buf) - 1) != 0) return "localhost";
    return buf;
  }
};

}  // namespace

std::unique_ptr<Env> NewPosixEnv() { return std::make_unique<PosixEnv>(); }

std::string PrimaryIpv4Address() {
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return "";
  std::string out;
  for (ifaddrs* i = list; i != nullptr && out.empty(); i = i->ifa_next) {
    if (i->ifa_addr == nullptr || i->ifa_addr->sa_family != AF_INET) continue;
    if ((i->ifa_flags & IFF_UP) == 0 || (i->ifa_flags & IFF_LOOPBACK) != 0) continue;
    char text[INET_ADDRSTRLEN];
    const auto* in = reinterpret_cast<const sockaddr_in*>(i->ifa_addr);
    if (inet_ntop(AF_INET, &in->sin_addr, text, sizeof(text)) != nullptr) out = text;
  }
  freeifaddrs(list);
  return out;
}

std::string ExecutableDir(const std::string& argv0) {
  char buf[4096];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
  std::string path = n > 0 ? std::string(buf, static_cast<size_t>(n)) : argv0;
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return "";
  return slash == 0 ? "/" : path.substr(0, slash);
}

}  // namespace edgelog
