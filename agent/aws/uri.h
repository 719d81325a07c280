// Percent-encoding as AWS canonical requests and form bodies use it.
#ifndef EDGELOG_AGENT_AWS_URI_H_
#define EDGELOG_AGENT_AWS_URI_H_

#include <string>
#include <string_view>

namespace edgelog {

enum class SlashMode { kEncode, kKeep };

// Encodes every byte except the unreserved characters A-Z a-z 0-9 - . _ ~
// (and '/' with SlashMode::kKeep) as %XX with upper-case hex.
std::string UriEncode(std::string_view s, SlashMode slash_mode);

// Decodes %XX escapes; a '%' not followed by two hex digits is kept as is.
// '+' is left alone (it is not a space in AWS query strings).
std::string PercentDecode(std::string_view s);

}  // namespace edgelog

#endif  // EDGELOG_AGENT_AWS_URI_H_
