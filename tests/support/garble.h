// Power loss in three flavours over a MemEnv, for crash sweeps: the bytes a
// file had not synced are lost, kept, or kept as junk (a disk that wrote
// the blocks' metadata but not their data, or half a sector).
#ifndef EDGELOG_TESTS_SUPPORT_GARBLE_H_
#define EDGELOG_TESTS_SUPPORT_GARBLE_H_

#include <cstdint>

#include "tests/support/mem_env.h"

namespace edgelog::testing {

enum class CrashMode {
  kDropUnsynced,    // only synced bytes survive
  kKeepUnsynced,    // the OS flushed everything anyway
  kGarbleUnsynced,  // the file keeps its length, but unsynced bytes are junk
};

const char* CrashModeName(CrashMode mode);

// Power loss: as MemEnv::SimulateCrash, names revert to the last SyncDir of
// their directory. With kGarbleUnsynced, every file whose surviving name
// still names the same contents gets its unsynced bytes replaced by junk
// drawn from `seed` (deterministic). Open files must be closed (destroyed)
// first: writes through them after this are undefined.
void CrashWith(MemEnv& env, CrashMode mode, uint64_t seed = 1);

}  // namespace edgelog::testing

#endif  // EDGELOG_TESTS_SUPPORT_GARBLE_H_
