#include "agent/spool/spool_format.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "agent/spool/crc32c.h"
#include "tests/agent/spool/spool_test_fixture.h"

namespace edgelog {
namespace {

using spool_test::Join;

SpooledBatch SampleBatch(uint64_t seq, std::string body) {
  SpooledBatch b;
  b.seq = seq;
  b.group = "/app/group";
  b.stream = "host-1";
  b.event_count = 3;
  b.api_bytes = 99;
  b.min_timestamp_ms = -5;
  b.max_timestamp_ms = 1768473000123;
  b.body = std::move(body);
  return b;
}

uint32_t Le32(const std::string& s, size_t at) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(s[at + i]);
  return v;
}

void PutLe32(std::string* s, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i) (*s)[at + i] = static_cast<char>((v >> (8 * i)) & 0xff);
}

// Three records: a batch, an ack, a batch. `starts` gets each one's offset.
std::string ThreeRecords(std::vector<size_t>* starts) {
  std::string seg;
  starts->push_back(seg.size());
  AppendRecord(RecordType::kBatch, EncodeBatch(SampleBatch(1, "first body")), &seg);
  starts->push_back(seg.size());
  AppendRecord(RecordType::kAck, EncodeAck(1, AckReason::kDone), &seg);
  starts->push_back(seg.size());
  AppendRecord(RecordType::kBatch, EncodeBatch(SampleBatch(2, "second, last body")), &seg);
  return seg;
}

void ExpectSameBatch(const SpooledBatch& want, const SpooledBatch& got) {
  EXPECT_EQ(want.seq, got.seq);
  EXPECT_EQ(want.group, got.group);
  EXPECT_EQ(want.stream, got.stream);
  EXPECT_EQ(want.event_count, got.event_count);
  EXPECT_EQ(want.api_bytes, got.api_bytes);
  EXPECT_EQ(want.min_timestamp_ms, got.min_timestamp_ms);
  EXPECT_EQ(want.max_timestamp_ms, got.max_timestamp_ms);
  EXPECT_EQ(want.body, got.body);
}

TEST(SpoolFormatTest, ABatchSurvivesEncodeAndDecodeFieldForField) {
  std::string binary;
  for (int i = 0; i < 256; ++i) binary.push_back(static_cast<char>(i));
  SpooledBatch b = SampleBatch(0xFEDCBA9876543210ull, binary);
  auto decoded = DecodeBatch(EncodeBatch(b));
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  ExpectSameBatch(b, *decoded);
}

TEST(SpoolFormatTest, ABatchWithAnEmptyBodyAndNamesSurvivesEncodeAndDecode) {
  SpooledBatch b;
  b.seq = 7;
  auto decoded = DecodeBatch(EncodeBatch(b));
  ASSERT_TRUE(decoded.ok());
  ExpectSameBatch(b, *decoded);
}

TEST(SpoolFormatTest, ABatchPayloadCutBeforeItsBodyIsCorruption) {
  std::string payload = EncodeBatch(SampleBatch(1, ""));  // fixed fields only
  for (size_t n = 0; n < payload.size(); ++n) {
    auto decoded = DecodeBatch(std::string_view(payload).substr(0, n));
    ASSERT_FALSE(decoded.ok()) << "cut at " << n;
    EXPECT_EQ(Code::kCorruption, decoded.status().code()) << "cut at " << n;
  }
}

TEST(SpoolFormatTest, AnAckSurvivesEncodeAndDecode) {
  uint64_t seq = 0;
  AckReason reason = AckReason::kDone;
  ASSERT_TRUE(DecodeAck(EncodeAck(0x0102030405060708ull, AckReason::kDropped), &seq, &reason).ok());
  EXPECT_EQ(0x0102030405060708ull, seq);
  EXPECT_EQ(AckReason::kDropped, reason);
}

