// Checkpoints: for each file, how far it has been delivered.
//
// Stored as JSON in STATE_DIR/checkpoints.json and replaced atomically
// (temporary file, fsync, rename, fsync of the directory), so a crash
// leaves the previous or the new set, never a mix.
#ifndef EDGELOG_AGENT_TAIL_CHECKPOINT_STORE_H_
#define EDGELOG_AGENT_TAIL_CHECKPOINT_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "agent/base/status.h"
#include "agent/tail/fingerprint.h"
#include "platform/env.h"

namespace edgelog {

struct Checkpoint {
  FileId id;
  std::string path;     // where the file was last seen (informational)
  uint64_t offset = 0;  // every byte before this was delivered
  Fingerprint head;     // of the file's first bytes; length 0: unknown
  Fingerprint before;   // of the bytes just before `offset`; length 0: unknown
  // The collect_list entry the file is read for (TailEntry::key); "" in
  // files saved before a file could be read for two entries.
  std::string entry;
};

// A collect_list entry as the checkpoints name it: its file_path and its
// key (TailEntry::key). Saved beside the checkpoints, so that the next run
// can tell an entry whose destination changed (same file_path, new key)
// from a new one.
struct CheckpointedEntry {
  std::string pattern;
  std::string key;
  bool operator==(const CheckpointedEntry& o) const { return pattern == o.pattern && key == o.key; }
};

// The checkpoints in `path`; empty when the file does not exist.
// kCorruption when it exists but cannot be read as checkpoints. With
// `entries`, also the entries of the run that saved them (nothing in files
// saved before they were kept).
StatusOr<std::vector<Checkpoint>> LoadCheckpoints(
    Env& env, const std::string& path,
    std::optional<std::vector<CheckpointedEntry>>* entries = nullptr);

// Replaces `path` with `checkpoints` and the `entries` of the run.
Status SaveCheckpoints(Env& env, const std::string& path,
                       const std::vector<Checkpoint>& checkpoints,
                       const std::vector<CheckpointedEntry>& entries = {});

// The JSON text of `checkpoints` (what SaveCheckpoints writes).
std::string CheckpointsToJson(const std::vector<Checkpoint>& checkpoints,
                              const std::vector<CheckpointedEntry>& entries = {});

}  // namespace edgelog

#endif  // EDGELOG_AGENT_TAIL_CHECKPOINT_STORE_H_
