// Where the lines of a file go: the log group and stream of its
// collect_list entry, or, with publish_multi_logs, names made from the
// file's path as the CloudWatch agent makes them.
#ifndef EDGELOG_AGENT_RUN_DESTINATION_H_
#define EDGELOG_AGENT_RUN_DESTINATION_H_

#include <string>

#include "agent/batch/log_stream.h"
#include "agent/config/config.h"

namespace edgelog {

// The destination of the file at `path` (the name it is written under)
// read for `entry`. Without publish_multi_logs: the entry's group and
// stream, whatever the file. With it (the agent's
// plugins/inputs/logfile/logfile.go):
// - no log_group_name: the group is PathName(path), the stream the entry's;
// - a log_group_name: the entry's group, and the stream
//   log_stream_name + "_" + PathName(path) with '/' as '_' (the entry's own
//   log_stream_name, empty when it has none: "__var_log_app.log").
LogStreamTarget DestinationOf(const FileEntry& entry, const std::string& path);

// "" when CloudWatch accepts both names of `t`, the destination of the
// file at `path`; otherwise one line naming the file, the name refused and
// the rule it breaks. Names from the configuration were checked at load;
// those made from a path (publish_multi_logs) are only known here.
std::string RefusedDestination(const LogStreamTarget& t, const std::string& path);

// `path` with '\' as '/' and every character outside A-Z a-z 0-9 . - _ / #
// (a UTF-8 character, or a byte that is not one) as '_': a valid group
// name but for its length.
std::string PathName(const std::string& path);

}  // namespace edgelog

#endif  // EDGELOG_AGENT_RUN_DESTINATION_H_
