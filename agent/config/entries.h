// The second pass over a configuration file, once every key has been read.
#ifndef EDGELOG_AGENT_CONFIG_ENTRIES_H_
#define EDGELOG_AGENT_CONFIG_ENTRIES_H_

#include <cjson/cJSON.h>

#include "agent/config/config.h"
#include "agent/config/placeholders.h"
#include "agent/config/problems.h"

namespace edgelog {

// Checks the sources `root` names against the agent's schema, then gives each
// entry its default names and fills their placeholders from `facts`, checks
// names, classes, retentions and the endpoint. Entries with errors already
// reported are skipped: one mistake, one line.
void FinishConfig(const cJSON* root, const HostFacts& facts, Config* config,
                  ConfigProblems* problems);

}  // namespace edgelog

#endif  // EDGELOG_AGENT_CONFIG_ENTRIES_H_
