#include "agent/text/utf8.h"

#include <cstdint>
#include <cstring>

namespace edgelog {
namespace {

// Length of the valid UTF-8 sequence at the start of `s` (1-4), or 0 when it
// is invalid; `*maximal` is the length of the maximal invalid subpart then.
size_t SequenceLength(const unsigned char* s, size_t n, size_t* maximal) {
  unsigned char c = s[0];
  if (c < 0x80) return 1;
  size_t need;
  unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (c >= 0xC2 && c <= 0xDF) {
    need = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    need = 3;
    if (c == 0xE0) lo = 0xA0;  // no overlong forms
    if (c == 0xED) hi = 0x9F;  // no surrogates
  } else if (c >= 0xF0 && c <= 0xF4) {
    need = 4;
    if (c == 0xF0) lo = 0x90;  // no overlong forms
    if (c == 0xF4) hi = 0x8F;  // nothing above U+10FFFF
  } else {
    *maximal = 1;
    return 0;
  }
  for (size_t i = 1; i < need; ++i) {
    unsigned char b = i < n ? s[i] : 0;
    bool ok = i == 1 ? (b >= lo && b <= hi) : (b >= 0x80 && b <= 0xBF);
    if (i >= n || !ok) {
      *maximal = i;
      return 0;
    }
  }
  return need;
}

// Number of leading ASCII bytes, eight at a time.
size_t AsciiPrefixLength(const unsigned char* s, size_t n) {
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t word;
    std::memcpy(&word, s + i, 8);
    if (word & 0x8080808080808080ull) break;
  }
  while (i < n && s[i] < 0x80) ++i;
  return i;
}

}  // namespace

size_t ValidUtf8PrefixLength(std::string_view text) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    i += AsciiPrefixLength(s + i, n - i);
    if (i == n) break;
    size_t maximal = 0;
    size_t len = SequenceLength(s + i, n - i, &maximal);
    if (len == 0) return i;
    i += len;
  }
  return n;
}

size_t AppendSanitizedUtf8(std::string_view text, std::string* out) {
  size_t replacements = 0;
  while (!text.empty()) {
    size_t valid = ValidUtf8PrefixLength(text);
    out->append(text.data(), valid);
    text.remove_prefix(valid);
    if (text.empty()) break;
    size_t maximal = 1;
    SequenceLength(reinterpret_cast<const unsigned char*>(text.data()),
                   text.size(), &maximal);
    out->append(kReplacementCharacter);
    ++replacements;
    text.remove_prefix(maximal);
  }
  return replacements;
}

size_t Utf8BoundaryAtOrBefore(std::string_view s, size_t max_bytes) {
  if (s.size() <= max_bytes) return s.size();
  size_t cut = max_bytes;
  // Back up over continuation bytes (10xxxxxx) to a character start.
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  return cut;
}

size_t WithoutIncompleteTail(std::string_view s) {
  // A character is at most four bytes: find the lead byte among the last
  // three and hold it back only if what follows it could still complete it.
  size_t n = s.size();
  for (size_t back = 1; back <= 3 && back <= n; ++back) {
    auto c = static_cast<unsigned char>(s[n - back]);
    if ((c & 0xC0) == 0x80) continue;  // continuation: keep looking
    size_t maximal = 0;
    auto lead = reinterpret_cast<const unsigned char*>(s.data() + n - back);
    size_t need = SequenceLength(lead, back, &maximal);
    // Complete (need > 0), or invalid before running out of bytes: keep all.
    bool valid_lead = c >= 0xC2 && c <= 0xF4;
    bool incomplete_but_valid = need == 0 && maximal == back && valid_lead;
    return incomplete_but_valid ? n - back : n;
  }
  return n;
}

}  // namespace edgelog
