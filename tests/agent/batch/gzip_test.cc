#include "agent/batch/gzip.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdint>
#include <random>
#include <string>

namespace edgelog {
namespace {

constexpr size_t kNoLimit = size_t{1} << 30;

std::string Compress(std::string_view input, int level = 1) {
  GzipCompressor gzip(level);
  std::string out;
  Status s = gzip.Compress(input, &out);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return out;
}

std::string RandomBytes(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string out(n, '\0');
  for (char& c : out) c = static_cast<char>(rng() & 0xFF);
  return out;
}

// Round-trips `input` and checks the result.
void ExpectRoundTrip(const std::string& input, int level = 1) {
  std::string gz = Compress(input, level);
  auto back = GunzipBody(gz, kNoLimit);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_TRUE(*back == input) << "round trip of " << input.size() << " bytes differs";
}

TEST(GzipTest, EmptyInputRoundTrips) { ExpectRoundTrip(""); }

TEST(GzipTest, SmallTextRoundTrips) { ExpectRoundTrip("hello, gzip\n"); }

TEST(GzipTest, BinaryBytesIncludingNulRoundTrip) {
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  ExpectRoundTrip(all);
}

TEST(GzipTest, LargeRandomInputRoundTrips) { ExpectRoundTrip(RandomBytes(3 << 20, 42)); }

TEST(GzipTest, SizesAroundTheInflateBufferRoundTrip) {
  // GunzipBody inflates in 64 KiB steps: try both sides of each step.
  for (size_t n : {65535u, 65536u, 65537u, 131071u, 131072u, 131073u}) {
    ExpectRoundTrip(RandomBytes(n, static_cast<uint32_t>(n)));
    ExpectRoundTrip(std::string(n, 'a'));
  }
}

TEST(GzipTest, EveryLevelRoundTrips) {
  std::string text;
  for (int i = 0; i < 5000; ++i) text += "line " + std::to_string(i) + " of the log\n";
  for (int level = 1; level <= 9; ++level) ExpectRoundTrip(text, level);
}

TEST(GzipTest, RepetitiveInputShrinks) {
  std::string input(1 << 20, 'x');
  EXPECT_LT(Compress(input).size(), input.size() / 100);
}

TEST(GzipTest, OutputIsAGzipMemberWithNoTime) {
  std::string gz = Compress("abc");
  ASSERT_GE(gz.size(), 18u);
  EXPECT_EQ('\x1f', gz[0]);
  EXPECT_EQ('\x8b', gz[1]);
  EXPECT_EQ(8, gz[2]);  // deflate
  EXPECT_EQ(0, gz[3]);  // no name, comment or extra fields
  EXPECT_EQ(std::string(4, '\0'), gz.substr(4, 4));  // MTIME
}

TEST(GzipTest, EqualInputGivesEqualOutput) {
  const std::string input = RandomBytes(100000, 7) + std::string(100000, 'z');
  EXPECT_EQ(Compress(input), Compress(input));
}

TEST(GzipTest, ReusedCompressorGivesTheSameOutputAsAFreshOne) {
  GzipCompressor reused(1);
  std::string first, second, third;
  ASSERT_TRUE(reused.Compress("first body", &first).ok());
  ASSERT_TRUE(reused.Compress(std::string(200000, 'q'), &second).ok());
  ASSERT_TRUE(reused.Compress("first body", &third).ok());
  EXPECT_EQ(Compress("first body"), first);
  EXPECT_EQ(Compress(std::string(200000, 'q')), second);
  EXPECT_EQ(first, third);
}

TEST(GzipTest, CompressReplacesTheOutput) {
  GzipCompressor gzip(1);
  std::string out = "old contents that must go";
  ASSERT_TRUE(gzip.Compress("new", &out).ok());
  EXPECT_EQ(Compress("new"), out);
}

TEST(GzipTest, OutputReadableByZlibDirectly) {
  const std::string input = "read me with plain zlib";
  std::string gz = Compress(input);
  z_stream zs{};
  ASSERT_EQ(Z_OK, inflateInit2(&zs, 15 + 16));
  std::string out(input.size() + 16, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(gz.data());
  zs.avail_in = static_cast<uInt>(gz.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(Z_STREAM_END, inflate(&zs, Z_FINISH));
  out.resize(zs.total_out);
  inflateEnd(&zs);
  EXPECT_EQ(input, out);
}

TEST(GzipTest, GunzipRefusesGarbage) {
  auto r = GunzipBody("this is not gzip at all", kNoLimit);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(Code::kCorruption, r.status().code());
}

TEST(GzipTest, GunzipRefusesEmptyInput) {
  auto r = GunzipBody("", kNoLimit);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(Code::kCorruption, r.status().code());
}

TEST(GzipTest, GunzipRefusesZlibStreamWithoutGzipWrapper) {
  const std::string input = "zlib, not gzip";
  uLongf size = compressBound(input.size());
  std::string z(size, '\0');
  ASSERT_EQ(Z_OK, compress2(reinterpret_cast<Bytef*>(z.data()), &size,
                            reinterpret_cast<const Bytef*>(input.data()), input.size(), 1));
  z.resize(size);
  auto r = GunzipBody(z, kNoLimit);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(Code::kCorruption, r.status().code());
}

TEST(GzipTest, GunzipRefusesEveryTruncation) {
  std::string gz = Compress(RandomBytes(5000, 3));
  for (size_t keep = 0; keep < gz.size(); ++keep) {
    auto r = GunzipBody(std::string_view(gz).substr(0, keep), kNoLimit);
    ASSERT_FALSE(r.ok()) << "accepted the first " << keep << " of " << gz.size() << " bytes";
    EXPECT_EQ(Code::kCorruption, r.status().code());
  }
}

TEST(GzipTest, GunzipRefusesLargeBodyTruncatedAtABufferEdge) {
  std::string gz = Compress(RandomBytes(300000, 9));
  for (size_t cut : {size_t{1}, size_t{8}, gz.size() / 2}) {
    auto r = GunzipBody(std::string_view(gz).substr(0, gz.size() - cut), kNoLimit);
    EXPECT_FALSE(r.ok()) << "cut " << cut;
  }
}

TEST(GzipTest, GunzipRefusesAWrongChecksum) {
  std::string gz = Compress("checksummed text");
  gz[gz.size() - 8] ^= 0x01;  // the CRC-32 in the trailer
  auto r = GunzipBody(gz, kNoLimit);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(Code::kCorruption, r.status().code());
}

TEST(GzipTest, GunzipRefusesAWrongLength) {
  std::string gz = Compress("length checked text");
  gz[gz.size() - 4] ^= 0x01;  // ISIZE in the trailer
  EXPECT_FALSE(GunzipBody(gz, kNoLimit).ok());
}

TEST(GzipTest, GunzipRefusesBytesAfterTheMember) {
  // "kCorruption when `input` is not one [gzip member]": a member followed
  // by anything else is not one member; accepting it drops the rest unseen.
  std::string gz = Compress("first") + Compress("second");
  EXPECT_FALSE(GunzipBody(gz, kNoLimit).ok());
  EXPECT_FALSE(GunzipBody(Compress("body") + "trailing junk", kNoLimit).ok());
}

TEST(GzipTest, GunzipAcceptsOutputOfExactlyTheLimit) {
  const std::string input = RandomBytes(100000, 11);
  auto r = GunzipBody(Compress(input), input.size());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(input, *r);
}

TEST(GzipTest, GunzipRefusesOutputOneByteOverTheLimit) {
  const std::string input = RandomBytes(100000, 11);
  auto r = GunzipBody(Compress(input), input.size() - 1);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(Code::kCorruption, r.status().code());
}

TEST(GzipTest, GunzipRefusesABombLongBeforeInflatingItAll) {
  std::string gz = Compress(std::string(64 << 20, '\0'), 9);
  ASSERT_LT(gz.size(), 200000u);
  auto r = GunzipBody(gz, 1 << 20);
  EXPECT_FALSE(r.ok());
}

TEST(GzipTest, SmallLimitStillAllowsSmallBodies) {
  auto r = GunzipBody(Compress("tiny"), 4);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ("tiny", *r);
  EXPECT_FALSE(GunzipBody(Compress("tiny"), 3).ok());
  auto empty = GunzipBody(Compress(""), 0);
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ("", *empty);
}

}  // namespace
}  // namespace edgelog
