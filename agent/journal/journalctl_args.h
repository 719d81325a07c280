// The journalctl command line for one journald collect_list entry.
//
// The CloudWatch agent configures OpenTelemetry's journald receiver, which
// runs journalctl; edgelog runs it with the same selection:
//   units    → --unit U (each)
//   priority → --priority P; none configured is "info", as the agent sets
//   matches  → FIELD=value words, each object's fields in name order, "+"
//              between objects (journalctl ORs groups, ANDs within one)
// and --utc --output=json (one JSON object per line), --all (fields longer
// than 4096 bytes as themselves, not null), --no-pager. Where to start:
// --after-cursor C from the last delivered entry, else --lines=10 (what
// the agent's "start_at: end" gets from journalctl --follow, which shows
// the last 10 entries first), or --since=@S when a first start that read
// nothing is tried again (the entries written since the first try). --follow unless the run is --once.
#ifndef EDGELOG_AGENT_JOURNAL_JOURNALCTL_ARGS_H_
#define EDGELOG_AGENT_JOURNAL_JOURNALCTL_ARGS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "agent/config/config.h"

namespace edgelog {

inline constexpr char kJournalctl[] = "journalctl";
// What to do when journalctl is missing, or fails on the journal.
inline constexpr char kJournalctlInstallFix[] =
    "install journalctl (Debian and Ubuntu: apt-get install systemd) or put it on PATH";
inline constexpr char kJournalAccessFix[] =
    "is the journal there? In a container, mount the host's /var/log/journal and set "
    "edgelog.journald.directory to it; else check that edgelog may read the journal "
    "(group systemd-journal or adm)";
// Entries shown at a first start (no cursor): journalctl --follow's default.
inline constexpr int kFirstStartLines = 10;

struct JournalctlWhere {
  std::string directory;  // --directory; "": the system journal
  std::string cursor;     // --after-cursor; "": a first start
  bool follow = true;     // false: read to the current end and exit
  // Without a cursor: --since=@S (seconds since the epoch) instead of the
  // last entries, for a first start tried again. -1: not set.
  int64_t since_unix_s = -1;
};

// argv for journalctl (argv[0] is "journalctl", found on PATH).
std::vector<std::string> JournalctlArgs(const JournalEntry& entry, const JournalctlWhere& where);

}  // namespace edgelog

#endif  // EDGELOG_AGENT_JOURNAL_JOURNALCTL_ARGS_H_
