#include "agent/tail/glob.h"

#include <algorithm>
#include <optional>
#include <set>
#include <tuple>

#include "agent/text/glob_match.h"

namespace edgelog {
namespace {

std::vector<std::string> SplitPath(std::string_view path) {
  std::vector<std::string> parts;
  size_t pos = 0;
  while (pos < path.size()) {
    size_t slash = path.find('/', pos);
    if (slash == std::string_view::npos) slash = path.size();
    if (slash > pos) parts.emplace_back(path.substr(pos, slash - pos));
    pos = slash + 1;
  }
  return parts;
}

std::string Join(const std::string& dir, const std::string& name) {
  return dir == "/" ? "/" + name : dir + "/" + name;
}

// One expansion: the pattern's components, what has been walked, what was
// found.
class Walk {
 public:
  Walk(Env& env, std::vector<std::string> parts, const GlobLimits& limits)
      : env_(env), parts_(std::move(parts)), limits_(limits) {}

  // Adds the files below `dir` that match parts_[index...]. `depth`: how
  // many directories '**' has descended so far.
  void Expand(size_t index, const std::string& dir, int depth);

  GlobExpansion Finish() &&;

 private:
  // False when `dir` is no directory, or was entered for parts_[index]
  // already (through another path: a symbolic link).
  bool EnterOnce(size_t index, const std::string& dir);
  // The names in `dir`, sorted; nullopt when it cannot be listed or the
  // walk has listed all it may.
  std::optional<std::vector<std::string>> List(const std::string& dir);
  void ExpandDoubleStar(size_t index, const std::string& dir, int depth);

  Env& env_;
  const std::vector<std::string> parts_;
  const GlobLimits limits_;
  std::set<std::tuple<uint64_t, uint64_t, size_t>> entered_;  // device, inode, index
  int listed_ = 0;
  GlobExpansion result_;
};

bool Walk::EnterOnce(size_t index, const std::string& dir) {
  auto info = env_.Stat(dir);
  if (!info.ok() || info->kind != FileKind::kDirectory) return false;
  return entered_.emplace(info->id.device, info->id.inode, index).second;
}

std::optional<std::vector<std::string>> Walk::List(const std::string& dir) {
  if (listed_ >= limits_.max_directories_listed) {
    result_.truncated = true;
    return std::nullopt;
  }
  ++listed_;
  auto names = env_.ListDir(dir);
  if (!names.ok()) return std::nullopt;
  // The first path found to a directory is kept: its own before a link's
  // (a link may be refused where the directory's own path is not), then in
  // sorted order.
  std::sort(names->begin(), names->end());
  std::stable_partition(names->begin(), names->end(), [&](const std::string& name) {
    auto entry = env_.LinkStat(Join(dir, name));
    return !entry.ok() || entry->kind != FileKind::kSymlink;
  });
  return std::move(*names);
}

void Walk::Expand(size_t index, const std::string& dir, int depth) {
  if (index == parts_.size()) {
    auto info = env_.Stat(dir);
    if (info.ok() && info->kind == FileKind::kRegular) result_.paths.push_back(dir);
    return;
  }
  if (!EnterOnce(index, dir)) return;
  const std::string& part = parts_[index];
  if (part == "**") {
    ExpandDoubleStar(index, dir, depth);
    return;
  }
  if (part == ".") {  // the same directory: kept out of the paths found
    Expand(index + 1, dir, depth);
    return;
  }
  if (!HasGlobCharacters(part)) {
    Expand(index + 1, Join(dir, part), depth);
    return;
  }
  auto names = List(dir);
  if (!names) return;
  for (const std::string& name : *names) {
    bool hidden_match = name[0] != '.' || part[0] == '.';
    if (hidden_match && MatchComponent(part, name)) {
      Expand(index + 1, Join(dir, name), depth);
    }
  }
}

void Walk::ExpandDoubleStar(size_t index, const std::string& dir, int depth) {
  Expand(index + 1, dir, depth);  // zero directories
  auto names = List(dir);
  if (!names) return;
  for (const std::string& name : *names) {
    if (name[0] == '.') continue;  // '**' does not enter hidden directories
    std::string child = Join(dir, name);
    auto info = env_.Stat(child);
    if (!info.ok()) continue;
    if (info->kind == FileKind::kDirectory) {
      if (depth >= limits_.max_depth) {
        result_.truncated = true;
        continue;
      }
      Expand(index, child, depth + 1);
    } else if (index + 1 == parts_.size() && info->kind == FileKind::kRegular) {
      result_.paths.push_back(child);  // a trailing '**': every file
    }
  }
}

GlobExpansion Walk::Finish() && {
  std::vector<std::string>& paths = result_.paths;
  std::sort(paths.begin(), paths.end());
  paths.erase(std::unique(paths.begin(), paths.end()), paths.end());
  return std::move(result_);
}

}  // namespace

GlobExpansion ExpandGlob(Env& env, const std::string& pattern, const GlobLimits& limits) {
  Walk walk(env, SplitPath(pattern), limits);
  walk.Expand(0, "/", 0);
  return std::move(walk).Finish();
}

std::string FixedDirOf(const std::string& pattern) {
  // Components up to the last one (a file name, or a glob) or the first
  // glob; "//" and "." are no components, as the walk sees them.
  std::vector<std::string> parts = SplitPath(pattern);
  std::string fixed;
  for (size_t i = 0; i + 1 < parts.size() && !HasGlobCharacters(parts[i]); ++i) {
    if (parts[i] != ".") fixed += "/" + parts[i];
  }
  return fixed.empty() ? "/" : fixed;
}

}  // namespace edgelog
