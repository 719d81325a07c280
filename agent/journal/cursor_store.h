// Journal cursors: where each journald collect_list entry was delivered up
// to, kept in STATE_DIR/journal_cursors.json like the files' checkpoints
// (replaced atomically; a save is a write, two fsyncs and a rename).
//
// An entry is named by what it reads and where it sends: its group, its
// stream, and a digest of its selection (units, priority, matches,
// filters; normalized, so that their order and spelling do not matter).
// Reordering the collect_list or adding an entry keeps each entry's cursor;
// an entry whose selection changes is a new entry, started as at a first
// start (the old cursor says nothing of where the new selection was).
// Identical entries are told apart by their rank among themselves.
//
// Files written before (version 1) named an entry by its group, stream and
// rank among the entries with both: MigrateJournalCursors carries such a
// cursor over when it can only be one entry's.
#ifndef EDGELOG_AGENT_JOURNAL_CURSOR_STORE_H_
#define EDGELOG_AGENT_JOURNAL_CURSOR_STORE_H_

#include <map>
#include <string>
#include <vector>

#include "agent/base/status.h"
#include "agent/config/config.h"
#include "platform/env.h"

namespace edgelog {

// Key → cursor.
using JournalCursors = std::map<std::string, std::string>;

// The key of `config.journals[index]`.
std::string JournalKey(const Config& config, size_t index);

// `loaded` with every version-1 key (group, stream, rank) replaced by the
// key of the one entry of `config` with that group and stream, when
// exactly one entry has them now and the old file named only one; such a
// key that cannot be matched so is dropped, and said in `notes` (those
// entries start as at a first start). Other keys are kept as they are.
JournalCursors MigrateJournalCursors(const Config& config, JournalCursors loaded,
                                     std::vector<std::string>* notes);

// The cursors saved at `path`; none when it does not exist. kCorruption
// naming the file when it cannot be read as one.
StatusOr<JournalCursors> LoadJournalCursors(Env& env, const std::string& path);
Status SaveJournalCursors(Env& env, const std::string& path, const JournalCursors& cursors);

}  // namespace edgelog

#endif  // EDGELOG_AGENT_JOURNAL_CURSOR_STORE_H_
