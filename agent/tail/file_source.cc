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

StatusOr<size_t> FileSource::ReadSome(size_t max_bytes, int64_t now_ms,
                                      std::string* buffer, RecordSink& sink,
                                      TailStats& stats) {
  if (buffer->size() < max_bytes) buffer->resize(max_bytes);
  auto n = file_->ReadAt(read_offset_, buffer->data(), max_bytes);
  if (!n.ok()) return n.status();
  at_end_ = *n < max_bytes;
  if (*n == 0) {
    if (idle_since_ms_ < 0) idle_since_ms_ = now_ms;
    return size_t{0};
  }
  idle_since_ms_ = -1;
  finishing_ = false;  // more came: judge again at the next end
  std::string_view data(buffer->data(), *n);
  if (read_offset_ < kFingerprintBytes && head_.length < kFingerprintBytes) {
    if (read_offset_ == 0) {  // the buffer starts at the file's start
      head_ = FingerprintOf(data.substr(0, kFingerprintBytes));
    } else if (auto whole = ReadFingerprint(*file_, kFingerprintBytes); whole.ok()) {
      head_ = *whole;
    }
  }
  read_offset_ += *n;
  stats.bytes_read += *n;
  RememberRead(data);
  framer_.Feed(data, [&](const LinePiece& piece) { Emit(piece, now_ms, sink, stats); });
  return *n;
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

void FileSource::Emit(const LinePiece& piece, int64_t now_ms, RecordSink& sink,
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
  if (text.empty()) {
    // The rest of a long line can be its "\r" alone: not an empty line.
    if (!long_line) ++stats.empty_lines;
    assembler_.AddEmpty(piece.end_offset, sink);
  } else if (long_line) {
    ++stats.split_parts;
    assembler_.AddLongLinePiece(text, piece.end_offset, now_ms, sink, stats);
  } else {
    assembler_.AddLine(text, piece.end_offset, now_ms, sink, stats);
  }
}

StatusOr<bool> FileSource::Truncated() {
  auto info = file_->Stat();
  if (!info.ok()) return info.status();
  if (info->size < read_offset_) return true;
  if (read_offset_ == 0 || head_.length == 0) return false;
  auto now = ReadFingerprint(*file_, head_.length);
  if (!now.ok()) return now.status();
  return *now != head_;
}

void FileSource::StartOver(HeldLine held, int64_t now_ms, RecordSink& sink,
                           TailStats& stats) {
  ++stats.truncations;
  if (held == HeldLine::kHandOn) {
    framer_.Flush([&](const LinePiece& piece) { Emit(piece, now_ms, sink, stats); });
  }
  assembler_.Restart(now_ms, sink, stats);
  read_offset_ = 0;
  ResetFramer(0);
  at_end_ = false;
  head_ = Fingerprint{};
  tail_bytes_.clear();
}

void FileSource::FlushAll(int64_t now_ms, RecordSink& sink, TailStats& stats) {
  framer_.Flush([&](const LinePiece& piece) { Emit(piece, now_ms, sink, stats); });
  assembler_.Flush(now_ms, sink, stats);
}

void FileSource::FlushIfQuiet(int64_t now_ms, RecordSink& sink, TailStats& stats) {
  assembler_.FlushIfQuiet(now_ms, sink, stats);
}

}  // namespace edgelog
