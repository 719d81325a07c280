#include "agent/text/charset.h"

#include <iconv.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include "agent/text/utf8.h"

namespace edgelog {
namespace {

enum class Kind {
  kUtf8,      // no conversion; invalid UTF-8 is repaired
  kUtf16Le,   // "utf-16le"
  kUtf16Be,   // "utf-16be"
  kUtf16Bom,  // "utf-16": a byte-order mark decides, little endian without
  kBytes,     // single- and multi-byte charsets, converted by iconv
  kWindows,   // a windows-* code page: as kBytes, and bytes 80-9F it leaves
              // undefined are the C1 controls of that value (as in WHATWG)
};

struct Entry {
  const char* name;   // canonical: what name() returns
  const char* iconv;  // glibc iconv's name for it; nullptr for UTF-8
  Kind kind;
  const char* aliases;  // other accepted names, lower case, space-separated
};

// The WHATWG labels (https://encoding.spec.whatwg.org/#names-and-labels) as
// golang.org/x/net/html/charset/table.go has them, which is what the
// CloudWatch agent looks up first. Where WHATWG defines a superset of the
// named charset, the iconv charset is that superset: euc-kr is CP949,
// shift_jis is CP932 (0x5C is '\', not '¥'), big5 is BIG5-HKSCS.
// Not accepted: WHATWG's "replacement" labels (iso-2022-kr, hz-gb-2312, ...,
// which decode every file to one U+FFFD) and x-user-defined.
constexpr Entry kEntries[] = {
    // The CloudWatch agent itself reads "utf_8" and "ascii" without a
    // decoder (fileconfig.go); "us-ascii" is a WHATWG label of windows-1252.
    {"utf-8", nullptr, Kind::kUtf8, "utf8 unicode-1-1-utf-8 utf_8 ascii"},
    {"utf-16", "UTF-16LE", Kind::kUtf16Bom, ""},
    {"utf-16le", "UTF-16LE", Kind::kUtf16Le, ""},
    {"utf-16be", "UTF-16BE", Kind::kUtf16Be, ""},
    {"windows-1252", "CP1252", Kind::kWindows,
     "ansi_x3.4-1968 cp1252 cp819 csisolatin1 ibm819 iso-8859-1 iso-ir-100 "
     "iso8859-1 iso88591 iso_8859-1 iso_8859-1:1987 l1 latin1 us-ascii "
     "x-cp1252"},
    {"iso-8859-2", "ISO-8859-2", Kind::kBytes,
     "csisolatin2 iso-ir-101 iso8859-2 iso88592 iso_8859-2 iso_8859-2:1987 "
     "l2 latin2"},
    {"iso-8859-3", "ISO-8859-3", Kind::kBytes,
     "csisolatin3 iso-ir-109 iso8859-3 iso88593 iso_8859-3 iso_8859-3:1988 "
     "l3 latin3"},
    {"iso-8859-4", "ISO-8859-4", Kind::kBytes,
     "csisolatin4 iso-ir-110 iso8859-4 iso88594 iso_8859-4 iso_8859-4:1988 "
     "l4 latin4"},
    {"iso-8859-5", "ISO-8859-5", Kind::kBytes,
     "csisolatincyrillic cyrillic iso-ir-144 iso8859-5 iso88595 iso_8859-5 "
     "iso_8859-5:1988"},
    {"iso-8859-6", "ISO-8859-6", Kind::kBytes,
     "arabic asmo-708 csiso88596e csiso88596i csisolatinarabic ecma-114 "
     "iso-8859-6-e iso-8859-6-i iso-ir-127 iso8859-6 iso88596 iso_8859-6 "
     "iso_8859-6:1987"},
    {"iso-8859-7", "ISO-8859-7", Kind::kBytes,
     "csisolatingreek ecma-118 elot_928 greek greek8 iso-ir-126 iso8859-7 "
     "iso88597 iso_8859-7 iso_8859-7:1987 sun_eu_greek"},
    {"iso-8859-8", "ISO-8859-8", Kind::kBytes,
     "csiso88598e csisolatinhebrew hebrew iso-8859-8-e iso-ir-138 iso8859-8 "
     "iso88598 iso_8859-8 iso_8859-8:1988 visual"},
    {"iso-8859-8-i", "ISO-8859-8", Kind::kBytes, "csiso88598i logical"},
    {"iso-8859-10", "ISO-8859-10", Kind::kBytes,
     "csisolatin6 iso-ir-157 iso8859-10 iso885910 l6 latin6"},
    {"iso-8859-13", "ISO-8859-13", Kind::kBytes, "iso8859-13 iso885913"},
    {"iso-8859-14", "ISO-8859-14", Kind::kBytes, "iso8859-14 iso885914"},
    {"iso-8859-15", "ISO-8859-15", Kind::kBytes,
     "csisolatin9 iso8859-15 iso885915 iso_8859-15 l9"},
    {"iso-8859-16", "ISO-8859-16", Kind::kBytes, ""},
    {"windows-874", "WINDOWS-874", Kind::kWindows,
     "dos-874 iso-8859-11 iso8859-11 iso885911 tis-620"},
    {"windows-1250", "CP1250", Kind::kWindows, "cp1250 x-cp1250"},
    {"windows-1251", "CP1251", Kind::kWindows, "cp1251 x-cp1251"},
    {"windows-1253", "CP1253", Kind::kWindows, "cp1253 x-cp1253"},
    {"windows-1254", "CP1254", Kind::kWindows,
     "cp1254 csisolatin5 iso-8859-9 iso-ir-148 iso8859-9 iso88599 iso_8859-9 "
     "iso_8859-9:1989 l5 latin5 x-cp1254"},
    {"windows-1255", "CP1255", Kind::kWindows, "cp1255 x-cp1255"},
    {"windows-1256", "CP1256", Kind::kWindows, "cp1256 x-cp1256"},
    {"windows-1257", "CP1257", Kind::kWindows, "cp1257 x-cp1257"},
    {"windows-1258", "CP1258", Kind::kWindows, "cp1258 x-cp1258"},
    {"koi8-r", "KOI8-R", Kind::kBytes, "cskoi8r koi koi8 koi8_r"},
    {"koi8-u", "KOI8-U", Kind::kBytes, "koi8-ru"},
    {"ibm866", "IBM866", Kind::kBytes, "866 cp866 csibm866"},
    {"macintosh", "MACINTOSH", Kind::kBytes, "csmacintosh mac x-mac-roman"},
    {"x-mac-cyrillic", "MAC-CYRILLIC", Kind::kBytes, "x-mac-ukrainian"},
    {"gbk", "GBK", Kind::kBytes,
     "chinese csgb2312 csiso58gb231280 gb2312 gb_2312 gb_2312-80 iso-ir-58 "
     "x-gbk"},
    {"gb18030", "GB18030", Kind::kBytes, ""},
    {"big5", "BIG5-HKSCS", Kind::kBytes, "big5-hkscs cn-big5 csbig5 x-x-big5"},
    {"euc-jp", "EUC-JP", Kind::kBytes, "cseucpkdfmtjapanese x-euc-jp"},
    {"iso-2022-jp", "ISO-2022-JP", Kind::kBytes, "csiso2022jp"},
    {"shift_jis", "CP932", Kind::kBytes,
     "csshiftjis ms932 ms_kanji shift-jis sjis windows-31j x-sjis"},
    {"euc-kr", "CP949", Kind::kBytes,
     "cseuckr csksc56011987 iso-ir-149 korean ks_c_5601-1987 ks_c_5601-1989 "
     "ksc5601 ksc_5601 windows-949"},
    // IANA names the agent accepts through its second lookup
    // (golang.org/x/text/encoding/ianaindex); the DOS code pages.
    {"ibm437", "IBM437", Kind::kBytes, "cp437 437 cspc8codepage437"},
    {"ibm850", "IBM850", Kind::kBytes, "cp850 850 cspc850multilingual"},
    {"ibm852", "IBM852", Kind::kBytes, "cp852 852 cspcp852"},
};

// Lower-cases ASCII letters and trims the whitespace WHATWG trims.
std::string NormalizeName(std::string_view name) {
  constexpr std::string_view kSpace = " \t\n\r\f";
  size_t begin = name.find_first_not_of(kSpace);
  if (begin == std::string_view::npos) return "";
  size_t end = name.find_last_not_of(kSpace) + 1;
  std::string out(name.substr(begin, end - begin));
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// Whether `key` is one of the space-separated words of `aliases`.
bool IsAlias(std::string_view key, std::string_view aliases) {
  while (!aliases.empty()) {
    size_t space = aliases.find(' ');
    if (aliases.substr(0, space) == key) return true;
    if (space == std::string_view::npos) break;
    aliases.remove_prefix(space + 1);
  }
  return false;
}

const Entry* FindEntry(std::string_view key) {
  for (const Entry& e : kEntries) {
    if (key == e.name || IsAlias(key, e.aliases)) return &e;
  }
  return nullptr;
}

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";
constexpr std::string_view kUtf16LeBom = "\xFF\xFE";
constexpr std::string_view kUtf16BeBom = "\xFE\xFF";

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// Appends to a std::string through iconv's (char**, size_t*) output
// interface, growing the string when iconv runs out of room.
class IconvSink {
 public:
  IconvSink(std::string* out, size_t expected) : out_(out) {
    size_t used = out_->size();
    out_->resize(used + expected);
    Point(used);
  }

  char** cursor() { return &cursor_; }
  size_t* room() { return &room_; }

  void Grow() { Resize(out_->size() * 2 + 16); }

  void Append(std::string_view s) {
    if (room_ < s.size()) Resize(out_->size() + s.size() + 16);
    std::memcpy(cursor_, s.data(), s.size());
    cursor_ += s.size();
    room_ -= s.size();
  }

  // Trims the string to what was written.
  void Finish() { out_->resize(used()); }

 private:
  size_t used() const { return static_cast<size_t>(cursor_ - out_->data()); }
  void Resize(size_t size) {
    size_t keep = used();
    out_->resize(size);
    Point(keep);
  }
  void Point(size_t used) {
    cursor_ = out_->data() + used;
    room_ = out_->size() - used;
  }

  std::string* out_;
  char* cursor_ = nullptr;
  size_t room_ = 0;
};

}  // namespace

class Charset::Iconv {
 public:
  // Opens a descriptor converting `from` to UTF-8.
  static StatusOr<std::unique_ptr<Iconv>> Open(const char* from) {
    iconv_t cd = iconv_open("UTF-8", from);
    if (cd == reinterpret_cast<iconv_t>(-1)) {
      int error = errno;
      return Status::InvalidArgument(std::string("iconv cannot convert ") +
                                     from +
                                     " to UTF-8: " + std::strerror(error));
    }
    return std::unique_ptr<Iconv>(new Iconv(cd));
  }

