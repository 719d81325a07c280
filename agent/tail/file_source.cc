#include "agent/tail/file_source.h"

#include <algorithm>

#include "agent/base/cloudwatch_limits.h"
#include "agent/text/utf8.h"

namespace edgelog {

FileSource::FileSource(uint32_t id, uint32_t entry, std::string path, FileId file_id,
                       std::unique_ptr<ReadableFile> file, uint64_t offset,
                       Fingerprint head)
    : id_(id),
      entry_(entry),
      path_(std::move(path)),
      file_id_(file_id),
      file_(std::move(file)),
      read_offset_(offset),
      framer_(offset, kMaxEventMessageBytes),
      emitted_(offset),
      head_(head) {}

StatusOr<size_t> FileSource::ReadSome(size_t max_bytes, int64_t now_ms,
                                      std::string* buffer, RecordSink& sink,
                                      TailStats& stats) {
  if (read_offset_ > 0 && head_.length > 0) {
    auto now = ReadFingerprint(*file_, head_.length);
    if (!now.ok()) return now.status();
    if (*now != head_) StartOver(stats);  // rewritten since: read it anew
  }
  if (buffer->size() < max_bytes) buffer->resize(max_bytes);
  auto n = file_->ReadAt(read_offset_, buffer->data(), max_bytes);
  if (!n.ok()) return n.status();
  at_end_ = *n < max_bytes;
  if (*n == 0) return size_t{0};
  if (read_offset_ < kFingerprintBytes && head_.length < kFingerprintBytes) {
    if (read_offset_ == 0) {  // the buffer starts at the file's start
      head_ = FingerprintOf(std::string_view(buffer->data(), std::min(*n, kFingerprintBytes)));
    } else if (auto whole = ReadFingerprint(*file_, kFingerprintBytes); whole.ok()) {
      head_ = *whole;
    }
  }
  read_offset_ += *n;
  stats.bytes_read += *n;
  framer_.Feed(std::string_view(buffer->data(), *n),
               [&](const LinePiece& piece) { Emit(piece, now_ms, sink, stats); });
  return *n;
}

void FileSource::Emit(const LinePiece& piece, int64_t now_ms, RecordSink& sink,
                      TailStats& stats) {
  if (piece.bytes.empty()) {
    // An empty end of a long line (its "\r" alone) is not an empty line.
    if (!continuing_long_line_) ++stats.empty_lines;
    continuing_long_line_ = false;
    emitted_ = piece.end_offset;
    sink.OnSkipped(id_, piece.end_offset);
    return;
  }
  std::string_view text = piece.bytes;
  if (ValidUtf8PrefixLength(text) != text.size()) {
    sanitized_.clear();
    stats.invalid_utf8 += AppendSanitizedUtf8(text, &sanitized_);
    text = sanitized_;
  }
  bool part_of_long_line = continuing_long_line_ || !piece.ends_line ||
                           text.size() > kMaxEventMessageBytes;
  // Only the last part of a split piece covers the piece's bytes: a crash
  // after delivering the first part re-reads the whole piece.
  while (!text.empty()) {
    size_t cut = Utf8BoundaryAtOrBefore(text, kMaxEventMessageBytes);
    bool last = cut == text.size();
    Record r;
    r.source = id_;
    r.timestamp_ms = now_ms;
    r.message = text.substr(0, cut);
    r.end_offset = last ? piece.end_offset : emitted_;
    sink.OnRecord(r);
    ++stats.records;
    if (part_of_long_line) ++stats.split_parts;
    text.remove_prefix(cut);
  }
  continuing_long_line_ = !piece.ends_line;
  emitted_ = piece.end_offset;
}

StatusOr<bool> FileSource::CheckTruncation(TailStats& stats) {
  auto info = file_->Stat();
  if (!info.ok()) return info.status();
  if (info->size >= read_offset_) return false;
  StartOver(stats);
  return true;
}

void FileSource::StartOver(TailStats& stats) {
  ++stats.truncations;
  read_offset_ = 0;
  framer_ = LineFramer(0, kMaxEventMessageBytes);
  emitted_ = 0;
  at_end_ = false;
  continuing_long_line_ = false;
  head_ = Fingerprint{};
}

}  // namespace edgelog
