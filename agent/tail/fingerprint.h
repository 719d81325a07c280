// Fingerprint: a hash of a file's first bytes, so that a file is known by
// device + inode + content: a new file on a reused inode, or a file
// truncated and rewritten in place, does not pass for the one read before.
#ifndef EDGELOG_AGENT_TAIL_FINGERPRINT_H_
#define EDGELOG_AGENT_TAIL_FINGERPRINT_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "agent/base/status.h"
#include "platform/env.h"

namespace edgelog {

// How many leading bytes a fingerprint covers at most.
inline constexpr size_t kFingerprintBytes = 1024;

struct Fingerprint {
  uint32_t length = 0;  // bytes covered; 0: nothing known
  uint64_t hash = 0;    // FNV-1a of those bytes

  bool operator==(const Fingerprint& o) const {
    return length == o.length && hash == o.hash;
  }
  bool operator!=(const Fingerprint& o) const { return !(*this == o); }
};

// What is known of a file that was being read.
struct ReadState {
  uint64_t offset = 0;  // bytes read
  Fingerprint head;     // of its first bytes
  Fingerprint tail;     // of the bytes just before `offset`
};

// The fingerprint of `first_bytes` (all of them).
Fingerprint FingerprintOf(std::string_view first_bytes);

// The fingerprint of the first min(`length`, file size) bytes of `file`.
StatusOr<Fingerprint> ReadFingerprint(ReadableFile& file, size_t length);

}  // namespace edgelog

#endif  // EDGELOG_AGENT_TAIL_FINGERPRINT_H_
