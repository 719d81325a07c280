#include "platform/service_manager.h"

#include <sys/socket.h>
#include <sys/un.h>

#include <cerrno>
#include <cstddef>
#include <cstring>

#include "platform/posix/errno_status.h"
#include "platform/posix/unique_fd.h"

namespace edgelog {

Status NotifyServiceManager(const std::string& socket, std::string_view state) {
  if (socket.empty()) return Status::Ok();
  sockaddr_un address = {};
  address.sun_family = AF_UNIX;
  if (socket.size() >= sizeof(address.sun_path) || (socket[0] != '/' && socket[0] != '@')) {
    return Status::InvalidArgument("NOTIFY_SOCKET is not a socket path: " + socket);
  }
  std::memcpy(address.sun_path, socket.data(), socket.size());
  if (socket[0] == '@') address.sun_path[0] = '\0';  // abstract
  socklen_t length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + socket.size());
  UniqueFd fd(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return ErrnoStatus(errno, "socket", socket);
  ssize_t sent;
  do {
    sent = ::sendto(fd.get(), state.data(), state.size(), MSG_NOSIGNAL,
                    reinterpret_cast<const sockaddr*>(&address), length);
  } while (sent < 0 && errno == EINTR);
  if (sent < 0) return ErrnoStatus(errno, "sendto", socket);
  return Status::Ok();
}

}  // namespace edgelog
