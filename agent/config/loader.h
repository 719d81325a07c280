// Reads the configuration file and checks it against the option table.
#ifndef EDGELOG_AGENT_CONFIG_LOADER_H_
#define EDGELOG_AGENT_CONFIG_LOADER_H_

#include <string>
#include <string_view>

#include "agent/base/status.h"
#include "agent/config/config.h"
#include "agent/config/placeholders.h"
#include "platform/env.h"

namespace edgelog {

// The largest configuration file edgelog reads.
inline constexpr size_t kMaxConfigBytes = 4 << 20;

// Parses `json` (read from `source_path`, used in messages). On failure,
// kInvalidArgument whose message has one line per problem, each
// "SOURCE: key.path: reason" (or "SOURCE: line L, column C: reason" for JSON
// syntax). Warnings (ignored sections, options not applied yet) go to
// Config::warnings.
StatusOr<Config> ParseConfig(std::string_view json, const std::string& source_path,
                             const HostFacts& facts);

// Reads `path` through `env` and parses it.
StatusOr<Config> LoadConfig(Env& env, const std::string& path,
                            const HostFacts& facts);

}  // namespace edgelog

#endif  // EDGELOG_AGENT_CONFIG_LOADER_H_
