#include "agent/journal/journalctl_args.h"

#include <algorithm>
#include <utility>

namespace edgelog {
namespace {

// The agent leaves an unset priority to the receiver's default.
constexpr char kDefaultPriority[] = "info";

}  // namespace

std::vector<std::string> JournalctlArgs(const JournalEntry& entry, const JournalctlWhere& where) {
  std::vector<std::string> argv = {kJournalctl, "--utc", "--output=json", "--all", "--no-pager"};
  if (where.follow) argv.push_back("--follow");
  if (!where.cursor.empty()) {
    argv.push_back("--after-cursor=" + where.cursor);
  } else if (where.since_unix_s >= 0) {
    argv.push_back("--since=@" + std::to_string(where.since_unix_s));
  } else {
    argv.push_back("--lines=" + std::to_string(kFirstStartLines));
  }
  for (const std::string& unit : entry.units) {
    argv.push_back("--unit");
    argv.push_back(unit);
  }
  argv.push_back("--priority");
  argv.push_back(entry.priority.empty() ? kDefaultPriority : entry.priority);
  if (!where.directory.empty()) {
    argv.push_back("--directory");
    argv.push_back(where.directory);
  }
  for (size_t i = 0; i < entry.matches.size(); ++i) {
    if (i > 0) argv.push_back("+");
    std::vector<std::pair<std::string, std::string>> fields = entry.matches[i];
    std::sort(fields.begin(), fields.end());  // predictable, as the receiver orders them
    for (const auto& [field, value] : fields) argv.push_back(field + "=" + value);
  }
  return argv;
}

}  // namespace edgelog
