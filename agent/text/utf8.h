// UTF-8 validation, repair and splitting for CloudWatch messages.
//
// CloudWatch Logs needs valid UTF-8. Invalid input is repaired, never
// dropped: each maximal invalid subpart (Unicode's "substitution of maximal
// subparts") becomes U+FFFD. Long messages are split on character boundaries.
#ifndef EDGELOG_AGENT_TEXT_UTF8_H_
#define EDGELOG_AGENT_TEXT_UTF8_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace edgelog {

// U+FFFD REPLACEMENT CHARACTER in UTF-8.
inline constexpr std::string_view kReplacementCharacter = "\xEF\xBF\xBD";

// Length of the longest prefix of `s` that is valid UTF-8.
size_t ValidUtf8PrefixLength(std::string_view s);

// Appends `s` to `out` with every invalid sequence replaced by U+FFFD.
// Returns the number of replacements made.
size_t AppendSanitizedUtf8(std::string_view s, std::string* out);

// Length of the longest prefix of `s` that ends on a character boundary and
// is at most `max_bytes` long. `s` must be valid UTF-8. Returns at least one
// whole character when `max_bytes` >= 4, so repeated calls always progress.
size_t Utf8BoundaryAtOrBefore(std::string_view s, size_t max_bytes);

// Length of `s` without a trailing incomplete (but so far valid) multi-byte
// sequence: where a reader may cut raw input without splitting a character.
size_t WithoutIncompleteTail(std::string_view s);

}  // namespace edgelog

#endif  // EDGELOG_AGENT_TEXT_UTF8_H_
