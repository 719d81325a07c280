#include "agent/tail/fingerprint.h"

#include <algorithm>

namespace edgelog {

Fingerprint FingerprintOf(std::string_view first_bytes) {
  uint64_t hash = 0xcbf29ce484222325ull;  // FNV-1a, 64 bits
  for (unsigned char c : first_bytes) {
    hash ^= c;
    hash *= 0x100000001b3ull;
  }
  return Fingerprint{static_cast<uint32_t>(first_bytes.size()), hash};
}

StatusOr<Fingerprint> ReadFingerprint(ReadableFile& file, size_t length) {
  char buf[kFingerprintBytes];
  auto n = file.ReadAt(0, buf, std::min(length, kFingerprintBytes));
  if (!n.ok()) return n.status();
  return FingerprintOf(std::string_view(buf, *n));
}

}  // namespace edgelog
