// Turning the collect_list of the configuration into what the tailer needs:
// regular expressions, timestamp formats and charsets compiled and checked.
#ifndef EDGELOG_AGENT_RUN_TAIL_SETUP_H_
#define EDGELOG_AGENT_RUN_TAIL_SETUP_H_

#include <vector>

#include "agent/base/status.h"
#include "agent/config/config.h"
#include "agent/tail/tailer.h"
#include "agent/tail/timestamp_format.h"

namespace edgelog {

// One TailEntry per collect_list entry. kInvalidArgument with one line per
// problem, "FILE: logs.logs_collected.files.collect_list[i].KEY: reason",
// like the configuration loader's errors.
StatusOr<std::vector<TailEntry>> BuildTailEntries(const Config& config,
                                                  const UtcOffsetFn& local_offset);

}  // namespace edgelog

#endif  // EDGELOG_AGENT_RUN_TAIL_SETUP_H_
