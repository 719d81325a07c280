// LineFramer on UTF-16 files: newlines and carriage returns are two-byte
// units at even offsets, long lines are cut at even offsets without
// separating a surrogate pair, an odd trailing byte waits for its partner.
// (UTF-8 and other byte-oriented charsets: line_framer_test.cc.)
#include "agent/text/line_framer.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace edgelog {
namespace {

// `text` in UTF-16, little or big endian.
std::string Le(std::u16string_view text) {
  std::string out;
  for (char16_t u : text) {
    out += static_cast<char>(u & 0xFF);
    out += static_cast<char>(u >> 8);
  }
  return out;
}
std::string Be(std::u16string_view text) {
  std::string out;
  for (char16_t u : text) {
    out += static_cast<char>(u >> 8);
    out += static_cast<char>(u & 0xFF);
  }
  return out;
}

struct Piece {
  std::string bytes;
  uint64_t end_offset;
  bool ends_line;

  bool operator==(const Piece& o) const {
    return bytes == o.bytes && end_offset == o.end_offset && ends_line == o.ends_line;
  }
};

std::ostream& operator<<(std::ostream& os, const Piece& p) {
  os << "{";
  static constexpr char kHex[] = "0123456789abcdef";
  for (unsigned char c : p.bytes) os << kHex[c >> 4] << kHex[c & 0xF] << ' ';
  return os << "@" << p.end_offset << (p.ends_line ? " line" : " cut") << "}";
}

using Pieces = std::vector<Piece>;

class Utf16Collector {
 public:
  Utf16Collector(NewlineUnit unit, uint64_t start_offset = 0, size_t max_piece = 1 << 20)
      : framer_(start_offset, max_piece, unit) {}

  void Feed(std::string_view data) { framer_.Feed(data, sink_); }
  void FeedByteByByte(std::string_view data) {
    for (char c : data) framer_.Feed(std::string_view(&c, 1), sink_);
  }
  void Flush() { framer_.Flush(sink_); }

  const Pieces& pieces() const { return pieces_; }
  const LineFramer& framer() const { return framer_; }