  ~Iconv() { iconv_close(cd_); }
  Iconv(const Iconv&) = delete;
  Iconv& operator=(const Iconv&) = delete;

  // See Charset::ToUtf8; `unit` and `c1_fallback` as in Charset.
  size_t Convert(std::string_view in, size_t unit, bool c1_fallback,
                 std::string* out);

 private:
  explicit Iconv(iconv_t cd) : cd_(cd) {}
  iconv_t cd_;
};

size_t Charset::Iconv::Convert(std::string_view in, size_t unit,
                               bool c1_fallback, std::string* out) {
  constexpr size_t kFailed = static_cast<size_t>(-1);
  iconv(cd_, nullptr, nullptr, nullptr, nullptr);  // the initial shift state
  // 1.5 bytes out per byte in covers UTF-16 and the CJK charsets; the rest
  // of the time iconv stops with E2BIG and the sink grows.
  IconvSink sink(out, in.size() + in.size() / 2 + 16);
  char* src = const_cast<char*>(in.data());  // iconv does not write to it
  size_t left = in.size();
  size_t replacements = 0;
  while (left > 0) {
    if (iconv(cd_, &src, &left, sink.cursor(), sink.room()) != kFailed) break;
    if (errno == E2BIG) {
      sink.Grow();
      continue;
    }
    // EILSEQ (not a character) or EINVAL (cut short by the end of the
    // line): one unit becomes one U+FFFD, and decoding resumes after it.
    size_t skip = std::min(unit, left);
    auto byte = static_cast<unsigned char>(*src);
    if (c1_fallback && skip == 1 && byte >= 0x80 && byte <= 0x9F) {
      const char c1[] = {'\xC2', static_cast<char>(byte)};
      sink.Append(std::string_view(c1, 2));
    } else {
      sink.Append(kReplacementCharacter);
      ++replacements;
    }
    src += skip;
    left -= skip;
  }
  // Emits anything a stateful decoder still holds.
  while (iconv(cd_, nullptr, nullptr, sink.cursor(), sink.room()) == kFailed &&
         errno == E2BIG) {
    sink.Grow();
  }
  sink.Finish();
  return replacements;
}

Charset::Charset() = default;
Charset::Charset(Charset&& other) noexcept = default;
Charset& Charset::operator=(Charset&& other) noexcept = default;
Charset::~Charset() = default;

StatusOr<Charset> Charset::Find(std::string_view name) {
  std::string key = NormalizeName(name);
  const Entry* entry = FindEntry(key.empty() ? "utf-8" : key);
  if (entry == nullptr) {
    return Status::InvalidArgument(
        "unknown encoding \"" + std::string(name) +
        "\"; accepted (case-insensitive, or any WHATWG label of these): " +
        AcceptedNames());
  }
  Charset charset;
  charset.name_ = entry->name;
  switch (entry->kind) {
    case Kind::kUtf8:
      return StatusOr<Charset>(std::move(charset));
    case Kind::kUtf16Bom:
      charset.bom_decides_order_ = true;
      [[fallthrough]];
    case Kind::kUtf16Le:
      charset.newline_ = NewlineUnit::kUtf16Le;
      charset.unit_ = 2;
      break;
    case Kind::kUtf16Be:
      charset.newline_ = NewlineUnit::kUtf16Be;
      charset.unit_ = 2;
      break;
    case Kind::kWindows:
      charset.c1_fallback_ = true;
      break;
    case Kind::kBytes:
      break;
  }
  auto opened = Iconv::Open(entry->iconv);
  if (!opened.ok()) {
    return Status::InvalidArgument(
        "encoding \"" + std::string(name) +
        "\" is not available on this system: " + opened.status().message());
  }
  charset.iconv_ = std::move(opened).value();
  if (charset.bom_decides_order_) {
    auto other = Iconv::Open("UTF-16BE");
    if (!other.ok()) return other.status();
    charset.other_order_ = std::move(other).value();
  }
  return StatusOr<Charset>(std::move(charset));
}

std::string Charset::AcceptedNames() {
  std::string names;
  for (const Entry& e : kEntries) {
    if (!names.empty()) names += ", ";
    names += e.name;
  }
  return names;
}

size_t Charset::OwnBomLength(std::string_view bytes) const {
  switch (newline_) {
    case NewlineUnit::kUtf16Le:
      return StartsWith(bytes, kUtf16LeBom) ? kUtf16LeBom.size() : 0;
    case NewlineUnit::kUtf16Be:
      return StartsWith(bytes, kUtf16BeBom) ? kUtf16BeBom.size() : 0;
    case NewlineUnit::kByte:
      break;
  }
  if (is_utf8() && StartsWith(bytes, kUtf8Bom)) return kUtf8Bom.size();
  return 0;
}

size_t Charset::SetByteOrderFromBom(std::string_view first_bytes) {
  if (bom_decides_order_) {
    NewlineUnit order = StartsWith(first_bytes, kUtf16BeBom)
                            ? NewlineUnit::kUtf16Be
                            : NewlineUnit::kUtf16Le;
    if (order != newline_) {
      std::swap(iconv_, other_order_);
      newline_ = order;
    }
  }
  return OwnBomLength(first_bytes);
}

size_t Charset::ToUtf8(std::string_view line, std::string* out,
                       bool at_file_start) {
  if (at_file_start) line.remove_prefix(OwnBomLength(line));
  if (iconv_ == nullptr) return AppendSanitizedUtf8(line, out);
  return iconv_->Convert(line, unit_, c1_fallback_, out);
}

}  // namespace edgelog
