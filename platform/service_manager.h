// Telling systemd how the service is doing (Type=notify): "READY=1" once
// the agent runs (systemctl start returns then, and a reload is sent only
// after it), "STOPPING=1" when it stops. Written by hand: one datagram to the socket systemd names in
// $NOTIFY_SOCKET (no libsystemd).
#ifndef EDGELOG_PLATFORM_SERVICE_MANAGER_H_
#define EDGELOG_PLATFORM_SERVICE_MANAGER_H_

#include <string>
#include <string_view>

#include "agent/base/status.h"

namespace edgelog {

// Sends `state` to `socket` (a path, or "@name" for an abstract socket);
// nothing, and Ok, when `socket` is empty (not under systemd).
Status NotifyServiceManager(const std::string& socket, std::string_view state);

}  // namespace edgelog

#endif  // EDGELOG_PLATFORM_SERVICE_MANAGER_H_
