// File-name patterns for `file_path`: '*', '?', '[...]' within one path
// component, and '**' for any number of directories.
#ifndef EDGELOG_AGENT_TAIL_GLOB_H_
#define EDGELOG_AGENT_TAIL_GLOB_H_

#include <string>
#include <string_view>
#include <vector>

#include "agent/text/glob_match.h"
#include "platform/env.h"

namespace edgelog {

// Every regular file matching absolute `pattern`, sorted by path. Directories
// that cannot be listed are skipped (a missing directory is not an error:
// the files may appear later). A pattern without glob characters yields the
// file itself when it exists.
std::vector<std::string> ExpandGlob(Env& env, const std::string& pattern);

}  // namespace edgelog

#endif  // EDGELOG_AGENT_TAIL_GLOB_H_
