#include "agent/spool/spool_format.h"

#include <cstring>

#include "agent/spool/crc32c.h"

namespace edgelog {
namespace {

void PutFixed(std::string* out, uint64_t value, int bytes) {
  for (int i = 0; i < bytes; ++i) out->push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}

uint64_t GetFixed(std::string_view in, int bytes) {
  uint64_t value = 0;
  for (int i = bytes - 1; i >= 0; --i) {
    value = (value << 8) | static_cast<unsigned char>(in[static_cast<size_t>(i)]);
  }
  return value;
}

void PutString(std::string* out, std::string_view s) {
  PutFixed(out, s.size(), 4);
  out->append(s);
}

// Reads fields from a payload, refusing to run past its end.
class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  bool Fixed(int bytes, uint64_t* value) {
    if (in_.size() < static_cast<size_t>(bytes)) return false;
    *value = GetFixed(in_, bytes);
    in_.remove_prefix(static_cast<size_t>(bytes));
    return true;
  }
  bool String(std::string* out) {
    uint64_t n = 0;
    if (!Fixed(4, &n) || in_.size() < n) return false;
    out->assign(in_.substr(0, n));
    in_.remove_prefix(n);
    return true;
  }
  std::string_view rest() const { return in_; }

 private:
  std::string_view in_;
};

}  // namespace

void AppendRecord(RecordType type, std::string_view payload, std::string* out) {
  char type_byte = static_cast<char>(type);
  uint32_t crc = Crc32c(payload, Crc32c(std::string_view(&type_byte, 1)));
  PutFixed(out, payload.size(), 4);
  out->push_back(type_byte);
  PutFixed(out, MaskCrc(crc), 4);
  out->append(payload);
}

std::string EncodeBatch(const SpooledBatch& b) {
  std::string out;
  PutFixed(&out, b.seq, 8);
  PutString(&out, b.group);
  PutString(&out, b.stream);
  PutFixed(&out, b.event_count, 4);
  PutFixed(&out, b.api_bytes, 4);
  PutFixed(&out, static_cast<uint64_t>(b.min_timestamp_ms), 8);
  PutFixed(&out, static_cast<uint64_t>(b.max_timestamp_ms), 8);
  out.append(b.body);
  return out;
}

std::string EncodeAck(uint64_t seq, AckReason reason) {
  std::string out;
  PutFixed(&out, seq, 8);
  out.push_back(static_cast<char>(reason));
  return out;
}

namespace {

// The size of the good record at the start of `rest`, or 0 when there is none.
uint64_t CheckRecord(std::string_view rest) {
  if (rest.size() < kRecordHeaderBytes) return 0;
  auto type = static_cast<RecordType>(rest[4]);
  if (type != RecordType::kBatch && type != RecordType::kAck) return 0;
  uint64_t length = GetFixed(rest, 4);
  if (length > kMaxRecordBytes || rest.size() < kRecordHeaderBytes + length) return 0;
  uint32_t stored = UnmaskCrc(static_cast<uint32_t>(GetFixed(rest.substr(5), 4)));
  uint32_t actual = Crc32c(rest.substr(kRecordHeaderBytes, length), Crc32c(rest.substr(4, 1)));
  return stored == actual ? kRecordHeaderBytes + length : 0;
}

// Where the next good record after damage at `from` starts; bytes.size()
// when none does. The type byte and the length filter out nearly every
// offset before a checksum is computed.
uint64_t Resync(std::string_view bytes, uint64_t from) {
  for (uint64_t pos = from + 1; pos + kRecordHeaderBytes <= bytes.size(); ++pos) {
    if (CheckRecord(bytes.substr(pos)) > 0) return pos;
  }
  return bytes.size();
}

}  // namespace

SegmentContents ReadSegment(std::string_view bytes) {
  SegmentContents out;
  uint64_t pos = 0;
  while (pos < bytes.size()) {
    uint64_t size = CheckRecord(bytes.substr(pos));
    if (size > 0) {
      std::string_view rest = bytes.substr(pos);
      out.records.push_back({static_cast<RecordType>(rest[4]),
                             rest.substr(kRecordHeaderBytes, size - kRecordHeaderBytes), pos});
      pos += size;
      if (out.state == SegmentState::kClean) out.valid_bytes = pos;
      continue;
    }
    uint64_t next = Resync(bytes, pos);
    if (next == bytes.size()) {
      // Nothing good follows: a write cut short (or zeros where the size
      // reached the disk and the data did not).
      if (out.state == SegmentState::kClean) out.state = SegmentState::kTornTail;
      break;
    }
    out.state = SegmentState::kCorrupt;  // damage with good records after it
    ++out.damaged_records;
    pos = next;
  }
  return out;
}

StatusOr<SpooledBatch> DecodeBatch(std::string_view payload) {
  Reader r(payload);
  SpooledBatch b;
  uint64_t events = 0, api_bytes = 0, min_ts = 0, max_ts = 0;
  if (!r.Fixed(8, &b.seq) || !r.String(&b.group) || !r.String(&b.stream) ||
      !r.Fixed(4, &events) || !r.Fixed(4, &api_bytes) || !r.Fixed(8, &min_ts) ||
      !r.Fixed(8, &max_ts)) {
    return Status::Corruption("malformed batch record");
  }
  b.event_count = static_cast<uint32_t>(events);
  b.api_bytes = static_cast<uint32_t>(api_bytes);
  b.min_timestamp_ms = static_cast<int64_t>(min_ts);
  b.max_timestamp_ms = static_cast<int64_t>(max_ts);
  b.body.assign(r.rest());
  return b;
}

Status DecodeAck(std::string_view payload, uint64_t* seq, AckReason* reason) {
  if (payload.size() != 9) return Status::Corruption("malformed ack record");
  *seq = GetFixed(payload, 8);
  *reason = static_cast<AckReason>(payload[8]);
  return Status::Ok();
}

uint64_t SegmentNumber(const std::string& name) {
  constexpr size_t kSuffixLength = 4;
  if (name.size() <= kSuffixLength ||
      name.compare(name.size() - kSuffixLength, kSuffixLength, ".seg") != 0) {
    return 0;
  }
  uint64_t n = 0;
  for (size_t i = 0; i < name.size() - kSuffixLength; ++i) {
    if (name[i] < '0' || name[i] > '9') return 0;
    uint64_t digit = static_cast<uint64_t>(name[i] - '0');
    if (n > (UINT64_MAX - digit) / 10) return 0;
    n = n * 10 + digit;
  }
  return n;
}

}  // namespace edgelog
