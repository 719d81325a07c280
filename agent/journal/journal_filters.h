// The `filters` of a journald collect_list entry, applied to MESSAGE.
//
// The agent turns them into one OpenTelemetry filter processor
// (translator/translate/otel/processor/journaldfilter): an entry is dropped
// when any exclude expression matches, or when there are include
// expressions and none matches. Unlike a file entry's filters, where every
// include must match, one matching include is enough.
#ifndef EDGELOG_AGENT_JOURNAL_JOURNAL_FILTERS_H_
#define EDGELOG_AGENT_JOURNAL_JOURNAL_FILTERS_H_

#include <string_view>
#include <vector>

#include "agent/base/status.h"
#include "agent/config/config.h"
#include "agent/text/regex.h"

namespace edgelog {

class JournalFilters {
 public:
  JournalFilters() = default;
  // kInvalidArgument naming the expression and RE2's complaint, or an
  // unknown type.
  static StatusOr<JournalFilters> Compile(const std::vector<FileFilter>& filters);
  // True when `message` is to be sent.
  bool Pass(std::string_view message) const;

 private:
  std::vector<Regex> includes_;
  std::vector<Regex> excludes_;
};

}  // namespace edgelog

#endif  // EDGELOG_AGENT_JOURNAL_JOURNAL_FILTERS_H_
