// CRC-32C (Castagnoli), the checksum of the disk buffer's records.
#ifndef EDGELOG_AGENT_SPOOL_CRC32C_H_
#define EDGELOG_AGENT_SPOOL_CRC32C_H_

#include <cstdint>
#include <string_view>

namespace edgelog {

// CRC-32C of `data`, continuing from `crc` (0 to start).
uint32_t Crc32c(std::string_view data, uint32_t crc = 0);

// A CRC stored next to data it covers is masked, so that CRCs of data that
// itself holds CRCs do not look alike (as LevelDB does).
inline uint32_t MaskCrc(uint32_t crc) { return ((crc >> 15) | (crc << 17)) + 0xa282ead8u; }
inline uint32_t UnmaskCrc(uint32_t masked) {
  uint32_t rot = masked - 0xa282ead8u;
  return (rot >> 17) | (rot << 15);
}

}  // namespace edgelog

#endif  // EDGELOG_AGENT_SPOOL_CRC32C_H_
