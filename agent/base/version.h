// edgelog's version, from platform/version.sh at build time: "1.2.0",
// "1.2.0-3-gabc1234", "0.0.0+abc1234.dirty" or "0.0.0".
#ifndef EDGELOG_AGENT_BASE_VERSION_H_
#define EDGELOG_AGENT_BASE_VERSION_H_

namespace edgelog {

// Defined in a file the Makefile generates (build/gen/version.cc).
extern const char* const kVersion;

}  // namespace edgelog

#endif  // EDGELOG_AGENT_BASE_VERSION_H_