TEST(SpoolFormatTest, AnAckOfTheWrongSizeIsCorruption) {
  uint64_t seq = 0;
  AckReason reason;
  std::string ack = EncodeAck(5, AckReason::kDone);
  EXPECT_EQ(Code::kCorruption, DecodeAck(ack.substr(0, 8), &seq, &reason).code());
  EXPECT_EQ(Code::kCorruption, DecodeAck(ack + "x", &seq, &reason).code());
}

TEST(SpoolFormatTest, ARecordIsLengthTypeAndMaskedCrcOfTypeAndPayload) {
  std::string record;
  AppendRecord(RecordType::kAck, "abc", &record);
  ASSERT_EQ(kRecordHeaderBytes + 3, record.size());
  EXPECT_EQ(3u, Le32(record, 0));
  EXPECT_EQ(static_cast<char>(RecordType::kAck), record[4]);
  EXPECT_EQ(Crc32c(std::string("\x02") + "abc"), UnmaskCrc(Le32(record, 5)));
  EXPECT_EQ("abc", record.substr(kRecordHeaderBytes));
}

TEST(SpoolFormatTest, AnEmptySegmentIsClean) {
  SegmentContents c = ReadSegment("");
  EXPECT_EQ(SegmentState::kClean, c.state);
  EXPECT_TRUE(c.records.empty());
  EXPECT_EQ(0u, c.valid_bytes);
}

TEST(SpoolFormatTest, RecordsComeBackInOrderWithTheirOffsetsAndPayloads) {
  std::vector<size_t> starts;
  std::string seg = ThreeRecords(&starts);
  SegmentContents c = ReadSegment(seg);
  EXPECT_EQ(SegmentState::kClean, c.state);
  EXPECT_EQ(seg.size(), c.valid_bytes);
  ASSERT_EQ(3u, c.records.size());
  EXPECT_EQ(RecordType::kBatch, c.records[0].type);
  EXPECT_EQ(RecordType::kAck, c.records[1].type);
  EXPECT_EQ(RecordType::kBatch, c.records[2].type);
  for (size_t i = 0; i < 3; ++i) EXPECT_EQ(starts[i], c.records[i].offset);
  auto last = DecodeBatch(c.records[2].payload);
  ASSERT_TRUE(last.ok());
  ExpectSameBatch(SampleBatch(2, "second, last body"), *last);
  uint64_t seq = 0;
  AckReason reason;
  ASSERT_TRUE(DecodeAck(c.records[1].payload, &seq, &reason).ok());
  EXPECT_EQ(1u, seq);
}

TEST(SpoolFormatTest, ALastRecordCutAtAnyByteIsATornTailAfterTheGoodPrefix) {
  std::vector<size_t> starts;
  std::string seg = ThreeRecords(&starts);
  for (size_t cut = starts[2] + 1; cut < seg.size(); ++cut) {
    SegmentContents c = ReadSegment(std::string_view(seg).substr(0, cut));
    EXPECT_EQ(SegmentState::kTornTail, c.state) << "cut at " << cut;
    EXPECT_EQ(starts[2], c.valid_bytes) << "cut at " << cut;
    EXPECT_EQ(2u, c.records.size()) << "cut at " << cut;
  }
}

TEST(SpoolFormatTest, AFlippedBitInTheLastRecordsTypeCrcOrPayloadIsATornTail) {
  std::vector<size_t> starts;
  std::string seg = ThreeRecords(&starts);
  for (size_t byte = starts[2] + 4; byte < seg.size(); ++byte) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string damaged = seg;
      damaged[byte] = static_cast<char>(damaged[byte] ^ (1 << bit));
      SegmentContents c = ReadSegment(damaged);
      EXPECT_EQ(SegmentState::kTornTail, c.state) << "byte " << byte << " bit " << bit;
      EXPECT_EQ(starts[2], c.valid_bytes) << "byte " << byte << " bit " << bit;
    }
  }
}

