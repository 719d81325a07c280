// Regular expressions: RE2, the syntax of Go's regexp (which the CloudWatch
// agent uses), matched in linear time so no configured pattern can stall
// the agent.
#ifndef EDGELOG_AGENT_TEXT_REGEX_H_
#define EDGELOG_AGENT_TEXT_REGEX_H_

#include <memory>
#include <string_view>

#include "agent/base/status.h"

namespace re2 {
class RE2;
}

namespace edgelog {

using Regex = std::shared_ptr<const re2::RE2>;

// Compiles `pattern` (UTF-8, errors never printed). kInvalidArgument quoting
// the pattern and RE2's reason.
StatusOr<Regex> CompileRegex(std::string_view pattern);

// True when `re` matches somewhere in `text`.
bool SearchRegex(const re2::RE2& re, std::string_view text);

}  // namespace edgelog

#endif  // EDGELOG_AGENT_TEXT_REGEX_H_
