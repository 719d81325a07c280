// Whether a journal directory holds anything for journalctl to read.
// journalctl over an empty directory prints nothing and, following, waits
// forever without a word: edgelog says so once at start instead.
#ifndef EDGELOG_AGENT_JOURNAL_JOURNAL_DIRECTORY_H_
#define EDGELOG_AGENT_JOURNAL_JOURNAL_DIRECTORY_H_

#include <string>

#include "platform/env.h"

namespace edgelog {

// Where journald keeps the system journal: persistent, then volatile.
inline constexpr const char* kSystemJournalDirs[] = {"/var/log/journal", "/run/log/journal"};

// "" when `directory` (edgelog.journald.directory; "" for the system
// journal, kSystemJournalDirs) holds journal files (*.journal or
// *.journal~, in it or one directory down, where journald keeps them per
// machine id); otherwise one line naming the directory and what is wrong
// with it: missing, not a directory, or no journal files in it.
std::string JournalDirectoryProblem(Env& env, const std::string& directory);

}  // namespace edgelog

#endif  // EDGELOG_AGENT_JOURNAL_JOURNAL_DIRECTORY_H_
