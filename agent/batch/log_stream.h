// Where events go: one CloudWatch Logs group and stream.
#ifndef EDGELOG_AGENT_BATCH_LOG_STREAM_H_
#define EDGELOG_AGENT_BATCH_LOG_STREAM_H_

#include <string>

namespace edgelog {

struct LogStreamTarget {
  std::string group;
  std::string stream;
  int retention_in_days = 0;    // 0: leave the group's retention alone
  std::string group_class;      // empty: the service default (STANDARD)

  bool operator==(const LogStreamTarget& o) const {
    return group == o.group && stream == o.stream;
  }
};

}  // namespace edgelog

#endif  // EDGELOG_AGENT_BATCH_LOG_STREAM_H_
