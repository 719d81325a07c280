// What every fuzz target shares: a check that stops the run with a message
// (libFuzzer then keeps the input), and a way to read several fields out of
// one input while the seed files stay readable text.
#ifndef EDGELOG_TESTS_FUZZ_FUZZ_CHECK_H_
#define EDGELOG_TESTS_FUZZ_FUZZ_CHECK_H_

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

// Stops the run when `cond` is false: a broken property is a finding, like
// a crash. The message names the file, the line and the property.
#define FUZZ_CHECK(cond)                                                   \
  do {                                                                     \
    if (!(cond)) {                                                         \
      std::fprintf(stderr, "%s:%d: property failed: %s\n", __FILE__,       \
                   __LINE__, #cond);                                       \
      std::abort();                                                        \
    }                                                                      \
  } while (0)

namespace edgelog::fuzz {

inline std::string_view AsView(const uint8_t* data, size_t size) {
  return std::string_view(reinterpret_cast<const char*>(data), size);
}

// The text before the first '\n' of `*input` (all of it when there is
// none), removed from `*input` with its '\n'.
inline std::string_view TakeLine(std::string_view* input) {
  size_t nl = input->find('\n');
  std::string_view line = input->substr(0, nl);
  input->remove_prefix(nl == std::string_view::npos ? input->size() : nl + 1);
  return line;
}

// Whether `needle` occurs in `haystack`.
inline bool Contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

// Whether `s` looks like a secret a message must never quote: long enough
// and made only of the characters of AWS keys and tokens, so that finding
// it in a message cannot be a coincidence with the message's own words.
inline bool LooksLikeSecret(std::string_view s) {
  if (s.size() < 16) return false;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '+' || c == '/' || c == '=';
    if (!ok) return false;
  }
  return true;
}

}  // namespace edgelog::fuzz

#endif  // EDGELOG_TESTS_FUZZ_FUZZ_CHECK_H_