TEST(SpoolFormatTest, AFlippedBitInAMiddleRecordsTypeCrcOrPayloadIsCorrupt) {
  std::vector<size_t> starts;
  std::string seg = ThreeRecords(&starts);
  for (size_t byte = starts[1] + 4; byte < starts[2]; ++byte) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string damaged = seg;
      damaged[byte] = static_cast<char>(damaged[byte] ^ (1 << bit));
      SegmentContents c = ReadSegment(damaged);
      EXPECT_EQ(SegmentState::kCorrupt, c.state) << "byte " << byte << " bit " << bit;
      EXPECT_EQ(starts[1], c.valid_bytes) << "byte " << byte << " bit " << bit;
      ASSERT_EQ(2u, c.records.size()) << "byte " << byte << " bit " << bit;
      EXPECT_EQ(starts[2], c.records[1].offset);  // the record after the damage
    }
  }
}

// Bit rot in a length field must not pass for a write cut short: a torn
// tail is cut off, and with it the good records after the damage.
// Reading resumes at the next good record.
TEST(SpoolFormatTest, AMiddleRecordWithADamagedLengthIsCorruptNotATornTail) {
  std::vector<size_t> starts;
  std::string seg = ThreeRecords(&starts);
  std::vector<std::string> wrong;
  for (int bit = 0; bit < 32; ++bit) {
    std::string damaged = seg;
    size_t byte = starts[1] + static_cast<size_t>(bit / 8);
    damaged[byte] = static_cast<char>(damaged[byte] ^ (1 << (bit % 8)));
    SegmentContents c = ReadSegment(damaged);
    if (c.state != SegmentState::kCorrupt || c.valid_bytes != starts[1] ||
        c.records.size() != 2) {
      wrong.push_back("length bit " + std::to_string(bit) + " (length " +
                      std::to_string(Le32(damaged, starts[1])) + "): " +
                      ::testing::PrintToString(c.state) + ", valid_bytes " +
                      std::to_string(c.valid_bytes));
    }
  }
  EXPECT_TRUE(wrong.empty()) << seg.size() << "-byte segment, middle record at " << starts[1]
                             << "; not kCorrupt with the first record kept:" << Join(wrong);
}

TEST(SpoolFormatTest, AnUnknownTypeWithAGoodCrcInTheMiddleIsCorrupt) {
  std::string seg;
  AppendRecord(RecordType::kAck, EncodeAck(1, AckReason::kDone), &seg);
  size_t bad = seg.size();
  AppendRecord(static_cast<RecordType>(9), "whatever", &seg);
  AppendRecord(RecordType::kAck, EncodeAck(2, AckReason::kDone), &seg);
  SegmentContents c = ReadSegment(seg);
  EXPECT_EQ(SegmentState::kCorrupt, c.state);
  EXPECT_EQ(bad, c.valid_bytes);
}

// A crash can leave a file longer than what was written to it, the rest
// reading as zeros (the size reached the disk, the data did not).
TEST(SpoolFormatTest, AZeroFilledTailOfAnyLengthIsATornTailAfterTheGoodRecords) {
  std::vector<size_t> starts;
  std::string seg = ThreeRecords(&starts);
  std::vector<std::string> wrong;
  for (size_t zeros = 1; zeros <= 4096; zeros = zeros < 32 ? zeros + 1 : zeros * 2) {
    SegmentContents c = ReadSegment(seg + std::string(zeros, '\0'));
    if (c.state != SegmentState::kTornTail || c.valid_bytes != seg.size() ||
        c.records.size() != 3) {
      wrong.push_back(std::to_string(zeros) + " zero bytes: " +
                      ::testing::PrintToString(c.state) + ", valid_bytes " +
                      std::to_string(c.valid_bytes));
    }
  }
  EXPECT_TRUE(wrong.empty()) << seg.size() << " good bytes, then:" << Join(wrong);
}

TEST(SpoolFormatTest, AnAbsurdLengthInTheLastHeaderIsATornTail) {
  std::vector<size_t> starts;
  std::string seg = ThreeRecords(&starts);
  const uint32_t lengths[] = {0xFFFFFFFFu, kMaxRecordBytes + 1, kMaxRecordBytes,
                              static_cast<uint32_t>(seg.size())};
  for (uint32_t length : lengths) {
    std::string damaged = seg;
    PutLe32(&damaged, starts[2], length);
    SegmentContents c = ReadSegment(damaged);
    EXPECT_EQ(SegmentState::kTornTail, c.state) << "length " << length;
    EXPECT_EQ(starts[2], c.valid_bytes) << "length " << length;
    EXPECT_EQ(2u, c.records.size()) << "length " << length;
  }
}

