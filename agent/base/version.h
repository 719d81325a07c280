// edgelog's version, from `git describe` at build time.
#ifndef EDGELOG_AGENT_BASE_VERSION_H_
#define EDGELOG_AGENT_BASE_VERSION_H_

namespace edgelog {

// Defined in a file the Makefile generates (build/gen/version.cc).
extern const char* const kVersion;

}  // namespace edgelog

#endif  // EDGELOG_AGENT_BASE_VERSION_H_
