// The errors and warnings found while reading one configuration file, each
// naming the file and the key at fault.
#ifndef EDGELOG_AGENT_CONFIG_PROBLEMS_H_
#define EDGELOG_AGENT_CONFIG_PROBLEMS_H_

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace edgelog {

class ConfigProblems {
 public:
  // Warnings are appended to `warnings` (Config::warnings) as they are found.
  ConfigProblems(std::string source, std::vector<std::string>* warnings)
      : source_(std::move(source)), warnings_(warnings) {}

  // "SOURCE: key.path: reason", control characters escaped; with the text
  // before ${VAR} expansion when the value at `path` came from one.
  void AddError(const std::string& path, const std::string& reason);
  // "SOURCE: key.path: what", once per key and cause.
  void AddWarning(const std::string& path, const std::string& what);
  // "SOURCE: what", for what concerns no one key.
  void AddFileWarning(const std::string& what);

  // The value at `path` was `original` before ${VAR} expansion.
  void NoteExpansion(const std::string& path, const std::string& original) {
    expanded_from_[path] = original;
  }

  // True when an error was reported at `path` or at a key inside it.
  bool HasErrorUnder(const std::string& path) const;
  // One line per error, each ending in '\n'; empty when there is none.
  const std::string& errors() const { return errors_; }

 private:
  std::string source_;
  std::vector<std::string>* warnings_;
  std::map<std::string, std::string> expanded_from_;  // path → text before ${VAR}
  std::string errors_;
  std::vector<std::string> error_paths_;
};

}  // namespace edgelog

#endif  // EDGELOG_AGENT_CONFIG_PROBLEMS_H_
