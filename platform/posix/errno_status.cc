#include "platform/posix/errno_status.h"

#include <cerrno>
#include <cstring>

namespace edgelog {

Status ErrnoStatus(int err, const std::string& what, const std::string& subject) {
  std::string message = what + " " + subject + ": " + std::strerror(err);
  switch (err) {
    case ENOENT:
    case ENOTDIR:
      return Status::NotFound(std::move(message));
    case EACCES:
    case EPERM:
    case EROFS:
      return Status::PermissionDenied(std::move(message));
    case ENOSPC:
    case EDQUOT:
      return Status::NoSpace(std::move(message));
    case EEXIST:
      return Status::AlreadyExists(std::move(message));
    case EWOULDBLOCK:
      return Status::Busy(std::move(message));
    case EMFILE:
    case ENFILE:
      return Status::Unavailable(std::move(message) + " (open files)");
    case EINVAL:
    case ENAMETOOLONG:
      return Status::InvalidArgument(std::move(message));
    default:
      return Status::IoError(std::move(message));
  }
}

}  // namespace edgelog
