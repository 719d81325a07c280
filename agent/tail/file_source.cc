#include "agent/tail/file_source.h"

#include <algorithm>

#include "agent/base/cloudwatch_limits.h"
#include "agent/text/utf8.h"

namespace edgelog {
namespace {

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

}  // namespace

FileSource::FileSource(SourceSetup setup, Charset charset)
    : id_(setup.id),
      entry_(setup.entry),
      path_(std::move(setup.path)),
      file_id_(setup.file_id),
      file_(std::move(setup.file)),
      charset_(std::move(charset)),
      read_offset_(setup.offset),
      framer_(setup.offset, kMaxEventMessageBytes, charset_.newline()),
      assembler_(setup.id, std::move(setup.rules), setup.offset),
      piece_start_(setup.offset) {
  auto head = ReadFingerprint(*file_, kFingerprintBytes);
  if (head.ok()) head_ = *head;
  if (charset_.newline() != NewlineUnit::kByte) {
    // "utf-16" takes its byte order from the file's byte-order mark.
    char bom[2];
    auto n = file_->ReadAt(0, bom, sizeof(bom));
    if (n.ok()) charset_.SetByteOrderFromBom(std::string_view(bom, *n));
    ResetFramer(read_offset_);
  }
  if (read_offset_ > 0) {  // the bytes before the offset, for copy detection
    uint64_t from = read_offset_ - std::min<uint64_t>(read_offset_, kFingerprintBytes);
    tail_bytes_.resize(read_offset_ - from);
    auto n = file_->ReadAt(from, tail_bytes_.data(), tail_bytes_.size());
    tail_bytes_.resize(n.ok() ? *n : 0);
  }
}

void FileSource::ResetFramer(uint64_t offset) {
  framer_ = LineFramer(offset, kMaxEventMessageBytes, charset_.newline());
  piece_start_ = offset;
  continuing_long_line_ = false;
}

StatusOr<ReadOutcome> FileSource::ReadSome(size_t max_bytes, TailTime now, std::string* buffer,
                                           RecordSink& sink, TailStats& stats) {
  // One read: the bytes before the offset (to check) and the new ones.
  size_t check = tail_bytes_.size();
  if (buffer->size() < check + max_bytes) buffer->resize(check + max_bytes);
  auto n = file_->ReadAt(read_offset_ - check, buffer->data(), check + max_bytes);
  if (!n.ok()) return n.status();
  if (*n < check || std::string_view(buffer->data(), check) != tail_bytes_) {
    return ReadOutcome{0, true};
  }
  // The first bytes must still be there too. The bytes before the offset
  // alone can read the same in the next generation of a file truncated and
  // regrown past the offset between two looks: a run of one character
  // (padding, "=====", base64 of zeros) does.
  if (head_.length > 0) {
    bool same;
    if (read_offset_ == check && *n >= head_.length) {
      same = FingerprintOf(std::string_view(buffer->data(), head_.length)) == head_;
    } else if (read_offset_ == check && *n < check + max_bytes) {
      same = false;  // the file is shorter than they were
    } else {
      auto now_head = ReadFingerprint(*file_, head_.length);
      same = now_head.ok() && *now_head == head_;
    }
    if (!same) return ReadOutcome{0, true};
  }
  size_t got = *n - check;
  at_end_ = got < max_bytes;
  if (got == 0) {
    if (idle_since_ms_ < 0) idle_since_ms_ = now.mono_ms;
    return ReadOutcome{};
  }
  idle_since_ms_ = -1;
  finishing_ = false;  // more came: judge again at the next end
  std::string_view data(buffer->data() + check, got);
  if (read_offset_ < kFingerprintBytes && head_.length < kFingerprintBytes) {
    if (read_offset_ == 0) {  // the buffer starts at the file's start
      head_ = FingerprintOf(data.substr(0, kFingerprintBytes));
    } else if (auto whole = ReadFingerprint(*file_, kFingerprintBytes); whole.ok()) {
      head_ = *whole;
    }
  }
  read_offset_ += got;
  stats.bytes_read += got;
  RememberRead(data);
  framer_.Feed(data, [&](const LinePiece& piece) { Emit(piece, now, sink, stats); });
  MarkHandedOn(std::string_view(buffer->data(), check + got), read_offset_ - got - check);
  return ReadOutcome{got, false};
}

void FileSource::MarkHandedOn(std::string_view window, uint64_t window_start) {
  // The bytes before where records were handed on up to, while they are at
  // hand: a checkpoint there is then recognised in a copy even once the
  // file is truncated. Once per read, not per record.
  uint64_t end = handed_on_offset();
  if (end == handed_on_mark_.offset || end < window_start ||
      end > window_start + window.size()) {
    return;
  }
  uint64_t from = end - std::min<uint64_t>(end, kFingerprintBytes);
  if (from < window_start) return;
  handed_on_mark_ = {end, FingerprintOf(window.substr(from - window_start, end - from))};
}

std::optional<Fingerprint> FileSource::FingerprintBefore(uint64_t offset) const {
  if (offset == read_offset_ &&
      tail_bytes_.size() == std::min<uint64_t>(offset, kFingerprintBytes)) {
    return FingerprintOf(tail_bytes_);
  }
  if (offset > 0 && offset == handed_on_mark_.offset) return handed_on_mark_.before;
  return std::nullopt;
}

void FileSource::RememberRead(std::string_view data) {
  if (data.size() >= kFingerprintBytes) {
    tail_bytes_.assign(data.substr(data.size() - kFingerprintBytes));
    return;
  }
  tail_bytes_.append(data);
  if (tail_bytes_.size() > kFingerprintBytes) {
    tail_bytes_.erase(0, tail_bytes_.size() - kFingerprintBytes);
  }
}

void FileSource::Emit(const LinePiece& piece, TailTime now, RecordSink& sink,
                      TailStats& stats) {
  bool at_file_start = piece_start_ == 0;
  piece_start_ = piece.end_offset;
  bool long_line = continuing_long_line_ || !piece.ends_line;
  continuing_long_line_ = !piece.ends_line;

  std::string_view text = piece.bytes;
  if (charset_.is_utf8()) {
    if (at_file_start && text.substr(0, kUtf8Bom.size()) == kUtf8Bom) {
      text.remove_prefix(kUtf8Bom.size());
    }
    if (ValidUtf8PrefixLength(text) != text.size()) {
      converted_.clear();
      stats.invalid_utf8 += AppendSanitizedUtf8(text, &converted_);
      text = converted_;
    }
  } else {
    converted_.clear();
    stats.invalid_utf8 += charset_.ToUtf8(text, &converted_, at_file_start);
    text = converted_;
  }
  if (long_line && text.empty()) {
    assembler_.AddNothing(piece.end_offset, sink);  // a long line's "\r" alone
  } else if (long_line) {
    ++stats.split_parts;
    assembler_.AddLongLinePiece(text, piece.end_offset, now, sink, stats);
  } else {
    assembler_.AddLine(text, piece.end_offset, now, sink, stats);
  }
}

StatusOr<bool> FileSource::Rewritten() {
  auto info = file_->Stat();
  if (!info.ok()) return info.status();
  if (info->size < read_offset_) return true;
  if (!tail_bytes_.empty()) {
    std::string now(tail_bytes_.size(), '\0');
    auto n = file_->ReadAt(read_offset_ - now.size(), now.data(), now.size());
    if (!n.ok()) return n.status();
    if (*n != now.size() || now != tail_bytes_) return true;
  }
  if (head_.length > 0) {  // as in ReadSome: the tail alone can mislead
    if (info->size < head_.length) return true;
    auto now_head = ReadFingerprint(*file_, head_.length);
    if (!now_head.ok()) return now_head.status();
    return *now_head != head_;
  }
  return false;
}

void FileSource::StartOver(HeldLine held, uint32_t new_id, TailTime now, RecordSink& sink,
                           TailStats& stats) {
  ++stats.truncations;
  if (held == HeldLine::kHandOn) {
    framer_.Flush([&](const LinePiece& piece) { Emit(piece, now, sink, stats); });
  }
  assembler_.Restart(new_id, held == HeldLine::kHandOn ? RecordAssembler::Pending::kHandOn
                                                       : RecordAssembler::Pending::kDiscard,
                     now, sink, stats);
  id_ = new_id;
  read_offset_ = 0;
  ResetFramer(0);
  at_end_ = false;
  head_ = Fingerprint{};
  tail_bytes_.clear();
  handed_on_mark_ = HandedOnMark{};
  // Nothing read of it again: until its first read, it cannot show another
  // truncation; what was copied away meanwhile can.
  first_read_checked_ = false;
  looked_ = false;
  started_over_ = true;
}

void FileSource::FlushAll(TailTime now, RecordSink& sink, TailStats& stats) {
  framer_.Flush([&](const LinePiece& piece) { Emit(piece, now, sink, stats); });
  assembler_.Flush(now, sink, stats);
}

void FileSource::FlushIfQuiet(TailTime now, RecordSink& sink, TailStats& stats) {
  assembler_.FlushIfQuiet(now, sink, stats);
}

}  // namespace edgelog
