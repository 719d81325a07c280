// Process limits the agent adapts to.
#ifndef EDGELOG_PLATFORM_LIMITS_H_
#define EDGELOG_PLATFORM_LIMITS_H_

#include <cstdint>

namespace edgelog {

// The limit on open descriptors (RLIMIT_NOFILE), after raising the soft
// limit to the hard one: shells, systemd services and container runtimes
// often start processes at a soft limit of 1024 under a far higher hard
// one. Returns the soft limit now in force; 0 when it cannot be read, or is
// unlimited.
uint64_t RaiseOpenFileLimit();

}  // namespace edgelog

#endif  // EDGELOG_PLATFORM_LIMITS_H_
