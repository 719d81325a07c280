#include "tests/support/base64.h"

#include <cstdint>

namespace edgelog::testing {
namespace {

// The 6-bit value of `c`, or -1 when `c` is not in the standard alphabet.
int SextetOf(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

}  // namespace

StatusOr<std::string> Base64Decode(std::string_view text) {
  std::string out;
  out.reserve(text.size() / 4 * 3);
  uint32_t group = 0;  // up to four sextets, most significant first
  int sextets = 0;     // sextets in `group`
  int padding = 0;     // '=' seen so far; only whitespace and '=' may follow
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (IsSpace(c)) continue;
    if (c == '=') {
      // "xx==" and "xxx=" are the only legal ways to pad.
      if (sextets + padding < 2 || ++padding > 2) {
        return Status::InvalidArgument("base64: misplaced '=' at offset " +
                                       std::to_string(i));
      }
      continue;
    }
    int value = SextetOf(c);
    if (value < 0 || padding > 0) {
      return Status::InvalidArgument("base64: unexpected character at offset " +
                                     std::to_string(i));
    }
    group = (group << 6) | static_cast<uint32_t>(value);
    if (++sextets == 4) {
      out.push_back(static_cast<char>(group >> 16));
      out.push_back(static_cast<char>(group >> 8));
      out.push_back(static_cast<char>(group));
      group = 0;
      sextets = 0;
    }
  }
  if (sextets + padding != 0 && sextets + padding != 4) {
    return Status::InvalidArgument("base64: length is not a multiple of four");
  }
  if (sextets == 2) {  // "xx==": one byte
    out.push_back(static_cast<char>(group >> 4));
  } else if (sextets == 3) {  // "xxx=": two bytes
    out.push_back(static_cast<char>(group >> 10));
    out.push_back(static_cast<char>(group >> 2));
  }
  return out;
}

}  // namespace edgelog::testing
