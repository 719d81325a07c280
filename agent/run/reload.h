// What a reload (SIGHUP) carries from one configuration to the next.
//
// Checkpoints are kept per file and collect_list entry, the entry named by
// its destination (TailEntry::key). An entry whose file_path stays while
// its log group or stream changes is the same entry, changed: its files go
// on from where they were delivered, to the new destination, rather than
// from the start.
#ifndef EDGELOG_AGENT_RUN_RELOAD_H_
#define EDGELOG_AGENT_RUN_RELOAD_H_

#include <map>
#include <string>
#include <vector>

#include "agent/base/status.h"
#include "agent/run/tail_setup.h"
#include "platform/env.h"

namespace edgelog {

// An entry as a reload tells it apart: its pattern and its key.
struct EntryName {
  std::string pattern;
  std::string key;
};

std::vector<EntryName> EntryNames(const std::vector<TailEntry>& entries);

// Old key → new key, for each file_path held by exactly one entry before
// and one after, whose key changed to one no entry had before (a key that
// existed has checkpoints of its own).
std::map<std::string, std::string> CarriedKeys(const std::vector<EntryName>& before,
                                               const std::vector<EntryName>& after);

// Rewrites STATE_DIR/checkpoints.json with `carried` applied; returns how
// many checkpoints moved. Nothing is written when none does.
StatusOr<size_t> CarryCheckpoints(Env& env, const std::string& state_dir,
                                  const std::map<std::string, std::string>& carried);

}  // namespace edgelog

#endif  // EDGELOG_AGENT_RUN_RELOAD_H_