 private:
  LineFramer framer_;
  Pieces pieces_;
  LineFramer::Sink sink_ = [this](const LinePiece& p) {
    pieces_.push_back(Piece{std::string(p.bytes), p.end_offset, p.ends_line});
  };
};

// ---- Newlines -------------------------------------------------------------------

TEST(LineFramerUtf16Test, LittleEndianLinesEndAtTheNewlineUnitWithExactOffsets) {
  Utf16Collector c(NewlineUnit::kUtf16Le);
  c.Feed(Le(u"ab\ncde\n"));
  EXPECT_EQ((Pieces{{Le(u"ab"), 6, true}, {Le(u"cde"), 14, true}}), c.pieces());
  EXPECT_EQ(14u, c.framer().emitted_offset());
  EXPECT_EQ(0u, c.framer().pending_bytes());
}

TEST(LineFramerUtf16Test, BigEndianLinesEndAtTheNewlineUnitWithExactOffsets) {
  Utf16Collector c(NewlineUnit::kUtf16Be);
  c.Feed(Be(u"ab\ncde\n"));
  EXPECT_EQ((Pieces{{Be(u"ab"), 6, true}, {Be(u"cde"), 14, true}}), c.pieces());
}

TEST(LineFramerUtf16Test, OffsetsStartAtTheStartOffset) {
  Utf16Collector c(NewlineUnit::kUtf16Le, 2);  // after a byte-order mark
  c.Feed(Le(u"x\n\ny\n"));
  EXPECT_EQ((Pieces{{Le(u"x"), 6, true}, {"", 8, true}, {Le(u"y"), 12, true}}), c.pieces());
}

TEST(LineFramerUtf16Test, ByteTenAtAnOddOffsetIsNotANewline) {
  // U+0A41 U+0100 is 41 0A 00 01 in little endian: "0A 00" at offset 1.
  Utf16Collector le(NewlineUnit::kUtf16Le);
  le.Feed(Le(u"\u0a41\u0100\n"));
  EXPECT_EQ((Pieces{{Le(u"\u0a41\u0100"), 6, true}}), le.pieces());
  // U+0100 U+0A41 is 01 00 0A 41 in big endian: "00 0A" at offset 1.
  Utf16Collector be(NewlineUnit::kUtf16Be);
  be.Feed(Be(u"\u0100\u0a41\n"));
  EXPECT_EQ((Pieces{{Be(u"\u0100\u0a41"), 6, true}}), be.pieces());
}

TEST(LineFramerUtf16Test, TheOtherByteOrdersNewlineIsACharacter) {
  // U+0A00 (GURMUKHI, unassigned but a unit) is "00 0A" in LE and "0A 00" in BE.
  Utf16Collector le(NewlineUnit::kUtf16Le);
  le.Feed(Le(u"a\u0a00b\n"));
  EXPECT_EQ((Pieces{{Le(u"a\u0a00b"), 8, true}}), le.pieces());
  Utf16Collector be(NewlineUnit::kUtf16Be);
  be.Feed(Be(u"a\u0a00b\n"));
  EXPECT_EQ((Pieces{{Be(u"a\u0a00b"), 8, true}}), be.pieces());
}

TEST(LineFramerUtf16Test, ANewlineUnitSplitAcrossFeedsStillEndsTheLine) {
  Utf16Collector c(NewlineUnit::kUtf16Le);
  std::string data = Le(u"a\nb\n");
  c.Feed(data.substr(0, 3));  // 61 00 0A
  EXPECT_TRUE(c.pieces().empty());
  EXPECT_EQ(3u, c.framer().pending_bytes());
  c.Feed(data.substr(3));
  EXPECT_EQ((Pieces{{Le(u"a"), 4, true}, {Le(u"b"), 8, true}}), c.pieces());
}

TEST(LineFramerUtf16Test, FeedingByteByByteFramesAsFeedingAtOnce) {
  std::u16string text = u"one\r\n\ntwo \U0001F600\r\r\n\u0a00\u0d00\nno end";
  for (NewlineUnit unit : {NewlineUnit::kUtf16Le, NewlineUnit::kUtf16Be}) {
    std::string data = unit == NewlineUnit::kUtf16Le ? Le(text) : Be(text);
    Utf16Collector at_once(unit, 0, 8);
    at_once.Feed(data);
    at_once.Flush();
    Utf16Collector bytewise(unit, 0, 8);
    bytewise.FeedByteByByte(data);
    bytewise.Flush();
    EXPECT_EQ(at_once.pieces(), bytewise.pieces());
    EXPECT_EQ(data.size(), bytewise.framer().emitted_offset());
  }
}

// ---- Carriage returns -------------------------------------------------------

TEST(LineFramerUtf16Test, OneCarriageReturnUnitBeforeTheNewlineIsRemoved) {
  Utf16Collector le(NewlineUnit::kUtf16Le);
  le.Feed(Le(u"a\r\nb\r\r\n"));
  EXPECT_EQ((Pieces{{Le(u"a"), 6, true}, {Le(u"b\r"), 14, true}}), le.pieces());
  Utf16Collector be(NewlineUnit::kUtf16Be);
  be.Feed(Be(u"a\r\nb\r\r\n"));
  EXPECT_EQ((Pieces{{Be(u"a"), 6, true}, {Be(u"b\r"), 14, true}}), be.pieces());
}

TEST(LineFramerUtf16Test, ACarriageReturnAloneIsAnEmptyLineBody) {
  Utf16Collector c(NewlineUnit::kUtf16Le);
  c.Feed(Le(u"\r\n"));
  EXPECT_EQ((Pieces{{"", 4, true}}), c.pieces());
}

TEST(LineFramerUtf16Test, ACarriageReturnInsideALineIsKept) {
  Utf16Collector c(NewlineUnit::kUtf16Be);
  c.Feed(Be(u"a\rb\n"));
  EXPECT_EQ((Pieces{{Be(u"a\rb"), 8, true}}), c.pieces());
}

TEST(LineFramerUtf16Test, OnlyATrueCarriageReturnUnitIsRemoved) {
  // U+0D00 is "00 0D" in LE; U+0D41 is "0D 41" in BE; U+0D00 in BE is
  // "0D 00", the LE spelling of CR. None of them is a carriage return.
  // U+010D (c with caron) is "0D 01" in LE and "01 0D" in BE.
  Utf16Collector le(NewlineUnit::kUtf16Le);
  le.Feed(Le(u"a\u0d00\nb\u010d\n"));
  EXPECT_EQ((Pieces{{Le(u"a\u0d00"), 6, true}, {Le(u"b\u010d"), 12, true}}), le.pieces());
  Utf16Collector be(NewlineUnit::kUtf16Be);
  be.Feed(Be(u"a\u0d00\nb\u0d41\nc\u010d\n"));
  EXPECT_EQ(
      (Pieces{{Be(u"a\u0d00"), 6, true}, {Be(u"b\u0d41"), 12, true}, {Be(u"c\u010d"), 18, true}}),
      be.pieces());
}

TEST(LineFramerUtf16Test, ACarriageReturnHeldAtACutIsRemovedWhenItsNewlineComes) {
  Utf16Collector c(NewlineUnit::kUtf16Le, 0, 4);
  c.Feed(Le(u"ab\r"));  // 6 bytes: within max_piece + 3, all wait
  EXPECT_EQ(Pieces{}, c.pieces());
  c.Feed(Le(u"\n"));
  EXPECT_EQ((Pieces{{Le(u"ab"), 8, true}}), c.pieces());
  c.Feed(Le(u"abc\r"));  // 8 bytes: "ab" is cut, "c\r" waits
  EXPECT_EQ((Pieces{{Le(u"ab"), 8, true}, {Le(u"ab"), 12, false}}), c.pieces());
  c.Feed(Le(u"\n"));
  EXPECT_EQ((Pieces{{Le(u"ab"), 8, true}, {Le(u"ab"), 12, false}, {Le(u"c"), 18, true}}),
            c.pieces());
}

// A line no longer than max_piece is one piece, as in byte mode (where the
// framer keeps "two bytes to spare" so that a trailing '\r' waits for its
// '\n'), wherever the reads happen to split its CR LF.
TEST(LineFramerUtf16Test, ALineOfExactlyMaxPieceEndingInCrLfIsOnePieceHoweverItArrives) {
  const std::string data = Le(u"abcd\r\n");  // 8 bytes of text, max_piece 8
  for (size_t split = 1; split < data.size(); ++split) {
    Utf16Collector c(NewlineUnit::kUtf16Le, 0, 8);
    c.Feed(data.substr(0, split));
    c.Feed(data.substr(split));
    EXPECT_EQ((Pieces{{Le(u"abcd"), 12, true}}), c.pieces()) << "reads split at byte " << split;
  }
}

// ---- Long lines -------------------------------------------------------------

TEST(LineFramerUtf16Test, LongLinesAreCutAtEvenOffsetsWithOddMaxPiece) {
  Utf16Collector c(NewlineUnit::kUtf16Le, 0, 5);
  c.Feed(Le(u"abcdefg\n"));
  EXPECT_EQ((Pieces{{Le(u"ab"), 4, false},
                    {Le(u"cd"), 8, false},
                    {Le(u"ef"), 12, false},
                    {Le(u"g"), 16, true}}),
            c.pieces());
}

TEST(LineFramerUtf16Test, AGrowingLineIsCutBeforeItsNewlineArrives) {
  Utf16Collector c(NewlineUnit::kUtf16Be, 100, 6);
  c.Feed(Be(u"abcdefgh"));  // 16 bytes
  EXPECT_EQ((Pieces{{Be(u"abc"), 106, false}, {Be(u"def"), 112, false}}), c.pieces());
  EXPECT_EQ(4u, c.framer().pending_bytes());
  c.Feed(Be(u"\n"));
  EXPECT_EQ((Piece{Be(u"gh"), 118, true}), c.pieces().back());
}

TEST(LineFramerUtf16Test, CutsKeepSurrogatePairsWhole) {
  // U+1F600 is D83D DE00. With 6-byte pieces the cut after "a" + high
  // surrogate would separate the pair; it moves back by one unit.
  for (NewlineUnit unit : {NewlineUnit::kUtf16Le, NewlineUnit::kUtf16Be}) {
    auto enc = [unit](std::u16string_view s) {
      return unit == NewlineUnit::kUtf16Le ? Le(s) : Be(s);
    };
    Utf16Collector c(unit, 0, 6);
    c.Feed(enc(u"ab\U0001F600cd\n"));
    EXPECT_EQ(
        (Pieces{{enc(u"ab"), 4, false}, {enc(u"\U0001F600c"), 10, false}, {enc(u"d"), 14, true}}),
        c.pieces());
  }
}

TEST(LineFramerUtf16Test, ACutRightAfterAWholePairStaysThere) {
  Utf16Collector c(NewlineUnit::kUtf16Le, 0, 6);
  c.Feed(Le(u"a\U0001F600bc\n"));
  EXPECT_EQ((Pieces{{Le(u"a\U0001F600"), 6, false}, {Le(u"bc"), 12, true}}), c.pieces());
}

TEST(LineFramerUtf16Test, PiecesNeverExceedMaxPieceAndHeldBytesStayBounded) {
  std::u16string text;
  for (int i = 0; i < 50; ++i) text += u"x\U0001F600y\r";
  text += u"\n";
  for (size_t max_piece : {4u, 5u, 6u, 7u, 9u}) {
    Utf16Collector c(NewlineUnit::kUtf16Le, 0, max_piece);
    std::string data = Le(text);
    for (char b : data) {
      c.Feed(std::string_view(&b, 1));
      EXPECT_LE(c.framer().pending_bytes(), max_piece + 3) << max_piece;
    }
    uint64_t previous_end = 0;
    std::string joined;
    for (const Piece& p : c.pieces()) {
      EXPECT_LE(p.bytes.size(), max_piece);
      EXPECT_EQ(0u, p.end_offset % 2) << p;
      EXPECT_GT(p.end_offset, previous_end) << p;
      previous_end = p.end_offset;
      joined += p.bytes;
    }
    // Everything but the final CR and newline units is handed over, in order.
    EXPECT_EQ(data.substr(0, data.size() - 4), joined) << max_piece;
    EXPECT_EQ(data.size(), c.framer().emitted_offset());
  }
}

// ---- Odd bytes and flushing -----------------------------------------------------------

TEST(LineFramerUtf16Test, AnOddTrailingByteIsHeldUntilItsPartnerArrives) {
  Utf16Collector c(NewlineUnit::kUtf16Le);
  std::string data = Le(u"ab\n");
  c.Feed(data.substr(0, 3));
  c.Feed(data.substr(3, 2));  // "00 0A": not a newline, it straddles units
  EXPECT_TRUE(c.pieces().empty());
  EXPECT_EQ(5u, c.framer().pending_bytes());
  c.Feed(data.substr(5));
  EXPECT_EQ((Pieces{{Le(u"ab"), 6, true}}), c.pieces());
}

TEST(LineFramerUtf16Test, FlushHandsOverTheHeldBytesOddByteIncluded) {
  Utf16Collector c(NewlineUnit::kUtf16Le, 10);
  std::string data = Le(u"a\nbc");
  data += 'd';  // half a unit
  c.Feed(data);
  c.Flush();
  EXPECT_EQ((Pieces{{Le(u"a"), 14, true}, {Le(u"bc") + "d", 19, true}}), c.pieces());
  EXPECT_EQ(0u, c.framer().pending_bytes());
  c.Flush();
  EXPECT_EQ(2u, c.pieces().size());
}

TEST(LineFramerUtf16Test, NewlineFramingResumesAtEvenOffsetsAfterFlush) {
  Utf16Collector c(NewlineUnit::kUtf16Le);
  c.Feed(Le(u"ab"));
  c.Flush();
  c.Feed(Le(u"c\n"));
  EXPECT_EQ((Pieces{{Le(u"ab"), 4, true}, {Le(u"c"), 8, true}}), c.pieces());
}

TEST(LineFramerUtf16Test, FlushCutsAHeldTailLongerThanMaxPiece) {
  Utf16Collector c(NewlineUnit::kUtf16Le, 0, 8);
  c.Feed(Le(u"abcde"));  // 10 bytes: held for a carriage return
  EXPECT_TRUE(c.pieces().empty());
  c.Flush();
  EXPECT_EQ((Pieces{{Le(u"abcd"), 8, false}, {Le(u"e"), 10, true}}), c.pieces());
}

TEST(LineFramerUtf16Test, MaxPieceBelowTheMinimumIsRaisedToIt) {
  // max_piece 1 used to cut pieces of no bytes forever.
  Utf16Collector c(NewlineUnit::kUtf16Le, 0, 1);
  c.Feed(Le(u"abc\n"));
  EXPECT_EQ((Pieces{{Le(u"ab"), 4, false}, {Le(u"c"), 8, true}}), c.pieces());
}

}  // namespace
}  // namespace edgelog
