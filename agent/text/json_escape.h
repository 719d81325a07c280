// Writing JSON strings fast, for request bodies built by hand.
#ifndef EDGELOG_AGENT_TEXT_JSON_ESCAPE_H_
#define EDGELOG_AGENT_TEXT_JSON_ESCAPE_H_

#include <string>
#include <string_view>

namespace edgelog {

// Appends `s` (valid UTF-8) to `out` as a quoted JSON string: '"' and '\'
// escaped, control characters as \n, \t, ... or \u00XX, everything else
// (including non-ASCII) copied as is.
void AppendJsonString(std::string_view s, std::string* out);

}  // namespace edgelog

#endif  // EDGELOG_AGENT_TEXT_JSON_ESCAPE_H_
