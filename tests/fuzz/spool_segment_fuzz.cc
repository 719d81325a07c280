// The disk buffer's segment reader (agent/spool/spool_format.h) and the
// recovery that reads segments back at start (spool_recovery.cc).
//
// Input: byte 0 chooses how the rest becomes a segment: even, the rest is
// the segment's bytes as they lie on disk; odd, the rest is a list of
// records ("type byte, payload", separated by the line "--") framed with
// good checksums, then damaged at the offset byte 1 names, so the fuzzer
// reaches records that check out. Checked: the records found lie in order
// inside the segment and frame again to the very same bytes; a clean
// segment is all records; batches and acks decode and encode to the same
// payload; a buffer opened on the segment hands back exactly the batches
// no ack closes, each once, and none again once they are acknowledged.
#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <string_view>

#include "agent/base/logger.h"
#include "agent/spool/spool.h"
#include "agent/spool/spool_format.h"
#include "tests/fuzz/fuzz_check.h"
#include "tests/support/fake_clock.h"
#include "tests/support/mem_env.h"

namespace edgelog {
namespace {

constexpr char kDir[] = "/state/buffer";
constexpr char kSegment[] = "/state/buffer/000001.seg";

class NullLogger : public Logger {
 public:
  void Write(LogLevel, std::string_view) override {}
};

std::string FramedRecords(std::string_view spec, uint8_t damage_at) {
  std::string segment;
  while (!spec.empty()) {
    size_t sep = spec.find("\n--\n");
    std::string_view record = spec.substr(0, sep);
    spec.remove_prefix(sep == std::string_view::npos ? spec.size() : sep + 4);
    if (record.empty()) continue;
    RecordType type = record[0] & 1 ? RecordType::kBatch : RecordType::kAck;
    AppendRecord(type, record.substr(1), &segment);
  }
  if (damage_at != 0 && !segment.empty()) {
    // 1-127: flip a byte; 128-255: cut the segment short (a torn write).
    size_t at = (damage_at & 0x7f) * segment.size() / 128;
    if (damage_at & 0x80) {
      segment.resize(at);
    } else {
      segment[at] = static_cast<char>(segment[at] ^ 0x5a);
    }
  }
  return segment;
}

// What the reader finds, checked; the seqs of the batches left unacked.
std::set<uint64_t> CheckContents(std::string_view bytes) {
  SegmentContents contents = ReadSegment(bytes);
  FUZZ_CHECK(contents.valid_bytes <= bytes.size());
  if (contents.state == SegmentState::kClean) {
    FUZZ_CHECK(contents.valid_bytes == bytes.size());
    FUZZ_CHECK(contents.damaged_records == 0);
  } else {
    FUZZ_CHECK(contents.valid_bytes < bytes.size());
  }
  if (contents.state != SegmentState::kCorrupt) FUZZ_CHECK(contents.damaged_records == 0);

  std::string reframed;
  uint64_t next = 0;
  std::set<uint64_t> batches, acked;
  for (const SegmentRecord& r : contents.records) {
    FUZZ_CHECK(r.offset >= next);
    FUZZ_CHECK(r.payload.data() == bytes.data() + r.offset + kRecordHeaderBytes);
    std::string framed;
    AppendRecord(r.type, r.payload, &framed);
    FUZZ_CHECK(bytes.substr(r.offset, framed.size()) == framed);
    next = r.offset + framed.size();
    reframed += framed;
    if (r.type == RecordType::kBatch) {
      StatusOr<SpooledBatch> batch = DecodeBatch(r.payload);
      if (batch.ok()) {
        FUZZ_CHECK(EncodeBatch(*batch) == r.payload);
        batches.insert(batch->seq);
      }
    } else {
      FUZZ_CHECK(r.type == RecordType::kAck);
      uint64_t seq = 0;
      AckReason reason;
      if (DecodeAck(r.payload, &seq, &reason).ok()) {
        FUZZ_CHECK(EncodeAck(seq, reason) == r.payload);
        acked.insert(seq);
      }
    }
  }
  FUZZ_CHECK(next <= bytes.size());
  if (contents.state == SegmentState::kClean) FUZZ_CHECK(reframed == bytes);
  for (uint64_t seq : acked) batches.erase(seq);
  return batches;
}

// Opens a buffer on the segment, takes and acknowledges every batch, opens
// it again: nothing may come back.
void CheckRecovery(const std::string& bytes, const std::set<uint64_t>& unacked) {
  testing::MemEnv env;
  testing::FakeClock clock;
  NullLogger log;
  env.CreateDirs(kDir).IgnoreError();
  env.WriteFile(kSegment, bytes);
  {
    StatusOr<std::unique_ptr<Spool>> spool = Spool::Open(env, clock, log, kDir, SpoolOptions{});
    FUZZ_CHECK(spool.ok());
    std::set<uint64_t> taken;
    while (std::optional<SpooledBatch> batch = (*spool)->TakeNext()) {
      FUZZ_CHECK(taken.insert(batch->seq).second);  // each once
      (*spool)->Ack(batch->seq);
    }
    FUZZ_CHECK(taken == unacked);
    FUZZ_CHECK((*spool)->Sync().ok());
  }
  StatusOr<std::unique_ptr<Spool>> again = Spool::Open(env, clock, log, kDir, SpoolOptions{});
  FUZZ_CHECK(again.ok());
  FUZZ_CHECK(!(*again)->TakeNext().has_value());
}

}  // namespace
}  // namespace edgelog

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace edgelog;
  if (size < 2) return 0;
  std::string_view rest = fuzz::AsView(data + 2, size - 2);
  std::string segment = data[0] & 1 ? FramedRecords(rest, data[1]) : std::string(rest);
  std::set<uint64_t> unacked = CheckContents(segment);
  CheckRecovery(segment, unacked);
  return 0;
}
