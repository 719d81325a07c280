// Matching one path component against a glob pattern.
#ifndef EDGELOG_AGENT_TEXT_GLOB_MATCH_H_
#define EDGELOG_AGENT_TEXT_GLOB_MATCH_H_

#include <string_view>

namespace edgelog {

// True when `name` (one path component) matches `pattern` (one component,
// no '/'): '*' any run, '?' one character, '[abc]', '[a-z]', '[!x]' or
// '[^x]' one of / none of; '\' quotes the next character.
bool MatchComponent(std::string_view pattern, std::string_view name);

// True when `pattern` contains any of the characters above.
bool HasGlobCharacters(std::string_view pattern);

}  // namespace edgelog

#endif  // EDGELOG_AGENT_TEXT_GLOB_MATCH_H_
