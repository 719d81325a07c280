// LineFramer: cuts a byte stream into lines, with bounded memory.
//
// Bytes are fed in file order. Each complete line is handed to a sink
// without its '\n' (and without one '\r' before it); in UTF-16 files both
// are two-byte units at even offsets and cuts keep surrogate pairs whole.
// Every piece handed
// over is at most `max_piece` bytes: a longer line comes in consecutive
// pieces, cut on UTF-8 character boundaries where the input allows, and the
// pieces of a line still growing are handed over before its newline arrives,
// so the framer holds at most max_piece + 1 bytes between calls (+ 3 in
// UTF-16).
//
// Every piece carries the file offset just past its last byte (for a line:
// past its '\n'). Delivering all pieces up to and including one means the
// file is covered up to that offset.
#ifndef EDGELOG_AGENT_TEXT_LINE_FRAMER_H_
#define EDGELOG_AGENT_TEXT_LINE_FRAMER_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "agent/text/newline.h"

namespace edgelog {

// The smallest max_piece: room for any one character (4 bytes of UTF-8, a
// UTF-16 surrogate pair), so every cut moves forward. A smaller max_piece
// (0 would never finish a cut) is raised to this.
inline constexpr size_t kMinMaxPiece = 4;

struct LinePiece {
  std::string_view bytes;  // valid until the sink returns
  uint64_t end_offset;     // file offset just past this piece
  bool ends_line;          // false for a forced cut inside a long line
};

class LineFramer {
 public:
  using Sink = std::function<void(const LinePiece&)>;

  // `start_offset` is the file offset of the first byte that will be fed.
  // `max_piece` is at least kMinMaxPiece (a smaller one is raised to it).
  LineFramer(uint64_t start_offset, size_t max_piece,
             NewlineUnit unit = NewlineUnit::kByte);

  // Feeds the bytes that follow everything fed so far.
  void Feed(std::string_view data, const Sink& sink);

  // Hands over the held incomplete last line, if any, as a final piece.
  void Flush(const Sink& sink);

  // Offset just past the last byte handed to the sink.
  uint64_t emitted_offset() const { return emitted_offset_; }
  // Bytes of an incomplete line held back.
  size_t pending_bytes() const { return pending_.size(); }

 private:
  void FeedUtf16(std::string_view data, const Sink& sink);
  // Emits `line`, which starts at emitted_offset_ and is followed by a
  // newline of `newline_size` bytes.
  void EmitLine(std::string_view line, size_t newline_size, const Sink& sink);
  void CutLongPending(const Sink& sink);
  // Where to cut `text` (at least max_piece_ bytes) into a piece.
  size_t CutPoint(std::string_view text) const;
  // Whether `line` ends with a carriage return in this encoding.
  bool EndsWithCarriageReturn(std::string_view line) const;
  size_t unit_size() const { return unit_ == NewlineUnit::kByte ? 1 : 2; }

  size_t max_piece_;
  NewlineUnit unit_;
  uint64_t emitted_offset_;
  std::string pending_;  // bytes after emitted_offset_, no '\n' among them
};

}  // namespace edgelog

#endif  // EDGELOG_AGENT_TEXT_LINE_FRAMER_H_
