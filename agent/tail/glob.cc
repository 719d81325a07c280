#include "agent/tail/glob.h"

#include <algorithm>

#include "agent/text/glob_match.h"

namespace edgelog {
namespace {

// '**' may descend this deep; protects against symbolic-link loops.
constexpr int kMaxRecursiveDepth = 32;

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

bool IsDirectory(Env& env, const std::string& path) {
  auto info = env.Stat(path);
  return info.ok() && info->kind == FileKind::kDirectory;
}

void Expand(Env& env, const std::vector<std::string>& parts, size_t index,
            const std::string& dir, int depth, std::vector<std::string>* out) {
  if (index == parts.size()) {
    auto info = env.Stat(dir);
    if (info.ok() && info->kind == FileKind::kRegular) out->push_back(dir);
    return;
  }
  const std::string& part = parts[index];
  if (part == "**") {
    Expand(env, parts, index + 1, dir, depth, out);  // zero directories
    if (depth >= kMaxRecursiveDepth) return;
    auto names = env.ListDir(dir);
    if (!names.ok()) return;
    for (const std::string& name : *names) {
      if (name[0] == '.') continue;  // '**' does not enter hidden directories
      std::string child = Join(dir, name);
      if (IsDirectory(env, child)) {
        Expand(env, parts, index, child, depth + 1, out);
      } else if (index + 1 == parts.size()) {
        Expand(env, parts, index + 1, child, depth, out);  // a trailing '**': every file
      }
    }
    return;
  }
  if (!HasGlobCharacters(part)) {
    Expand(env, parts, index + 1, Join(dir, part), depth, out);
    return;
  }
  auto names = env.ListDir(dir);
  if (!names.ok()) return;
  for (const std::string& name : *names) {
    bool hidden_match = name[0] != '.' || part[0] == '.';
    if (hidden_match && MatchComponent(part, name)) {
      Expand(env, parts, index + 1, Join(dir, name), depth, out);
    }
  }
}

}  // namespace

std::vector<std::string> ExpandGlob(Env& env, const std::string& pattern) {
  std::vector<std::string> out;
  Expand(env, SplitPath(pattern), 0, "/", 0, &out);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace edgelog
