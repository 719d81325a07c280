// Base64 decoding (RFC 4648, standard alphabet) for test vectors that carry
// binary request bodies as text.
#ifndef EDGELOG_TESTS_SUPPORT_BASE64_H_
#define EDGELOG_TESTS_SUPPORT_BASE64_H_

#include <string>
#include <string_view>

#include "agent/base/status.h"

namespace edgelog::testing {

// Decodes `text`, which uses the standard alphabet (A-Z a-z 0-9 + /) with
// '=' padding to a multiple of four characters. ASCII whitespace is skipped
// (encoders wrap long lines). Returns the bytes, or InvalidArgument naming
// the offending position when a character is outside the alphabet, padding
// is misplaced or the length is not a multiple of four.
StatusOr<std::string> Base64Decode(std::string_view text);

}  // namespace edgelog::testing

#endif  // EDGELOG_TESTS_SUPPORT_BASE64_H_
