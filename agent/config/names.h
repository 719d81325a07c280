// The names CloudWatch Logs accepts for log groups and streams, and the
// group the CloudWatch agent derives from a file's path.
#ifndef EDGELOG_AGENT_CONFIG_NAMES_H_
#define EDGELOG_AGENT_CONFIG_NAMES_H_

#include <string>
#include <string_view>

namespace edgelog {

// The rules, as error messages state them.
inline constexpr std::string_view kGroupNameRule = "1-512 of A-Z a-z 0-9 . - _ / #";
inline constexpr std::string_view kStreamNameRule = "1-512 characters of UTF-8, no ':' or '*'";

// A character a log group name may hold.
bool AllowedInGroupName(unsigned char c);

// "" when CloudWatch accepts `name` as a log group name; otherwise the rule
// it breaks, in a few words ("is 600 characters, more than the 512 a log
// group name may have"). Checked on configured names at load and on names
// derived from file paths while running (agent/run/destination.h).
std::string WhyNotLogGroupName(std::string_view name);
// The same for a log stream name. Stream names travel in JSON requests,
// so they must be valid UTF-8 too.
std::string WhyNotLogStreamName(std::string_view name);

inline bool IsValidGroupName(std::string_view name) { return WhyNotLogGroupName(name).empty(); }
inline bool IsValidStreamName(std::string_view name) { return WhyNotLogStreamName(name).empty(); }

// The CloudWatch agent's default group: file_path without its extension.
std::string DefaultGroupName(const std::string& file_path);

}  // namespace edgelog

#endif  // EDGELOG_AGENT_CONFIG_NAMES_H_
