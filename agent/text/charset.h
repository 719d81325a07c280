// Charset: the per-file `encoding` option, and conversion of lines to UTF-8.
//
// Names are those the CloudWatch agent accepts: it looks the option up with
// golang.org/x/net/html/charset.Lookup (the WHATWG Encoding Standard labels,
// https://encoding.spec.whatwg.org/#names-and-labels) and then in the IANA
// index (plugins/inputs/logfile/fileconfig.go and
// translator/translate/logs/logs_collected/files/collect_list/ruleEncoding.go
// in aws/amazon-cloudwatch-agent). Like the agent, and unlike the names'
// plain meaning, the WHATWG labels "latin1", "iso-8859-1" and "us-ascii" mean
// windows-1252, and "utf-16" without a byte-order mark means little endian.
//
// Lines are framed in the file's own encoding (see newline() and
// agent/text/line_framer.h), then each line is converted here with glibc
// iconv. Nothing is ever dropped: input that is not a character becomes
// U+FFFD, and the count of replacements is returned.
#ifndef EDGELOG_AGENT_TEXT_CHARSET_H_
#define EDGELOG_AGENT_TEXT_CHARSET_H_

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "agent/base/status.h"
#include "agent/text/newline.h"

namespace edgelog {

// The charset of one file being read. Holds an iconv descriptor, so it is
// movable but not copyable: one Charset per file reader, used by one thread
// at a time (ToUtf8 and SetByteOrderFromBom change its state). To get
// another, call Find(name()) again.
class Charset {
 public:
  // The charset `name` as written in the agent's config: any WHATWG label of
  // the supported encodings ("utf-8", "utf8", "UTF-16LE", "latin1",
  // "windows-1252", "gbk", "sjis", ...), a few IANA names ("ibm437", "cp850"),
  // "utf_8" and "ascii" (both read as UTF-8, as the agent does). Case and
  // surrounding ASCII whitespace are ignored; "" means the default, UTF-8.
  // Returns kInvalidArgument naming `name` and listing AcceptedNames() when
  // the name is unknown, or when this system's iconv cannot convert it.
  static StatusOr<Charset> Find(std::string_view name);

  // The canonical names, comma-separated, e.g. "utf-8, utf-16, utf-16le, ...".
  // Each of them is accepted by Find and is what name() returns.
  static std::string AcceptedNames();

  Charset(Charset&& other) noexcept;
  Charset& operator=(Charset&& other) noexcept;
  Charset(const Charset&) = delete;
  Charset& operator=(const Charset&) = delete;
  ~Charset();

  // True when lines need no conversion, only UTF-8 repair (the fast path).
  bool is_utf8() const { return iconv_ == nullptr; }

  // How '\n' is spelled in this file, for the line framer. For "utf-16" it
  // is little endian until SetByteOrderFromBom finds a big-endian mark.
  NewlineUnit newline() const { return newline_; }

  // The canonical name, e.g. "windows-1252" for "Latin1", "utf-8" for "".
  const std::string& name() const { return name_; }

  // Looks at the first bytes of a file (pass at least 3 when the file has
  // them) and returns the length of the byte-order mark there that belongs to
  // this charset: 3 for EF BB BF in UTF-8, 2 for FF FE or FE FF in UTF-16 of
  // that order, otherwise 0. For "utf-16" this also fixes the byte order for
  // this file: FE FF means big endian, FF FE or no mark little endian. Call
  // it before framing a file's first line, and again for each new file.
  size_t SetByteOrderFromBom(std::string_view first_bytes);

  // Converts `line` (without its newline) to UTF-8 and appends it to `*out`.
  // Every unit that starts no valid character becomes one U+FFFD (a unit is
  // two bytes in UTF-16, one byte otherwise; an odd trailing byte of UTF-16
  // is a unit too) and decoding resumes at the next unit; UTF-8 is repaired
  // as AppendSanitizedUtf8 does, and bytes 80-9F that a windows-* code page
  // leaves undefined become the C1 control of that value, as in WHATWG and
  // the agent. Returns the number of U+FFFD inserted; never fails.
  // When `at_file_start`, a byte-order mark of this charset (as
  // SetByteOrderFromBom defines it) is dropped from the start of `line`;
  // elsewhere a U+FEFF is kept as text. The iconv shift state starts afresh
  // for every line.
  size_t ToUtf8(std::string_view line, std::string* out,
                bool at_file_start = false);

 private:
  class Iconv;  // RAII owner of one iconv descriptor, in charset.cc.

  Charset();
  size_t OwnBomLength(std::string_view bytes) const;

  std::string name_;
  NewlineUnit newline_ = NewlineUnit::kByte;
  size_t unit_ = 1;                 // bytes skipped per invalid unit
  bool bom_decides_order_ = false;  // "utf-16"
  bool c1_fallback_ = false;        // windows-*: undefined 80-9F are C1 codes
  std::unique_ptr<Iconv> iconv_;    // null for UTF-8
  std::unique_ptr<Iconv> other_order_;  // "utf-16": the other byte order
};

}  // namespace edgelog

#endif  // EDGELOG_AGENT_TEXT_CHARSET_H_
