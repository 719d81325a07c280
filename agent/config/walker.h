// The first pass over a configuration file: its JSON, key by key.
#ifndef EDGELOG_AGENT_CONFIG_WALKER_H_
#define EDGELOG_AGENT_CONFIG_WALKER_H_

#include <cjson/cJSON.h>

#include <string_view>

#include "agent/config/config.h"
#include "agent/config/placeholders.h"
#include "agent/config/problems.h"

namespace edgelog {

inline constexpr std::string_view kCollectList = "logs.logs_collected.files.collect_list";
inline constexpr std::string_view kJournalList = "logs.logs_collected.journald.collect_list";

// Expands ${VAR} in every string of `root` (a member only an unset variable
// filled is removed), then checks each key against the option table and
// stores its value in `config`: entries keep the file's order and indexes,
// even those with errors. Problems go to `problems`.
void WalkConfig(cJSON* root, const HostFacts& facts, Config* config,
                ConfigProblems* problems);

}  // namespace edgelog

#endif  // EDGELOG_AGENT_CONFIG_WALKER_H_
