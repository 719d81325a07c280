// What a changed configuration carries over from the one before, whether
// it comes by SIGHUP or by a restart.
//
// Checkpoints are kept per file and collect_list entry, the entry named by
// its destination (TailEntry::key), and saved with the entries of the run
// that saved them (CheckpointedEntry). An entry whose file_path stays while its
// log group or stream changes is the same entry, changed: its files go on
// from where they were delivered, to the new destination, rather than from
// the start (which would send them again).
#ifndef EDGELOG_AGENT_RUN_RELOAD_H_
#define EDGELOG_AGENT_RUN_RELOAD_H_

#include <map>
#include <string>
#include <vector>

#include "agent/run/tail_setup.h"
#include "agent/tail/checkpoint_store.h"

namespace edgelog {

std::vector<CheckpointedEntry> EntryNames(const std::vector<TailEntry>& entries);

// Old key → new key. For each file_path, the keys it had before and has
// now, less those it kept, are paired in config order: each pair is an
// entry whose destination changed. Not carried: a key several entries
// shared before (its checkpoints are not one entry's), and a second old key
// into a new key one already goes to. Swaps are fine (a → b and b → a).
std::map<std::string, std::string> CarriedKeys(const std::vector<CheckpointedEntry>& before,
                                               const std::vector<CheckpointedEntry>& after);

// Renames the entry of each checkpoint `carried` names, all at once (so
// that a swap swaps); a checkpoint whose file already has one under the new
// key keeps its old key. Returns how many were renamed.
size_t CarryCheckpoints(const std::map<std::string, std::string>& carried,
                        std::vector<Checkpoint>* checkpoints);

}  // namespace edgelog

#endif  // EDGELOG_AGENT_RUN_RELOAD_H_
