// Whole-file helpers over Env.
#ifndef EDGELOG_AGENT_IO_FILE_UTIL_H_
#define EDGELOG_AGENT_IO_FILE_UTIL_H_

#include <string>
#include <string_view>

#include "agent/base/status.h"
#include "platform/env.h"

namespace edgelog {

// The contents of `path`; kInvalidArgument when it is larger than `max_bytes`.
StatusOr<std::string> ReadWholeFile(Env& env, const std::string& path,
                                    size_t max_bytes);

// Replaces `path` with `data` so that a crash at any moment leaves either the
// old or the new contents: write PATH.tmp, fsync it, rename it over PATH,
// fsync the directory. On failure PATH still holds the old or the new
// contents, never a mix: the old ones if the rename was not reached (the
// temporary file is removed then), the new ones if only the final directory
// fsync failed (so the rename may not survive a crash).
Status WriteFileAtomically(Env& env, const std::string& path,
                           std::string_view data);

// The directory part of `path` ("." when there is none).
std::string DirName(const std::string& path);
// `dir` + "/" + `name`.
std::string JoinPath(const std::string& dir, const std::string& name);

}  // namespace edgelog

#endif  // EDGELOG_AGENT_IO_FILE_UTIL_H_