TEST(SpoolFormatTest, AHeaderAloneWithAnAbsurdLengthIsATornTail) {
  std::string header(kRecordHeaderBytes, '\0');
  PutLe32(&header, 0, 0xFFFFFFF0u);
  header[4] = static_cast<char>(RecordType::kBatch);
  SegmentContents c = ReadSegment(header);
  EXPECT_EQ(SegmentState::kTornTail, c.state);
  EXPECT_EQ(0u, c.valid_bytes);
  EXPECT_TRUE(c.records.empty());
}

// The bytes of a segment, pinned: a batch record and its ack, written out
// by hand from the format in README.md (CRC-32C masked as LevelDB masks
// it). Round trips cannot see a change made to encoder and decoder alike;
// this does, and segments from earlier versions must still read.
const char kGoldenSegment[] =
    "\x2e\x00\x00\x00"                  // length 46
    "\x01"                              // batch
    "\x2a\xcd\xe0\xf0"                  // masked CRC-32C of type and payload
    "\x01\x00\x00\x00\x00\x00\x00\x00"  // seq 1
    "\x01\x00\x00\x00" "g"              // group
    "\x01\x00\x00\x00" "s"              // stream
    "\x02\x00\x00\x00"                  // events 2
    "\x3c\x00\x00\x00"                  // api_bytes 60
    "\xe8\x03\x00\x00\x00\x00\x00\x00"  // min_ts 1000
    "\xd0\x07\x00\x00\x00\x00\x00\x00"  // max_ts 2000
    "BODY"                              // the gzipped body, here four bytes
    "\x09\x00\x00\x00"                  // length 9
    "\x02"                              // ack
    "\x68\xd8\xb9\xeb"                  // masked CRC-32C
    "\x01\x00\x00\x00\x00\x00\x00\x00"  // seq 1
    "\x01";                             // delivered or kept as rejected

SpooledBatch GoldenBatch() {
  SpooledBatch b;
  b.seq = 1;
  b.group = "g";
  b.stream = "s";
  b.event_count = 2;
  b.api_bytes = 60;
  b.min_timestamp_ms = 1000;
  b.max_timestamp_ms = 2000;
  b.body = "BODY";
  return b;
}

TEST(SpoolFormatTest, TheWrittenBytesAreTheDocumentedFormat) {
  std::string seg;
  AppendRecord(RecordType::kBatch, EncodeBatch(GoldenBatch()), &seg);
  AppendRecord(RecordType::kAck, EncodeAck(1, AckReason::kDone), &seg);
  EXPECT_EQ(std::string(kGoldenSegment, sizeof(kGoldenSegment) - 1), seg);
}

TEST(SpoolFormatTest, TheDocumentedBytesReadBackAsTheirFields) {
  const std::string golden(kGoldenSegment, sizeof(kGoldenSegment) - 1);
  SegmentContents c = ReadSegment(golden);  // views into `golden`
  ASSERT_EQ(SegmentState::kClean, c.state);
  ASSERT_EQ(2u, c.records.size());
  ASSERT_EQ(RecordType::kBatch, c.records[0].type);
  auto batch = DecodeBatch(c.records[0].payload);
  ASSERT_TRUE(batch.ok()) << batch.status().ToString();
  ExpectSameBatch(GoldenBatch(), *batch);
  uint64_t seq = 0;
  AckReason reason = AckReason::kDropped;
  ASSERT_EQ(RecordType::kAck, c.records[1].type);
  ASSERT_TRUE(DecodeAck(c.records[1].payload, &seq, &reason).ok());
  EXPECT_EQ(1u, seq);
  EXPECT_EQ(AckReason::kDone, reason);
}

}  // namespace
}  // namespace edgelog
