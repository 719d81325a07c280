#include "agent/text/line_framer.h"

#include <algorithm>
#include <cstring>

#include "agent/text/utf8.h"

namespace edgelog {

LineFramer::LineFramer(uint64_t start_offset, size_t max_piece, NewlineUnit unit)
    : max_piece_(std::max(max_piece, kMinMaxPiece)), unit_(unit), emitted_offset_(start_offset) {}

size_t LineFramer::CutPoint(std::string_view text) const {
  if (unit_ == NewlineUnit::kByte) {
    size_t cut = WithoutIncompleteTail(text.substr(0, max_piece_));
    return cut == 0 ? max_piece_ : cut;  // not UTF-8 at all: cut anywhere
  }
  size_t cut = max_piece_ & ~size_t{1};  // whole 16-bit units
  // Do not separate a high surrogate (D800-DBFF) from its partner.
  size_t high = unit_ == NewlineUnit::kUtf16Le ? 1 : 0;
  if (cut > 2 && (static_cast<unsigned char>(text[cut - 2 + high]) & 0xFC) == 0xD8) {
    cut -= 2;
  }
  return cut;
}

bool LineFramer::EndsWithCarriageReturn(std::string_view line) const {
  switch (unit_) {
    case NewlineUnit::kByte:
      return !line.empty() && line.back() == '\r';
    case NewlineUnit::kUtf16Le:
      return line.size() >= 2 && line[line.size() - 2] == '\r' && line.back() == '\0';
    case NewlineUnit::kUtf16Be:
      return line.size() >= 2 && line[line.size() - 2] == '\0' && line.back() == '\r';
  }
  return false;
}

void LineFramer::EmitLine(std::string_view line, size_t newline_size, const Sink& sink) {
  uint64_t end = emitted_offset_ + line.size() + newline_size;  // past the newline
  if (EndsWithCarriageReturn(line)) line.remove_suffix(unit_size());
  while (line.size() > max_piece_) {
    size_t cut = CutPoint(line);
    emitted_offset_ += cut;
    sink(LinePiece{line.substr(0, cut), emitted_offset_, false});
    line.remove_prefix(cut);
  }
  emitted_offset_ = end;
  sink(LinePiece{line, end, true});
}

void LineFramer::Feed(std::string_view data, const Sink& sink) {
  if (unit_ != NewlineUnit::kByte) {
    FeedUtf16(data, sink);
    return;
  }
  while (!data.empty()) {
    const char* nl =
        static_cast<const char*>(std::memchr(data.data(), '\n', data.size()));
    if (nl == nullptr) {
      pending_.append(data);
      CutLongPending(sink);
      return;
    }
    size_t len = static_cast<size_t>(nl - data.data());
    if (pending_.empty()) {
      EmitLine(data.substr(0, len), 1, sink);  // no copy on the common path
    } else {
      pending_.append(data.data(), len);
      EmitLine(pending_, 1, sink);
      pending_.clear();
    }
    data.remove_prefix(len + 1);
  }
}

void LineFramer::FeedUtf16(std::string_view data, const Sink& sink) {
  // UTF-16 logs are rare: simplicity over speed. Units are scanned in
  // pending_, whose first byte is always at an even file offset.
  pending_.append(data);
  const char lo = unit_ == NewlineUnit::kUtf16Le ? '\n' : '\0';
  const char hi = unit_ == NewlineUnit::kUtf16Le ? '\0' : '\n';
  size_t line_start = 0;
  for (size_t i = 0; i + 1 < pending_.size(); i += 2) {
    if (pending_[i] != lo || pending_[i + 1] != hi) continue;
    EmitLine(std::string_view(pending_).substr(line_start, i - line_start), 2, sink);
    line_start = i + 2;
  }
  pending_.erase(0, line_start);
  CutLongPending(sink);
}

void LineFramer::CutLongPending(const Sink& sink) {
  // Cut only with a carriage return's worth of bytes to spare (plus one), so
  // a trailing '\r' stays behind with a byte before it: when its '\n' comes,
  // the line ends as usual.
  while (pending_.size() > max_piece_ + 2 * unit_size() - 1) {
    size_t cut = CutPoint(pending_);
    emitted_offset_ += cut;
    sink(LinePiece{std::string_view(pending_.data(), cut), emitted_offset_, false});
    pending_.erase(0, cut);
  }
}

void LineFramer::Flush(const Sink& sink) {
  if (pending_.empty()) return;
  // Up to 2 * unit_size() - 1 bytes past max_piece are held for a carriage
  // return: cut those off as for any long line.
  std::string_view rest = pending_;
  while (rest.size() > max_piece_) {
    size_t cut = CutPoint(rest);
    emitted_offset_ += cut;
    sink(LinePiece{rest.substr(0, cut), emitted_offset_, false});
    rest.remove_prefix(cut);
  }
  emitted_offset_ += rest.size();
  sink(LinePiece{rest, emitted_offset_, true});
  pending_.clear();
}

}  // namespace edgelog
