#include "agent/io/state_dir.h"

#include "agent/io/file_util.h"

namespace edgelog {
namespace {

std::string Octal(uint32_t mode) {
  std::string out;
  for (int shift = 9; shift >= 0; shift -= 3) out += static_cast<char>('0' + ((mode >> shift) & 7));
  return out;
}

// Whoever can rename entries of a directory above the state directory can
// put another in its place: each must be root's or edgelog's user's, and
// writable by no one else unless sticky (as /tmp is: then only its owner
// renames an entry).
Status CheckParents(Env& env, const std::string& dir, uint32_t me) {
  for (std::string p = DirName(dir); ; p = DirName(p)) {
    auto info = env.Stat(p);
    if (!info.ok()) return info.status();
    if (info->owner != 0 && info->owner != me) {
      return Status::PermissionDenied(
          "the state directory " + dir + " is inside " + p + ", which belongs to user " +
          std::to_string(info->owner) + ", who could put another directory in its place: "
          "use one inside directories of root's (such as /var/lib)");
    }
    if ((info->mode & 022) != 0 && (info->mode & 01000) == 0) {
      return Status::PermissionDenied(
          "the state directory " + dir + " is inside " + p + ", which others can write to "
          "(mode " + Octal(info->mode) + ") and so put another directory in its place: "
          "use one inside directories only root can write to (such as /var/lib)");
    }
    if (p == "/" || p == ".") return Status::Ok();
  }
}

// The checks of an existing state directory, shared by PrepareStateDir
// and CheckStateDir so that a run and doctor never disagree.
Status CheckExistingStateDir(Env& env, const std::string& dir) {
  const uint32_t me = env.UserId();
  auto link = env.LinkStat(dir);
  if (!link.ok()) return link.status();
  if (link->kind == FileKind::kSymlink && link->owner != 0 && link->owner != me) {
    return Status::PermissionDenied(
        "the state directory " + dir + " is a symbolic link made by user " +
        std::to_string(link->owner) + ", who could point it anywhere: replace it with a "
        "directory of its own, or a link made by root");
  }
  auto info = env.Stat(dir);
  if (!info.ok()) return info.status();
  if (info->kind != FileKind::kDirectory) {
    return Status::PermissionDenied("the state directory " + dir + " is not a directory");
  }
  if (info->owner != me) {
    return Status::PermissionDenied(
        "the state directory " + dir + " belongs to user " + std::to_string(info->owner) +
        ", not to user " + std::to_string(me) + " that edgelog runs as: chown " +
        std::to_string(me) + " " + dir + " (or give edgelog a directory of its own)");
  }
  if ((info->mode & 022) != 0) {
    return Status::PermissionDenied(
        "the state directory " + dir + " can be written by " +
        ((info->mode & 002) != 0 ? "every user" : "its group") + " (mode " +
        Octal(info->mode) + "), who could make edgelog skip, resend or overwrite "
        "files: chmod 0700 " + dir);
  }
  return Status::Ok();
}

}  // namespace

StatusOr<std::string> PrepareStateDir(Env& env, const std::string& dir) {
  EDGELOG_RETURN_IF_ERROR(env.CreateDirs(dir));
  EDGELOG_RETURN_IF_ERROR(CheckExistingStateDir(env, dir));
  auto real = env.RealPath(dir);
  if (!real.ok()) return real.status();
  EDGELOG_RETURN_IF_ERROR(CheckParents(env, *real, env.UserId()));
  return real;
}

StatusOr<StateDirCheck> CheckStateDir(Env& env, const std::string& dir) {
  auto link = env.LinkStat(dir);
  if (!link.ok() && link.status().code() == Code::kNotFound) return StateDirCheck::kWillBeCreated;
  if (!link.ok()) return link.status();
  EDGELOG_RETURN_IF_ERROR(CheckExistingStateDir(env, dir));
  auto real = env.RealPath(dir);
  if (!real.ok()) return real.status();
  EDGELOG_RETURN_IF_ERROR(CheckParents(env, *real, env.UserId()));
  return StateDirCheck::kReady;
}

StatusOr<StateLock> LockStateDir(Env& env, const std::string& real_dir) {
  StateLock lock;
  auto dir = env.Lock(real_dir);
  if (!dir.ok()) return dir.status();
  lock.dir = std::move(*dir);
  auto file = env.Lock(JoinPath(real_dir, "lock"));
  if (!file.ok()) return file.status();
  lock.file = std::move(*file);
  return lock;
}

}  // namespace edgelog
