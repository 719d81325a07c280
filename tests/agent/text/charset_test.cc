#include "agent/text/charset.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "agent/text/utf8.h"

namespace edgelog {
namespace {

static_assert(!std::is_copy_constructible_v<Charset>,
              "a Charset owns an iconv descriptor");
static_assert(std::is_nothrow_move_constructible_v<Charset>);

const std::string kFffd(kReplacementCharacter);

// The charset `name`, which must be known.
Charset Must(std::string_view name) {
  StatusOr<Charset> found = Charset::Find(name);
  EXPECT_TRUE(found.ok()) << name << ": " << found.status().ToString();
  if (!found.ok()) return std::move(Charset::Find("utf-8")).value();
  return std::move(found).value();
}

// `bytes` in charset `name`, converted; `*replacements` gets the count.
std::string Convert(std::string_view name, std::string_view bytes,
                    size_t* replacements = nullptr) {
  Charset charset = Must(name);
  std::string out;
  size_t n = charset.ToUtf8(bytes, &out);
  if (replacements != nullptr) *replacements = n;
  return out;
}

// A string_view over a literal that may hold NUL bytes.
template <size_t N>
std::string_view Bytes(const char (&literal)[N]) {
  return std::string_view(literal, N - 1);
}

// --- Names --------------------------------------------------------------

TEST(CharsetTest, EmptyNameIsTheUtf8Default) {
  Charset charset = Must("");
  EXPECT_TRUE(charset.is_utf8());
  EXPECT_EQ("utf-8", charset.name());
  EXPECT_EQ(NewlineUnit::kByte, charset.newline());
}

TEST(CharsetTest, Utf8SpellingsNeedNoConversion) {
  for (const char* name : {"utf-8", "UTF8", "Utf-8", "utf_8", "ascii",
                           "unicode-1-1-utf-8", "  utf-8\t"}) {
    Charset charset = Must(name);
    EXPECT_TRUE(charset.is_utf8()) << name;
    EXPECT_EQ("utf-8", charset.name()) << name;
  }
}

TEST(CharsetTest, NamesAreCaseInsensitive) {
  EXPECT_EQ("utf-16le", Must("UTF-16LE").name());
  EXPECT_EQ("windows-1252", Must("Windows-1252").name());
  EXPECT_EQ("windows-1252", Must("LATIN1").name());
  EXPECT_EQ("gbk", Must("GBK").name());
  EXPECT_EQ("shift_jis", Must("Shift_JIS").name());
  EXPECT_EQ("euc-kr", Must("EUC-KR").name());
}

TEST(CharsetTest, AliasesResolveToTheirCanonicalName) {
  EXPECT_EQ("windows-1252", Must("iso-8859-1").name());
  EXPECT_EQ("windows-1252", Must("us-ascii").name());
  EXPECT_EQ("windows-1254", Must("latin5").name());
  EXPECT_EQ("shift_jis", Must("sjis").name());
  EXPECT_EQ("gbk", Must("gb2312").name());
  EXPECT_EQ("big5", Must("big5-hkscs").name());
  EXPECT_EQ("ibm437", Must("cp437").name());
}

TEST(CharsetTest, EveryAcceptedNameIsFoundUnderItsOwnName) {
  std::string names = Charset::AcceptedNames();
  size_t count = 0;
  size_t start = 0;
  while (start < names.size()) {
    size_t comma = names.find(", ", start);
    if (comma == std::string::npos) comma = names.size();
    std::string name = names.substr(start, comma - start);
    EXPECT_EQ(name, Must(name).name());
    ++count;
    start = comma + 2;
  }
  EXPECT_GE(count, 40u);
}

TEST(CharsetTest, AcceptedNamesCoverTheCommonCharsets) {
  std::string names = Charset::AcceptedNames();
  for (const char* name :
       {"utf-8", "utf-16", "utf-16le", "utf-16be", "gbk", "gb18030", "big5",
        "euc-jp", "euc-kr", "shift_jis", "iso-2022-jp", "koi8-r", "iso-8859-2",
        "iso-8859-16", "windows-1250", "windows-1258"}) {
    EXPECT_NE(std::string::npos, names.find(name)) << name;
  }
}

TEST(CharsetTest, UnknownNameIsInvalidArgumentNamingItAndTheAcceptedOnes) {
  StatusOr<Charset> found = Charset::Find("klingon-8");
  ASSERT_FALSE(found.ok());
  EXPECT_EQ(Code::kInvalidArgument, found.status().code());
  const std::string& message = found.status().message();
  EXPECT_NE(std::string::npos, message.find("\"klingon-8\"")) << message;
  EXPECT_NE(std::string::npos, message.find("utf-16le")) << message;
  EXPECT_NE(std::string::npos, message.find("windows-1252")) << message;
}

TEST(CharsetTest, WhatwgReplacementLabelsAreRejected) {
  EXPECT_FALSE(Charset::Find("iso-2022-kr").ok());
  EXPECT_FALSE(Charset::Find("hz-gb-2312").ok());
  EXPECT_FALSE(Charset::Find("utf-32").ok());
}

TEST(CharsetTest, NewlineUnitFollowsTheEncoding) {
  EXPECT_EQ(NewlineUnit::kByte, Must("latin1").newline());
  EXPECT_EQ(NewlineUnit::kByte, Must("gb18030").newline());
  EXPECT_EQ(NewlineUnit::kUtf16Le, Must("utf-16le").newline());
  EXPECT_EQ(NewlineUnit::kUtf16Be, Must("utf-16be").newline());
  // Without a byte-order mark the CloudWatch agent reads "utf-16" as LE.
  EXPECT_EQ(NewlineUnit::kUtf16Le, Must("utf-16").newline());
  EXPECT_FALSE(Must("utf-16").is_utf8());
  EXPECT_FALSE(Must("latin1").is_utf8());
}

// --- UTF-8 ----------------------------------------------------------------

TEST(CharsetTest, Utf8PassesValidTextThrough) {
  size_t n = 99;
  EXPECT_EQ("caf\xC3\xA9 \xF0\x9F\x98\x80",
            Convert("utf-8", "caf\xC3\xA9 \xF0\x9F\x98\x80", &n));
  EXPECT_EQ(0u, n);
}

TEST(CharsetTest, Utf8InvalidBytesBecomeReplacements) {
  size_t n = 0;
  EXPECT_EQ("a" + kFffd + "b" + kFffd, Convert("utf-8",
                                               "a\xFF"
                                               "b\xC3",
                                               &n));
  EXPECT_EQ(2u, n);
}

TEST(CharsetTest, Utf8BomIsDroppedOnlyAtFileStart) {
  Charset charset = Must("utf-8");
  std::string out;
  charset.ToUtf8("\xEF\xBB\xBFhi", &out, /*at_file_start=*/true);
  EXPECT_EQ("hi", out);
  out.clear();
  charset.ToUtf8("\xEF\xBB\xBFhi", &out);
  EXPECT_EQ("\xEF\xBB\xBFhi", out);
}

// --- UTF-16 ---------------------------------------------------------------

TEST(CharsetTest, Utf16LeDecodesAsciiAndBmp) {
  size_t n = 99;
  EXPECT_EQ("A\xC3\xA9\xE4\xBD\xA0",
            Convert("utf-16le", Bytes("A\0\xE9\0\x60\x4F"), &n));
  EXPECT_EQ(0u, n);
}

TEST(CharsetTest, Utf16BeDecodesAsciiAndBmp) {
  EXPECT_EQ("A\xC3\xA9\xE4\xBD\xA0",
            Convert("utf-16be", Bytes("\0A\0\xE9\x4F\x60")));
}

TEST(CharsetTest, Utf16LeSurrogatePairIsOneEmoji) {
  // U+1F600 is D83D DE00.
  EXPECT_EQ("x\xF0\x9F\x98\x80y",
            Convert("utf-16le", Bytes("x\0\x3D\xD8\x00\xDEy\0")));
}

TEST(CharsetTest, Utf16BeSurrogatePairIsOneEmoji) {
  EXPECT_EQ("\xF0\x9F\x98\x80", Convert("utf-16be", Bytes("\xD8\x3D\xDE\x00")));
}

TEST(CharsetTest, Utf16UnpairedHighSurrogateBecomesOneReplacement) {
  size_t n = 0;
  EXPECT_EQ("A" + kFffd + "B", Convert("utf-16le",
                                       Bytes("A\0\x3D\xD8"
                                             "B\0"),
                                       &n));
  EXPECT_EQ(1u, n);
}

TEST(CharsetTest, Utf16UnpairedLowSurrogateBecomesOneReplacement) {
  size_t n = 0;
  EXPECT_EQ("A" + kFffd + "B",
            Convert("utf-16be", Bytes("\0A\xDE\x00\0B"), &n));
  EXPECT_EQ(1u, n);
}

TEST(CharsetTest, Utf16HighSurrogateEndingTheLineBecomesOneReplacement) {
  size_t n = 0;
  EXPECT_EQ("A" + kFffd, Convert("utf-16le", Bytes("A\0\x3D\xD8"), &n));
  EXPECT_EQ(1u, n);
}

TEST(CharsetTest, Utf16OddTrailingByteBecomesOneReplacement) {
  size_t n = 0;
  EXPECT_EQ("AB" + kFffd, Convert("utf-16le", Bytes("A\0B\0C"), &n));
  EXPECT_EQ(1u, n);
}

TEST(CharsetTest, Utf16ReversedSurrogatesBecomeTwoReplacements) {
  size_t n = 0;
  EXPECT_EQ(kFffd + kFffd, Convert("utf-16le", Bytes("\x00\xDE\x3D\xD8"), &n));
  EXPECT_EQ(2u, n);
}

TEST(CharsetTest, Utf16KeepsNulCharacters) {
  EXPECT_EQ(std::string("a\0b", 3), Convert("utf-16le", Bytes("a\0\0\0b\0")));
}

TEST(CharsetTest, Utf16LeBomIsDroppedOnlyAtFileStart) {
  Charset charset = Must("utf-16le");
  std::string out;
  charset.ToUtf8(Bytes("\xFF\xFEh\0"), &out, /*at_file_start=*/true);
  EXPECT_EQ("h", out);
  out.clear();
  charset.ToUtf8(Bytes("\xFF\xFEh\0"), &out);
  EXPECT_EQ("\xEF\xBB\xBFh", out);  // U+FEFF in mid-file is text
}

TEST(CharsetTest, BomDetectionOnUtf16WithBigEndianMarkSwitchesOrder) {
  Charset charset = Must("utf-16");
  EXPECT_EQ(2u, charset.SetByteOrderFromBom(Bytes("\xFE\xFF\0h\0i")));
  EXPECT_EQ(NewlineUnit::kUtf16Be, charset.newline());
  std::string out;
  charset.ToUtf8(Bytes("\xFE\xFF\0h\0i"), &out, /*at_file_start=*/true);
  EXPECT_EQ("hi", out);
}

TEST(CharsetTest, BomDetectionOnUtf16WithLittleEndianMark) {
  Charset charset = Must("utf-16");
  EXPECT_EQ(2u, charset.SetByteOrderFromBom(Bytes("\xFF\xFEh\0")));
  EXPECT_EQ(NewlineUnit::kUtf16Le, charset.newline());
  std::string out;
  charset.ToUtf8(Bytes("\xFF\xFEh\0"), &out, /*at_file_start=*/true);
  EXPECT_EQ("h", out);
}

TEST(CharsetTest, BomDetectionOnUtf16WithoutMarkMeansLittleEndian) {
  Charset charset = Must("utf-16");
  EXPECT_EQ(0u, charset.SetByteOrderFromBom(Bytes("h\0i\0")));
  EXPECT_EQ(NewlineUnit::kUtf16Le, charset.newline());
  EXPECT_EQ(0u, charset.SetByteOrderFromBom(""));
  EXPECT_EQ(NewlineUnit::kUtf16Le, charset.newline());
}

TEST(CharsetTest, BomDetectionIsRedoneForEachNewFile) {
  Charset charset = Must("utf-16");
  charset.SetByteOrderFromBom(Bytes("\xFE\xFF\0a"));
  ASSERT_EQ(NewlineUnit::kUtf16Be, charset.newline());
  EXPECT_EQ(0u, charset.SetByteOrderFromBom(Bytes("a\0")));  // rotated file
  EXPECT_EQ(NewlineUnit::kUtf16Le, charset.newline());
  std::string out;
  charset.ToUtf8(Bytes("a\0b\0"), &out);
  EXPECT_EQ("ab", out);
}

TEST(CharsetTest, BomDetectionOnFixedOrderReportsOnlyItsOwnMark) {
  Charset le = Must("utf-16le");
  EXPECT_EQ(2u, le.SetByteOrderFromBom(Bytes("\xFF\xFEh\0")));
  EXPECT_EQ(0u, le.SetByteOrderFromBom(Bytes("\xFE\xFF\0h")));
  EXPECT_EQ(NewlineUnit::kUtf16Le, le.newline());
  Charset be = Must("utf-16be");
  EXPECT_EQ(2u, be.SetByteOrderFromBom(Bytes("\xFE\xFF\0h")));
  EXPECT_EQ(0u, be.SetByteOrderFromBom(Bytes("\xFF\xFEh\0")));
  EXPECT_EQ(NewlineUnit::kUtf16Be, be.newline());
}

TEST(CharsetTest, BomDetectionOnByteCharsets) {
  EXPECT_EQ(3u, Must("utf-8").SetByteOrderFromBom("\xEF\xBB\xBFx"));
  EXPECT_EQ(0u, Must("utf-8").SetByteOrderFromBom("\xEF\xBBx"));
  EXPECT_EQ(0u, Must("latin1").SetByteOrderFromBom("\xEF\xBB\xBFx"));
}

// --- Single-byte charsets -------------------------------------------------

TEST(CharsetTest, Latin1E9IsEAcute) {
  size_t n = 99;
  EXPECT_EQ("caf\xC3\xA9", Convert("latin1", "caf\xE9", &n));
  EXPECT_EQ(0u, n);
}

TEST(CharsetTest, Windows1252_80IsEuro) {
  EXPECT_EQ("\xE2\x82\xAC", Convert("windows-1252", "\x80"));
}

TEST(CharsetTest, Latin1IsReadAsWindows1252LikeTheAgent) {
  EXPECT_EQ("\xE2\x82\xAC\xE2\x80\x9C", Convert("iso-8859-1", "\x80\x93"));
}

TEST(CharsetTest, Windows1252UndefinedBytesAreC1ControlsNotReplacements) {
  size_t n = 99;
  EXPECT_EQ(
      "\xC2\x81"
      "a\xC2\x9D",
      Convert("windows-1252",
              "\x81"
              "a\x9D",
              &n));
  EXPECT_EQ(0u, n);
}

TEST(CharsetTest, Iso8859UndefinedByteBecomesReplacement) {
  size_t n = 0;
  EXPECT_EQ("a" + kFffd + "b", Convert("iso-8859-3",
                                       "a\xA5"
                                       "b",
                                       &n));
  EXPECT_EQ(1u, n);
}

TEST(CharsetTest, OtherSingleByteCharsets) {
  EXPECT_EQ("\xE2\x82\xAC", Convert("iso-8859-15", "\xA4"));
  EXPECT_EQ("\xD0\xB0", Convert("koi8-r", "\xC1"));        // а
  EXPECT_EQ("\xD0\x96", Convert("windows-1251", "\xC6"));  // Ж
  EXPECT_EQ("\xC3\x87", Convert("cp437", "\x80"));         // Ç
}

TEST(CharsetTest, SingleByteKeepsNulBytes) {
  EXPECT_EQ(std::string("a\0\xC3\xA9", 4), Convert("latin1", Bytes("a\0\xE9")));
}

// --- Multi-byte charsets --------------------------------------------------

TEST(CharsetTest, GbkSample) {
  size_t n = 99;
  EXPECT_EQ("\xE4\xBD\xA0\xE5\xA5\xBD!",
            Convert("gbk", "\xC4\xE3\xBA\xC3!", &n));
  EXPECT_EQ(0u, n);
}

TEST(CharsetTest, Gb18030FourByteSequenceIsAnEmoji) {
  EXPECT_EQ("\xF0\x9F\x98\x80", Convert("gb18030", "\x94\x39\xFC\x36"));
}

TEST(CharsetTest, ShiftJisSampleKeepsBackslash) {
  // WHATWG's Shift_JIS is Windows-31J: 0x5C is '\', not YEN SIGN.
  EXPECT_EQ("\\\xE3\x81\x82", Convert("shift_jis", "\x5C\x82\xA0"));
}

TEST(CharsetTest, OtherMultiByteCharsets) {
  EXPECT_EQ("\xE3\x81\x82", Convert("euc-jp", "\xA4\xA2"));  // あ
  EXPECT_EQ("\xEA\xB0\x80", Convert("euc-kr", "\xB0\xA1"));  // 가
  EXPECT_EQ("\xE4\xB8\x80", Convert("big5", "\xA4\x40"));    // 一
  EXPECT_EQ(
      "\xE3\x81\x82"
      "A",
      Convert("iso-2022-jp", "\x1B$B$\"\x1B(BA"));  // あA
}

TEST(CharsetTest, MultiByteCharacterCutByEndOfLineBecomesReplacement) {
  size_t n = 0;
  EXPECT_EQ("A" + kFffd, Convert("gbk", "A\xC4", &n));
  EXPECT_EQ(1u, n);
}

TEST(CharsetTest, InvalidTrailByteIsNotSwallowed) {
  // 0x82 needs a trail byte; ' ' is not one, so it stays a space.
  size_t n = 0;
  EXPECT_EQ(kFffd + " x", Convert("shift_jis", "\x82 x", &n));
  EXPECT_EQ(1u, n);
}

TEST(CharsetTest, ShiftStateStartsAfreshOnEveryLine) {
  Charset charset = Must("iso-2022-jp");
  std::string out;
  // The first line switches to JIS X 0208 and never switches back.
  charset.ToUtf8("\x1B$B$\"", &out);
  EXPECT_EQ("\xE3\x81\x82", out);
  out.clear();
  charset.ToUtf8("$\"", &out);  // ASCII again: the new line starts in ASCII
  EXPECT_EQ("$\"", out);
}

// --- Output handling ------------------------------------------------------

TEST(CharsetTest, AppendsToWhatIsAlreadyThere) {
  Charset charset = Must("latin1");
  std::string out = "prefix:";
  charset.ToUtf8("\xE9", &out);
  EXPECT_EQ("prefix:\xC3\xA9", out);
}

TEST(CharsetTest, EmptyLineAppendsNothing) {
  for (const char* name : {"utf-8", "utf-16le", "latin1", "gbk"}) {
    std::string out = "x";
    EXPECT_EQ(0u, Must(name).ToUtf8("", &out)) << name;
    EXPECT_EQ("x", out) << name;
  }
}

TEST(CharsetTest, LongLineThatTriplesInSizeConvertsCompletely) {
  // Each 0x80 becomes three bytes: twice the first guess of the output size.
  std::string in(100000, '\x80');
  std::string expected;
  for (size_t i = 0; i < in.size(); ++i) expected += "\xE2\x82\xAC";
  std::string out = "<";
  EXPECT_EQ(0u, Must("windows-1252").ToUtf8(in, &out));
  EXPECT_EQ("<" + expected, out);
}

TEST(CharsetTest, ManyReplacementsInALongLineAreAllCounted) {
  std::string in;
  for (int i = 0; i < 50000; ++i)
    in +=
        "\xA5"
        "a";  // 0xA5 is not in 8859-3
  std::string expected;
  for (int i = 0; i < 50000; ++i) expected += kFffd + "a";
  size_t n = 0;
  EXPECT_EQ(expected, Convert("iso-8859-3", in, &n));
  EXPECT_EQ(50000u, n);
}

TEST(CharsetTest, MovedCharsetKeepsConverting) {
  Charset a = Must("utf-16");
  a.SetByteOrderFromBom(Bytes("\xFE\xFF"));
  Charset b = std::move(a);
  std::string out;
  b.ToUtf8(Bytes("\0h"), &out);
  EXPECT_EQ("h", out);
  EXPECT_EQ(NewlineUnit::kUtf16Be, b.newline());
  Charset c = Must("latin1");
  c = std::move(b);
  out.clear();
  c.ToUtf8(Bytes("\0i"), &out);
  EXPECT_EQ("i", out);
  EXPECT_EQ("utf-16", c.name());
}

}  // namespace
}  // namespace edgelog
