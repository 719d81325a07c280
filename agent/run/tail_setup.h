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

// Descriptors kept for everything but tailed files (sockets, disk buffer
// segments, inotify, the lock, checkpoint writes) out of `limit`
// (RLIMIT_NOFILE): at least this many, or an eighth of the limit.
inline constexpr uint64_t kDescriptorsKept = 64;

// How many files may be open at once under a descriptor limit of `limit`
// (0: unknown or unlimited, then `max_open_files`) with up to
// `max_in_flight` requests: never more than `max_open_files`, at least 1.
size_t OpenFilesAllowed(uint64_t limit, int64_t max_open_files, int64_t max_in_flight);

}  // namespace edgelog

#endif  // EDGELOG_AGENT_RUN_TAIL_SETUP_H_
