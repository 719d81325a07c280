// "Did you mean ...?" for misspelt keys.
#ifndef EDGELOG_AGENT_CONFIG_SUGGEST_H_
#define EDGELOG_AGENT_CONFIG_SUGGEST_H_

#include <string>
#include <string_view>
#include <vector>

namespace edgelog {

// Levenshtein distance (insert, delete, substitute: cost 1 each), ignoring
// ASCII case: "Log_Group_Name" is a misspelling of "log_group_name".
size_t EditDistance(std::string_view a, std::string_view b);

// The candidate closest to `word`, or "" when none is close enough to be a
// plausible misspelling (distance at most a third of the word, at least 2).
std::string ClosestMatch(std::string_view word,
                         const std::vector<std::string>& candidates);

}  // namespace edgelog

#endif  // EDGELOG_AGENT_CONFIG_SUGGEST_H_
