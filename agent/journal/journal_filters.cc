#include "agent/journal/journal_filters.h"

namespace edgelog {

StatusOr<JournalFilters> JournalFilters::Compile(const std::vector<FileFilter>& filters) {
  JournalFilters out;
  for (const FileFilter& f : filters) {
    if (f.type != "include" && f.type != "exclude") {
      return Status::InvalidArgument("filter type \"" + f.type +
                                     "\" is neither \"include\" nor \"exclude\"");
    }
    auto re = CompileRegex(f.expression);
    if (!re.ok()) return re.status();
    (f.type == "include" ? out.includes_ : out.excludes_).push_back(std::move(*re));
  }
  return out;
}

bool JournalFilters::Pass(std::string_view message) const {
  for (const Regex& re : excludes_) {
    if (SearchRegex(*re, message)) return false;
  }
  if (includes_.empty()) return true;
  for (const Regex& re : includes_) {
    if (SearchRegex(*re, message)) return true;
  }
  return false;
}

}  // namespace edgelog
