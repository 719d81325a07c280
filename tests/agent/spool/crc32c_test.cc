#include "agent/spool/crc32c.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

namespace edgelog {
namespace {

// Vectors of RFC 3720 (iSCSI), appendix B.4, and the usual check value.
TEST(Crc32cTest, TheCheckStringHasTheStandardValue) {
  EXPECT_EQ(0xE3069283u, Crc32c("123456789"));
}

TEST(Crc32cTest, ThirtyTwoZeroBytesMatchRfc3720) {
  EXPECT_EQ(0x8A9136AAu, Crc32c(std::string(32, '\0')));
}

TEST(Crc32cTest, ThirtyTwoOnesBytesMatchRfc3720) {
  EXPECT_EQ(0x62A8AB43u, Crc32c(std::string(32, '\xff')));
}

TEST(Crc32cTest, IncreasingAndDecreasingBytesMatchRfc3720) {
  std::string up, down;
  for (int i = 0; i < 32; ++i) {
    up.push_back(static_cast<char>(i));
    down.push_back(static_cast<char>(31 - i));
  }
  EXPECT_EQ(0x46DD794Eu, Crc32c(up));
  EXPECT_EQ(0x113FDB5Cu, Crc32c(down));
}

TEST(Crc32cTest, NothingHasCrcZero) { EXPECT_EQ(0u, Crc32c("")); }

TEST(Crc32cTest, ContinuingFromAPrefixEqualsTheCrcOfTheWhole) {
  const std::string data = "the quick brown fox jumps over the lazy dog, twice over";
  uint32_t whole = Crc32c(data);
  for (size_t split = 0; split <= data.size(); ++split) {
    std::string_view head(data.data(), split);
    std::string_view tail(data.data() + split, data.size() - split);
    EXPECT_EQ(whole, Crc32c(tail, Crc32c(head))) << "split at " << split;
  }
}

TEST(Crc32cTest, EveryFlippedBitChangesTheCrc) {
  const std::string data = "123456789";
  uint32_t good = Crc32c(data);
  for (size_t byte = 0; byte < data.size(); ++byte) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string damaged = data;
      damaged[byte] = static_cast<char>(damaged[byte] ^ (1 << bit));
      EXPECT_NE(good, Crc32c(damaged)) << "byte " << byte << " bit " << bit;
    }
  }
}

TEST(Crc32cTest, UnmaskUndoesMask) {
  const uint32_t values[] = {0u, 1u, 0xE3069283u, 0x8A9136AAu, 0xa282ead8u, 0xFFFFFFFFu,
                             0x80000000u, 0x12345678u};
  for (uint32_t v : values) EXPECT_EQ(v, UnmaskCrc(MaskCrc(v))) << std::hex << v;
}

TEST(Crc32cTest, AMaskedCrcDiffersFromTheCrcAndFromItsDoubleMask) {
  uint32_t crc = Crc32c("foo");
  EXPECT_NE(crc, MaskCrc(crc));
  EXPECT_NE(crc, MaskCrc(MaskCrc(crc)));
}

}  // namespace
}  // namespace edgelog
