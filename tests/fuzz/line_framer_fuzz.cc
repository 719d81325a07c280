// LineFramer (agent/text/line_framer.h): the bytes of a file cut into lines.
//
// Input: byte 0 picks max_piece (kMinMaxPiece and up), byte 1 the newline
// unit (UTF-8 bytes, UTF-16LE, UTF-16BE), byte 2 the size of the chunks the
// rest is fed in; the rest is the file. Checked: every piece is at most
// max_piece bytes (the framer's documented promise); the pieces, with the
// newlines between them, reproduce the file byte for byte and their end
// offsets say where each ends; no piece holds a newline; held bytes stay
// bounded; feeding in chunks gives the pieces feeding at once gives; a
// valid UTF-8 line is cut only between characters.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "agent/text/line_framer.h"
#include "agent/text/utf8.h"
#include "tests/fuzz/fuzz_check.h"

namespace edgelog {
namespace {

struct Piece {
  std::string bytes;
  uint64_t end_offset;
  bool ends_line;
  bool operator==(const Piece& o) const {
    return bytes == o.bytes && end_offset == o.end_offset && ends_line == o.ends_line;
  }
};

constexpr uint64_t kStart = 1000;  // pieces' offsets count from here

std::vector<Piece> Frame(std::string_view file, size_t max_piece, NewlineUnit unit,
                         size_t chunk) {
  std::vector<Piece> pieces;
  LineFramer framer(kStart, max_piece, unit);
  LineFramer::Sink sink = [&](const LinePiece& p) {
    FUZZ_CHECK(p.bytes.size() <= max_piece);
    pieces.push_back(Piece{std::string(p.bytes), p.end_offset, p.ends_line});
  };
  const size_t held_limit = max_piece + (unit == NewlineUnit::kByte ? 1 : 3);
  for (size_t at = 0; at < file.size(); at += chunk) {
    framer.Feed(file.substr(at, chunk), sink);
    FUZZ_CHECK(framer.pending_bytes() <= held_limit);
  }
  framer.Flush(sink);
  FUZZ_CHECK(framer.pending_bytes() == 0);
  FUZZ_CHECK(framer.emitted_offset() == kStart + file.size());
  return pieces;
}

// The newline and the carriage return in `unit`.
std::string Unit(NewlineUnit unit, char c) {
  switch (unit) {
    case NewlineUnit::kByte: return std::string(1, c);
    case NewlineUnit::kUtf16Le: return std::string{c, '\0'};
    case NewlineUnit::kUtf16Be: return std::string{'\0', c};
  }
  return "";
}

// The pieces, with what lies between them, are the file.
void CheckReassembles(std::string_view file, const std::vector<Piece>& pieces,
                      NewlineUnit unit) {
  const std::string nl = Unit(unit, '\n');
  const std::string crlf = Unit(unit, '\r') + nl;
  uint64_t at = kStart;
  for (size_t i = 0; i < pieces.size(); ++i) {
    const Piece& p = pieces[i];
    FUZZ_CHECK(p.end_offset >= at + p.bytes.size());
    FUZZ_CHECK(file.substr(at - kStart, p.bytes.size()) == p.bytes);
    std::string_view gap =
        file.substr(at - kStart + p.bytes.size(), p.end_offset - at - p.bytes.size());
    const bool last = i + 1 == pieces.size();
    if (!p.ends_line || (last && p.end_offset == kStart + file.size() && gap.empty())) {
      FUZZ_CHECK(gap.empty());  // a cut, or the flushed last line
    } else {
      FUZZ_CHECK(gap == nl || gap == crlf);
    }
    at = p.end_offset;
  }
  FUZZ_CHECK(at == kStart + file.size() || (pieces.empty() && file.empty()));
}

}  // namespace
}  // namespace edgelog

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace edgelog;
  if (size < 3) return 0;
  const size_t max_piece = kMinMaxPiece + data[0] % 61;
  const NewlineUnit unit = data[1] % 3 == 0   ? NewlineUnit::kByte
                           : data[1] % 3 == 1 ? NewlineUnit::kUtf16Le
                                              : NewlineUnit::kUtf16Be;
  const size_t chunk = 1 + data[2] % 97;
  std::string_view file = fuzz::AsView(data + 3, size - 3);

  std::vector<Piece> at_once = Frame(file, max_piece, unit, file.size() + 1);
  CheckReassembles(file, at_once, unit);
  std::vector<Piece> chunked = Frame(file, max_piece, unit, chunk);
  FUZZ_CHECK(chunked == at_once);

  if (unit == NewlineUnit::kByte) {
    for (const Piece& p : at_once) FUZZ_CHECK(p.bytes.find('\n') == std::string::npos);
  }
  if (unit == NewlineUnit::kByte && ValidUtf8PrefixLength(file) == file.size()) {
    for (const Piece& p : at_once) {
      FUZZ_CHECK(ValidUtf8PrefixLength(p.bytes) == p.bytes.size());
    }
  }
  return 0;
}
