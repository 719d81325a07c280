#include "agent/text/line_framer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "agent/text/utf8.h"

namespace edgelog {
namespace {

// A copy of one piece handed to the sink (the bytes die when it returns).
struct Piece {
  std::string bytes;
  uint64_t end_offset;
  bool ends_line;

  bool operator==(const Piece& o) const {
    return bytes == o.bytes && end_offset == o.end_offset && ends_line == o.ends_line;
  }
};

std::ostream& operator<<(std::ostream& os, const Piece& p) {
  return os << "{\"" << p.bytes << "\", " << p.end_offset << ", "
            << (p.ends_line ? "line" : "cut") << "}";
}

// Feeds its input and records every piece.
class Collector {
 public:
  Collector(uint64_t start_offset, size_t max_piece) : framer_(start_offset, max_piece) {}

  void Feed(std::string_view data) { framer_.Feed(data, sink_); }
  void FeedByteByByte(std::string_view data) {
    for (char c : data) framer_.Feed(std::string_view(&c, 1), sink_);
  }
  void Flush() { framer_.Flush(sink_); }

  const std::vector<Piece>& pieces() const { return pieces_; }
  LineFramer& framer() { return framer_; }

 private:
  LineFramer framer_;
  std::vector<Piece> pieces_;
  LineFramer::Sink sink_ = [this](const LinePiece& p) {
    pieces_.push_back(Piece{std::string(p.bytes), p.end_offset, p.ends_line});
  };
};

constexpr size_t kLargePiece = 1 << 20;

TEST(LineFramerTest, NewlineIsRemovedAndEndOffsetIsPastIt) {
  Collector c(0, kLargePiece);
  c.Feed("hello\nworld\n");
  EXPECT_EQ((std::vector<Piece>{{"hello", 6, true}, {"world", 12, true}}), c.pieces());
  EXPECT_EQ(12u, c.framer().emitted_offset());
  EXPECT_EQ(0u, c.framer().pending_bytes());
}

TEST(LineFramerTest, OffsetsStartAtTheGivenStartOffset) {
  Collector c(1000, kLargePiece);
  c.Feed("ab\ncde\n");
  EXPECT_EQ((std::vector<Piece>{{"ab", 1003, true}, {"cde", 1007, true}}), c.pieces());
  EXPECT_EQ(1007u, c.framer().emitted_offset());
}

TEST(LineFramerTest, CarriageReturnBeforeNewlineIsRemoved) {
  Collector c(0, kLargePiece);
  c.Feed("a\r\nb\r\n");
  EXPECT_EQ((std::vector<Piece>{{"a", 3, true}, {"b", 6, true}}), c.pieces());
}

TEST(LineFramerTest, OnlyOneCarriageReturnIsRemoved) {
  Collector c(0, kLargePiece);
  c.Feed("a\r\r\n");
  EXPECT_EQ((std::vector<Piece>{{"a\r", 4, true}}), c.pieces());
}

TEST(LineFramerTest, CarriageReturnNotBeforeNewlineIsKept) {
  Collector c(0, kLargePiece);
  c.Feed("a\rb\n\rc\n");
  EXPECT_EQ((std::vector<Piece>{{"a\rb", 4, true}, {"\rc", 7, true}}), c.pieces());
}

TEST(LineFramerTest, CarriageReturnAndNewlineInSeparateFeedsAreStillOneCrlf) {
  Collector c(0, kLargePiece);
  c.Feed("abc\r");
  EXPECT_TRUE(c.pieces().empty());
  c.Feed("\n");
  EXPECT_EQ((std::vector<Piece>{{"abc", 5, true}}), c.pieces());
}

TEST(LineFramerTest, EmptyLinesProduceEmptyPieces) {
  Collector c(0, kLargePiece);
  c.Feed("\n\r\nx\n\n");
  EXPECT_EQ((std::vector<Piece>{{"", 1, true}, {"", 3, true}, {"x", 5, true}, {"", 6, true}}),
            c.pieces());
}

TEST(LineFramerTest, LineSplitAcrossManyFeedsIsOneLine) {
  Collector c(7, kLargePiece);
  for (std::string_view part : {"th", "e qu", "", "ick b", "rown f", "ox"}) {
    c.Feed(part);
    EXPECT_TRUE(c.pieces().empty());
  }
  c.Feed("\nnext");
  EXPECT_EQ((std::vector<Piece>{{"the quick brown fox", 27, true}}), c.pieces());
  EXPECT_EQ(27u, c.framer().emitted_offset());
  EXPECT_EQ(4u, c.framer().pending_bytes());
}

TEST(LineFramerTest, ByteByByteFeedingGivesTheSamePiecesAsOneFeed) {
  const std::string text = "one\r\ntwo\n\nthree\r\r\nfour\rfive\n";
  Collector whole(50, kLargePiece);
  whole.Feed(text);
  Collector bytes(50, kLargePiece);
  bytes.FeedByteByByte(text);
  EXPECT_EQ(whole.pieces(), bytes.pieces());
  ASSERT_EQ(5u, whole.pieces().size());
  EXPECT_EQ(50 + text.size(), whole.pieces().back().end_offset);
}

TEST(LineFramerTest, EndOffsetOfEveryLineIsJustPastItsNewline) {
  const std::string text = "a\nbb\r\n\nccc\r\r\ndddd\n";
  Collector c(0, kLargePiece);
  c.Feed(text);
  uint64_t search_from = 0;
  for (const Piece& p : c.pieces()) {
    size_t nl = text.find('\n', search_from);
    ASSERT_NE(std::string::npos, nl);
    EXPECT_EQ(nl + 1, p.end_offset) << p;
    search_from = nl + 1;
  }
  EXPECT_EQ(5u, c.pieces().size());
}

TEST(LineFramerTest, FlushHandsOverTheIncompleteLastLine) {
  Collector c(10, kLargePiece);
  c.Feed("done\npartial");
  EXPECT_EQ(7u, c.framer().pending_bytes());
  c.Flush();
  EXPECT_EQ((std::vector<Piece>{{"done", 15, true}, {"partial", 22, true}}), c.pieces());
  EXPECT_EQ(22u, c.framer().emitted_offset());
  EXPECT_EQ(0u, c.framer().pending_bytes());
}

TEST(LineFramerTest, FlushWithNothingPendingHandsOverNothing) {
  Collector c(0, kLargePiece);
  c.Feed("line\n");
  c.Flush();
  c.Flush();
  EXPECT_EQ(1u, c.pieces().size());
  EXPECT_EQ(5u, c.framer().emitted_offset());
}

TEST(LineFramerTest, FeedingAfterFlushContinuesAtTheFlushedOffset) {
  Collector c(0, kLargePiece);
  c.Feed("abc");
  c.Flush();
  c.Feed("def\n");
  EXPECT_EQ((std::vector<Piece>{{"abc", 3, true}, {"def", 7, true}}), c.pieces());
}

TEST(LineFramerTest, EmittedOffsetCoversOnlyWhatWasHandedOver) {
  Collector c(100, kLargePiece);
  c.Feed("abc\ndef");
  EXPECT_EQ(104u, c.framer().emitted_offset());
  EXPECT_EQ(3u, c.framer().pending_bytes());
}

// Checks that `pieces` are a cover of `text` fed from `start`: the bytes
// concatenate back to the text without newlines, end offsets increase and
// the last one is the end of the text.
void ExpectPiecesReassemble(const std::vector<Piece>& pieces, uint64_t start,
                            const std::string& line, size_t max_piece) {
  std::string joined;
  uint64_t offset = start;
  for (size_t i = 0; i < pieces.size(); ++i) {
    const Piece& p = pieces[i];
    EXPECT_LE(p.bytes.size(), max_piece) << "piece " << i;
    EXPECT_FALSE(p.bytes.empty()) << "piece " << i;
    bool last = i + 1 == pieces.size();
    EXPECT_EQ(last, p.ends_line) << "piece " << i;
    uint64_t expected_end = offset + p.bytes.size() + (last ? 1 : 0);
    EXPECT_EQ(expected_end, p.end_offset) << "piece " << i;
    offset = p.end_offset;
    joined += p.bytes;
  }
  EXPECT_EQ(line, joined);
}

TEST(LineFramerTest, LongLineFedByteByByteArrivesInPiecesThatReassemble) {
  std::string line;
  for (int i = 0; i < 100; ++i) line += static_cast<char>('a' + i % 26);
  Collector c(5, 16);
  c.FeedByteByByte(line + "\n");
  ASSERT_GT(c.pieces().size(), 1u);
  ExpectPiecesReassemble(c.pieces(), 5, line, 16);
  EXPECT_EQ(5 + line.size() + 1, c.framer().emitted_offset());
}

TEST(LineFramerTest, LongLineFedInChunksWithoutNewlineArrivesInPieces) {
  std::string line(1000, 'x');
  Collector c(0, 64);
  for (size_t i = 0; i < line.size(); i += 100) c.Feed(std::string_view(line).substr(i, 100));
  c.Feed("\n");
  ExpectPiecesReassemble(c.pieces(), 0, line, 64);
}

TEST(LineFramerTest, LongLineInOneFeedArrivesInPiecesOfAtMostMaxPiece) {
  // The header: a line longer than max_piece is handed over in pieces of at
  // most max_piece bytes, whatever the chunks it was read in.
  std::string line(100, 'y');
  Collector c(0, 16);
  c.Feed(line + "\nshort\n");
  ASSERT_FALSE(c.pieces().empty());
  std::vector<Piece> first_line(c.pieces().begin(), c.pieces().end() - 1);
  ExpectPiecesReassemble(first_line, 0, line, 16);
  EXPECT_EQ((Piece{"short", 107, true}), c.pieces().back());
}

TEST(LineFramerTest, LongLineEndingAfterPendingBytesArrivesInPiecesOfAtMostMaxPiece) {
  // Part of the line is held back, the rest arrives with its newline.
  std::string line(100, 'z');
  Collector c(0, 16);
  c.Feed(std::string_view(line).substr(0, 10));
  c.Feed(line.substr(10) + "\n");
  ExpectPiecesReassemble(c.pieces(), 0, line, 16);
}

TEST(LineFramerTest, LineOneByteLongerThanMaxPieceIsCutIntoTwoPieces) {
  // "abcde" grows past max_piece (4) before its newline comes.
  Collector c(0, 4);
  c.FeedByteByByte("abcde\n");
  ExpectPiecesReassemble(c.pieces(), 0, "abcde", 4);
  EXPECT_EQ(2u, c.pieces().size());
}

TEST(LineFramerTest, LineOfExactlyMaxPieceIsOnePiece) {
  Collector c(0, 4);
  c.FeedByteByByte("abcd\nefgh\r\n");
  EXPECT_EQ((std::vector<Piece>{{"abcd", 5, true}, {"efgh", 11, true}}), c.pieces());
}

TEST(LineFramerTest, ForcedCutDoesNotSeparateCarriageReturnFromItsNewline) {
  // max_piece 4: "abcd" is held until it is sure no "\r\n" follows.
  for (size_t len = 1; len <= 12; ++len) {
    std::string line(len, 'q');
    Collector c(0, 4);
    c.FeedByteByByte(line + "\r\n");
    std::string joined;
    for (const Piece& p : c.pieces()) {
      joined += p.bytes;
      EXPECT_EQ(std::string::npos, p.bytes.find('\r')) << "length " << len << " " << p;
    }
    EXPECT_EQ(line, joined) << "length " << len;
    ASSERT_FALSE(c.pieces().empty());
    EXPECT_TRUE(c.pieces().back().ends_line);
    EXPECT_EQ(len + 2, c.pieces().back().end_offset);
  }
}

TEST(LineFramerTest, MultiByteCharacterStraddlingTheCutIsNotSplit) {
  // max_piece 5: the euro sign at bytes 4..6 would straddle a cut at 5.
  const std::string line = "abcd\xE2\x82\xAC" "efgh\xF0\x9F\x98\x80ijklmno\xC3\xA9pq";
  for (size_t max_piece : {4u, 5u, 6u, 7u}) {
    Collector c(0, max_piece);
    c.FeedByteByByte(line + "\n");
    ASSERT_GT(c.pieces().size(), 1u) << "max_piece " << max_piece;
    std::string joined;
    for (const Piece& p : c.pieces()) {
      EXPECT_EQ(p.bytes.size(), ValidUtf8PrefixLength(p.bytes))
          << "max_piece " << max_piece << " split a character: " << p;
      if (!p.ends_line) {
        EXPECT_LE(p.bytes.size(), max_piece) << p;
      }
      joined += p.bytes;
    }
    EXPECT_EQ(line, joined) << "max_piece " << max_piece;
    EXPECT_EQ(line.size() + 1, c.pieces().back().end_offset);
  }
}

TEST(LineFramerTest, InvalidUtf8IsStillCutAtMaxPiece) {
  // Lone continuation bytes have no character boundary to respect.
  std::string line(50, '\x80');
  Collector c(0, 8);
  c.FeedByteByByte(line + "\n");
  ExpectPiecesReassemble(c.pieces(), 0, line, 8);
}

TEST(LineFramerTest, PendingBytesStayBoundedWhileFeedingAHugeLineByteByByte) {
  constexpr size_t kMaxPiece = 10;
  Collector c(0, kMaxPiece);
  std::string line;
  for (int i = 0; i < 100000; ++i) line += static_cast<char>('0' + i % 10);
  size_t most = 0;
  for (char ch : line) {
    c.Feed(std::string_view(&ch, 1));
    most = std::max(most, c.framer().pending_bytes());
    ASSERT_LE(c.framer().pending_bytes(), kMaxPiece + 2);
  }
  EXPECT_GE(most, kMaxPiece);  // it did hold a full piece at some point
  c.Feed("\n");
  ExpectPiecesReassemble(c.pieces(), 0, line, kMaxPiece);
}

TEST(LineFramerTest, PendingBytesStayBoundedForMultiByteText) {
  constexpr size_t kMaxPiece = 9;
  Collector c(0, kMaxPiece);
  std::string line;
  for (int i = 0; i < 2000; ++i) line += "\xF0\x9F\x98\x80" "a\xE2\x82\xAC";
  for (char ch : line) {
    c.Feed(std::string_view(&ch, 1));
    ASSERT_LE(c.framer().pending_bytes(), kMaxPiece + 2);
  }
  c.Feed("\n");
  ExpectPiecesReassemble(c.pieces(), 0, line, kMaxPiece);
  for (const Piece& p : c.pieces()) {
    ASSERT_EQ(p.bytes.size(), ValidUtf8PrefixLength(p.bytes)) << p;
  }
}

TEST(LineFramerTest, EmittedOffsetAdvancesWithForcedCuts) {
  Collector c(0, 4);
  c.Feed("abcdefghij");
  ASSERT_FALSE(c.pieces().empty());
  EXPECT_EQ(c.pieces().back().end_offset, c.framer().emitted_offset());
  EXPECT_EQ(10u, c.framer().emitted_offset() + c.framer().pending_bytes());
}

TEST(LineFramerTest, FlushAfterForcedCutsHandsOverTheRest) {
  const std::string line(30, 'k');
  Collector c(0, 8);
  c.FeedByteByByte(line);
  c.Flush();
  std::string joined;
  for (const Piece& p : c.pieces()) joined += p.bytes;
  EXPECT_EQ(line, joined);
  EXPECT_EQ(30u, c.pieces().back().end_offset);
  EXPECT_TRUE(c.pieces().back().ends_line);
  EXPECT_EQ(0u, c.framer().pending_bytes());
}

TEST(LineFramerTest, FlushCutsAHeldTailLongerThanMaxPiece) {
  // A line of max_piece + 1 bytes is held whole (its last byte might be a
  // carriage return); flushed, it still comes in pieces of at most max_piece.
  Collector c(0, 8);
  c.Feed("abcdefghi");
  EXPECT_TRUE(c.pieces().empty());
  c.Flush();
  EXPECT_EQ((std::vector<Piece>{{"abcdefgh", 8, false}, {"i", 9, true}}), c.pieces());
  EXPECT_EQ(9u, c.framer().emitted_offset());
}

TEST(LineFramerTest, MaxPieceBelowTheMinimumIsRaisedToIt) {
  // max_piece 0 used to cut pieces of no bytes forever.
  Collector c(0, 0);
  c.Feed("abcdefghij\n");
  EXPECT_EQ((std::vector<Piece>{{"abcd", 4, false}, {"efgh", 8, false}, {"ij", 11, true}}),
            c.pieces());
}

}  // namespace
}  // namespace edgelog
