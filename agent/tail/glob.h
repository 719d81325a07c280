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

// '**' descends at most this many directories below where it starts.
inline constexpr int kMaxGlobDepth = 32;
// One expansion lists at most this many directories. Expansion runs on the
// agent's only event loop, so it must come back in bounded time whatever
// the tree looks like.
inline constexpr int kMaxGlobDirectoriesListed = 10'000;

struct GlobLimits {
  int max_depth = kMaxGlobDepth;
  int max_directories_listed = kMaxGlobDirectoriesListed;
};

struct GlobExpansion {
  std::vector<std::string> paths;  // sorted, each once
  // A limit stopped the walk: `paths` holds what was found before, and
  // files further in may match too.
  bool truncated = false;
};

// Every regular file matching absolute `pattern`, sorted by path. Directories
// that cannot be listed are skipped (a missing directory is not an error:
// the files may appear later). A pattern without glob characters yields the
// file itself when it exists.
//
// Symbolic links are followed (a link to a file matches as a file), but each
// directory, known by device and inode, is entered at most once per pattern
// component, so link loops end and a directory reached by two paths yields
// its files once, under the path met first in the walk (depth first, names
// sorted, a directory's own name before links). An ancestor is always met
// first by its own path, not through a link back to it; of two paths side
// by side (a directory and a link to it) the directory's own is kept. '**' does not enter hidden
// directories. The walk stops descending at `limits` and says so.
GlobExpansion ExpandGlob(Env& env, const std::string& pattern,
                         const GlobLimits& limits = {});

// The directory absolute `pattern` names before its first glob character:
// "/var/log/app" for "/var/log/app/*.log" and for "/var/log/app/x.log",
// "/var" for "/var/*/x.log", "/" for "/*.log"; "//" and "/./" are read as
// "/".
std::string FixedDirOf(const std::string& pattern);

}  // namespace edgelog

#endif  // EDGELOG_AGENT_TAIL_GLOB_H_
