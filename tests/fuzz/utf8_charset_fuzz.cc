// UTF-8 repair and charset conversion (agent/text/utf8.h, charset.h): what
// reaches CloudWatch must be valid UTF-8, whatever the file holds.
//
// Input: byte 0 picks the file's `encoding`, byte 1 a split size; the rest is
// one line. Checked: repair yields valid UTF-8, counts a replacement exactly
// when the input was not valid, leaves valid input as it is and repaired
// output as it is; splitting points are character boundaries that always
// move forward; every charset's conversion yields valid UTF-8.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "agent/text/charset.h"
#include "agent/text/utf8.h"
#include "tests/fuzz/fuzz_check.h"

namespace edgelog {
namespace {

bool IsValid(std::string_view s) { return ValidUtf8PrefixLength(s) == s.size(); }

// One Charset per name, found once: iconv_open is slow.
std::vector<Charset>& Charsets() {
  static auto* charsets = [] {
    auto* all = new std::vector<Charset>;
    for (const char* name : {"utf-8", "utf-16", "utf-16le", "utf-16be", "windows-1252",
                             "iso-8859-2", "koi8-r", "gbk", "gb18030", "big5", "shift_jis",
                             "euc-jp", "euc-kr", "ibm437"}) {
      StatusOr<Charset> found = Charset::Find(name);
      if (found.ok()) all->push_back(std::move(found).value());
    }
    return all;
  }();
  return *charsets;
}

void CheckRepair(std::string_view line) {
  std::string repaired;
  size_t replaced = AppendSanitizedUtf8(line, &repaired);
  FUZZ_CHECK(IsValid(repaired));
  FUZZ_CHECK((replaced == 0) == IsValid(line));
  if (replaced == 0) FUZZ_CHECK(repaired == line);

  std::string again;
  FUZZ_CHECK(AppendSanitizedUtf8(repaired, &again) == 0);
  FUZZ_CHECK(again == repaired);

  size_t tail = WithoutIncompleteTail(line);
  FUZZ_CHECK(tail <= line.size());
  FUZZ_CHECK(line.size() - tail < 4);  // at most an incomplete character
  if (IsValid(line)) FUZZ_CHECK(tail == line.size());
}

void CheckSplits(std::string_view text, size_t max_bytes) {
  // Splitting a repaired message as the batcher does: boundaries only.
  while (!text.empty()) {
    size_t cut = Utf8BoundaryAtOrBefore(text, max_bytes);
    FUZZ_CHECK(cut <= max_bytes);
    FUZZ_CHECK(cut <= text.size());
    FUZZ_CHECK(cut > 0);  // max_bytes >= 4: always forward
    FUZZ_CHECK(IsValid(text.substr(0, cut)));
    text.remove_prefix(cut);
    FUZZ_CHECK(IsValid(text));
  }
}

}  // namespace
}  // namespace edgelog

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace edgelog;
  if (size < 2) return 0;
  std::vector<Charset>& charsets = Charsets();
  Charset& charset = charsets[data[0] % charsets.size()];
  const size_t max_bytes = 4 + data[1] % 64;
  std::string_view line = fuzz::AsView(data + 2, size - 2);

  CheckRepair(line);
  std::string repaired;
  AppendSanitizedUtf8(line, &repaired);
  CheckSplits(repaired, max_bytes);

  const bool at_file_start = data[1] & 1;
  charset.SetByteOrderFromBom(line.substr(0, 3));
  std::string converted;
  size_t replaced = charset.ToUtf8(line, &converted, at_file_start);
  FUZZ_CHECK(IsValid(converted));
  if (charset.is_utf8()) {
    // The fast path is the repair itself, less a byte-order mark at the
    // start of the file.
    std::string_view text = line;
    if (at_file_start && text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
    std::string expected;
    FUZZ_CHECK(replaced == AppendSanitizedUtf8(text, &expected));
    FUZZ_CHECK(converted == expected);
  }
  return 0;
}
