// Small ASCII helpers for protocol text (header names, config values).
#ifndef EDGELOG_AGENT_TEXT_ASCII_H_
#define EDGELOG_AGENT_TEXT_ASCII_H_

#include <string>
#include <string_view>

namespace edgelog {

// A-Z → a-z; every other byte as it is.
std::string AsciiLower(std::string_view s);
// Without leading and trailing spaces, tabs, CR and LF.
std::string TrimAsciiSpace(std::string_view s);
// `text` with control characters written as \n, \t, \r or \xNN: keys and
// values quoted in a message must not break its one line, nor reach a
// terminal as escape sequences.
std::string EscapeControls(std::string_view text);

}  // namespace edgelog

#endif  // EDGELOG_AGENT_TEXT_ASCII_H_
