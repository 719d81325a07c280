#include "agent/text/json_escape.h"

#include <cstdint>
#include <cstring>

namespace edgelog {
namespace {

// 0: copy as is; 'u': \u00XX; otherwise the letter after the backslash.
constexpr char EscapeFor(unsigned char c) {
  switch (c) {
    case '"': return '"';
    case '\\': return '\\';
    case '\b': return 'b';
    case '\f': return 'f';
    case '\n': return 'n';
    case '\r': return 'r';
    case '\t': return 't';
    default: return c < 0x20 ? 'u' : 0;
  }
}

struct EscapeTable {
  char entry[256];
  constexpr EscapeTable() : entry() {
    for (int c = 0; c < 256; ++c) entry[c] = EscapeFor(static_cast<unsigned char>(c));
  }
};
constexpr EscapeTable kEscapes;

constexpr uint64_t kOnes = 0x0101010101010101ull;
constexpr uint64_t kHighs = 0x8080808080808080ull;

// Non-zero when some byte of `word` is below 0x20, or is '"' or '\\'
// (the usual "has zero byte" bit trick, three times).
inline uint64_t NeedsEscape(uint64_t word) {
  uint64_t quote = word ^ (kOnes * '"');
  uint64_t backslash = word ^ (kOnes * '\\');
  uint64_t any = (word - kOnes * 0x20) | (quote - kOnes) | (backslash - kOnes);
  return any & ~word & kHighs;
}

// Length of the prefix of `s` (from `i`) that needs no escaping, eight
// bytes at a time; stops at or before the first byte that does.
size_t SkipPlain(std::string_view s, size_t i) {
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t word;
    std::memcpy(&word, s.data() + i, 8);
    if (NeedsEscape(word)) break;
  }
  return i;
}

}  // namespace

void AppendJsonString(std::string_view s, std::string* out) {
  static const char kHex[] = "0123456789abcdef";
  out->push_back('"');
  size_t run_start = 0;
  for (size_t i = SkipPlain(s, 0); i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    char escape = kEscapes.entry[c];
    if (escape == 0) continue;
    out->append(s.data() + run_start, i - run_start);
    out->push_back('\\');
    out->push_back(escape);
    if (escape == 'u') {
      out->append("00");
      out->push_back(kHex[c >> 4]);
      out->push_back(kHex[c & 0xf]);
    }
    run_start = i + 1;
    i = SkipPlain(s, run_start) - 1;
  }
  out->append(s.data() + run_start, s.size() - run_start);
  out->push_back('"');
}

}  // namespace edgelog
