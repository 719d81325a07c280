#include "agent/tail/rotation.h"

#include <algorithm>

#include "agent/io/file_util.h"
#include "agent/text/glob_match.h"

namespace edgelog {
namespace {

std::string BaseName(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::vector<std::string> Components(const std::string& path) {
  std::vector<std::string> parts;
  size_t pos = 0;
  while (pos < path.size()) {
    size_t slash = path.find('/', pos);
    if (slash == std::string::npos) slash = path.size();
    if (slash > pos) parts.push_back(path.substr(pos, slash - pos));
    pos = slash + 1;
  }
  return parts;
}

bool MatchFrom(const std::vector<std::string>& pattern, size_t p,
               const std::vector<std::string>& path, size_t q) {
  if (p == pattern.size()) return q == path.size();
  if (pattern[p] == "**") {
    for (size_t skip = q; skip <= path.size(); ++skip) {
      if (MatchFrom(pattern, p + 1, path, skip)) return true;
      if (skip < path.size() && path[skip][0] == '.') return false;  // no hidden dirs
    }
    return false;
  }
  // As ExpandGlob: a hidden name matches only a pattern starting with '.'.
  bool hidden_ok = path.size() <= q || path[q][0] != '.' || pattern[p][0] == '.';
  return q < path.size() && hidden_ok && MatchComponent(pattern[p], path[q]) &&
         MatchFrom(pattern, p + 1, path, q + 1);
}

}  // namespace

bool IsCompressedName(const std::string& path) {
  for (std::string_view ext : {".gz", ".bz2", ".xz", ".zip", ".zst", ".lz4", ".tgz", ".rar",
                               ".tar", ".7z", ".Z"}) {
    if (path.size() > ext.size() &&
        path.compare(path.size() - ext.size(), ext.size(), ext) == 0) {
      return true;
    }
  }
  return false;
}

bool IsRotatedNameOf(const std::string& candidate, const std::string& path) {
  if (DirName(candidate) != DirName(path) || IsCompressedName(candidate)) return false;
  std::string name = BaseName(candidate);
  std::string base = BaseName(path);
  if (name.size() <= base.size() || name.compare(0, base.size(), base) != 0) return false;
  char next = name[base.size()];
  return next == '.' || next == '-';
}

bool LooksRotated(const std::string& candidate, const std::string& path) {
  if (!IsRotatedNameOf(candidate, path)) return false;
  std::string suffix = BaseName(candidate).substr(BaseName(path).size() + 1);
  bool digit = false;
  for (char c : suffix) {
    if (c >= '0' && c <= '9') {
      digit = true;
    } else if (c != '-' && c != '_' && c != '.' && c != ':' && c != 'T') {
      return false;
    }
  }
  return digit;
}

std::vector<Sibling> RotatedSiblings(Env& env, const std::string& path) {
  std::vector<Sibling> out;
  std::string dir = DirName(path);
  auto names = env.ListDir(dir);
  if (!names.ok()) return out;
  for (const std::string& name : *names) {
    std::string candidate = JoinPath(dir, name);
    if (!IsRotatedNameOf(candidate, path)) continue;
    auto info = env.Stat(candidate);
    if (info.ok() && info->kind == FileKind::kRegular) out.push_back({candidate, *info});
  }
  // Oldest first: by last write; written in the same tick (coarse
  // timestamps), by name: NAME.3 is older than NAME.1, NAME-20261205 than
  // NAME-20261206.
  const size_t base = BaseName(path).size() + 1;
  auto number = [base](const std::string& candidate, uint64_t* n) {
    std::string suffix = BaseName(candidate).substr(base);
    if (suffix.empty() || suffix.size() > 18) return false;
    for (char c : suffix) {
      if (c < '0' || c > '9') return false;
    }
    *n = std::stoull(suffix);
    return true;
  };
  std::sort(out.begin(), out.end(), [&](const Sibling& a, const Sibling& b) {
    if (a.info.mtime_ns != b.info.mtime_ns) return a.info.mtime_ns < b.info.mtime_ns;
    uint64_t na = 0;
    uint64_t nb = 0;
    if (number(a.path, &na) && number(b.path, &nb) && na != nb) return na > nb;
    return a.path < b.path;
  });
  return out;
}

bool HoldsReadContent(ReadableFile& file, uint64_t size, const ReadState& state) {
  if (state.head.length == 0 || size < state.offset || size < state.head.length) return false;
  auto head = ReadFingerprint(file, state.head.length);
  if (!head.ok() || *head != state.head) return false;
  if (state.offset == 0) return true;
  std::string tail(state.tail.length, '\0');
  auto n = file.ReadAt(state.offset - state.tail.length, tail.data(), tail.size());
  return n.ok() && *n == tail.size() && FingerprintOf(tail) == state.tail;
}

bool PrefixOfRead(ReadableFile& file, uint64_t size, const ReadState& state,
                  std::string_view tail_bytes) {
  if (size == 0 || size > state.offset) return false;
  bool covered = false;
  if (state.head.length > 0 && size >= state.head.length) {
    auto head = ReadFingerprint(file, state.head.length);
    if (!head.ok() || *head != state.head) return false;
    covered = true;
  }
  uint64_t window = state.offset - tail_bytes.size();  // file offset of tail_bytes
  if (size > window) {
    std::string bytes(size - window, '\0');
    auto n = file.ReadAt(window, bytes.data(), bytes.size());
    if (!n.ok() || *n != bytes.size() || tail_bytes.substr(0, bytes.size()) != bytes) {
      return false;
    }
    covered = covered || window == 0;
  }
  return covered;
}

bool SamePrefix(ReadableFile& a, ReadableFile& b, uint64_t n) {
  if (n == 0) return false;
  auto same_at = [&](uint64_t from, size_t length) {
    std::string x(length, '\0'), y(length, '\0');
    auto nx = a.ReadAt(from, x.data(), length);
    auto ny = b.ReadAt(from, y.data(), length);
    return nx.ok() && ny.ok() && *nx == length && *ny == length && x == y;
  };
  size_t first = static_cast<size_t>(std::min<uint64_t>(n, kFingerprintBytes));
  if (!same_at(0, first)) return false;
  if (n <= first) return true;
  size_t last = static_cast<size_t>(std::min<uint64_t>(n - first, kFingerprintBytes));
  return same_at(n - last, last);
}

bool PathMatches(const std::string& pattern, const std::string& path) {
  return MatchFrom(Components(pattern), 0, Components(path), 0);
}

}  // namespace edgelog
