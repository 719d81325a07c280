#include "agent/journal/journal_directory.h"

#include <vector>

namespace edgelog {
namespace {

bool IsJournalFileName(const std::string& name) {
  for (const std::string suffix : {".journal", ".journal~"}) {
    if (name.size() > suffix.size() &&
        name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) {
      return true;
    }
  }
  return false;
}

// Journal files in `dir` or in a directory in it.
bool HoldsJournalFiles(Env& env, const std::string& dir) {
  auto names = env.ListDir(dir);
  if (!names.ok()) return false;
  for (const std::string& name : *names) {
    std::string path = dir + "/" + name;
    auto info = env.Stat(path);
    if (!info.ok()) continue;
    if (info->kind == FileKind::kRegular && IsJournalFileName(name)) return true;
    if (info->kind != FileKind::kDirectory) continue;
    auto inner = env.ListDir(path);
    if (!inner.ok()) continue;
    for (const std::string& file : *inner) {
      if (IsJournalFileName(file)) return true;
    }
  }
  return false;
}

// What is wrong with one directory, "" when it holds journal files.
std::string ProblemOf(Env& env, const std::string& dir) {
  auto info = env.Stat(dir);
  if (!info.ok()) {
    if (info.status().code() == Code::kNotFound) return dir + " does not exist";
    return dir + " cannot be looked at: " + info.status().message();
  }
  if (info->kind != FileKind::kDirectory) return dir + " is not a directory";
  auto names = env.ListDir(dir);
  if (!names.ok()) return dir + " cannot be listed: " + names.status().message();
  if (!HoldsJournalFiles(env, dir)) return dir + " holds no journal files (*.journal)";
  return "";
}

}  // namespace

std::string JournalDirectoryProblem(Env& env, const std::string& directory) {
  if (!directory.empty()) return ProblemOf(env, directory);
  std::string problems;
  for (const char* dir : kSystemJournalDirs) {
    std::string p = ProblemOf(env, dir);
    if (p.empty()) return "";
    problems += (problems.empty() ? "" : "; ") + p;
  }
  return problems;
}

}  // namespace edgelog
