// The one place where errno becomes a Status.
#ifndef EDGELOG_PLATFORM_POSIX_ERRNO_STATUS_H_
#define EDGELOG_PLATFORM_POSIX_ERRNO_STATUS_H_

#include <string>

#include "agent/base/status.h"

namespace edgelog {

// Maps `err` (an errno value) to a Status whose message reads
// "<what> <subject>: <strerror>", e.g. "open /var/log/x: No such file".
Status ErrnoStatus(int err, const std::string& what, const std::string& subject);

}  // namespace edgelog

#endif  // EDGELOG_PLATFORM_POSIX_ERRNO_STATUS_H_
