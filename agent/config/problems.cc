#include "agent/config/problems.h"

#include "agent/text/ascii.h"

namespace edgelog {

void ConfigProblems::AddError(const std::string& path, const std::string& reason) {
  std::string origin;
  if (auto it = expanded_from_.find(path); it != expanded_from_.end()) {
    origin = " (from \"" + it->second + "\")";
  }
  errors_ += source_ + ": " +
             EscapeControls((path.empty() ? "" : path + ": ") + reason + origin) + "\n";
  error_paths_.push_back(path);
}

void ConfigProblems::AddWarning(const std::string& path, const std::string& what) {
  std::string line = source_ + ": " + EscapeControls(path + ": " + what);
  for (const std::string& w : *warnings_) {
    if (w == line) return;  // one warning per key and cause
  }
  warnings_->push_back(std::move(line));
}

void ConfigProblems::AddFileWarning(const std::string& what) {
  warnings_->push_back(source_ + ": " + what);
}

bool ConfigProblems::HasErrorUnder(const std::string& path) const {
  for (const std::string& p : error_paths_) {
    if (p == path || p.rfind(path + ".", 0) == 0) return true;
  }
  return false;
}

}  // namespace edgelog
