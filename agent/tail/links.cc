// Tailer: symbolic links among the log files.
//
// edgelog may read files its user could not (CAP_DAC_READ_SEARCH), so a
// link is a way to make it ship any file on the host. A file is read only
// when it is inside the directory its entry's file_path names (the path
// up to the first glob character, links in it resolved once, when first
// found), and every link below that directory was made by root, by
// edgelog's own user or by the owner of the file it leads to (who could
// ship it anyway). A link on the way to the named directory itself must be
// root's or edgelog's user's: otherwise whoever made it could move the
// directory anywhere. edgelog.follow_symlinks_anywhere lifts all of this.
//
// Judged twice: when a file is found (so that a refused one is said once
// and otherwise left alone), and after it is opened, with the opened file's
// identity checked against its path, so that a link swapped between the
// look and the open is not read.
#include <string>

#include "agent/io/file_util.h"
#include "agent/tail/glob.h"
#include "agent/tail/tailer.h"

namespace edgelog {
namespace {

// `path` is `dir` or inside it.
bool Within(const std::string& path, const std::string& dir) {
  if (dir == "/") return true;
  return path.compare(0, dir.size(), dir) == 0 &&
         (path.size() == dir.size() || path[dir.size()] == '/');
}

// The paths of `path`'s components after `dir`, each the path up to it:
// "/a/b/c" after "/a" is "/a/b", "/a/b/c".
std::vector<std::string> PathsBelow(const std::string& dir, const std::string& path) {
  std::vector<std::string> out;
  size_t pos = dir == "/" ? 0 : dir.size();
  while (pos < path.size()) {
    size_t next = path.find('/', pos + 1);
    if (next == std::string::npos) next = path.size();
    if (next > pos + 1) out.push_back(path.substr(0, next));
    pos = next;
  }
  return out;
}

}  // namespace

Tailer::LinkRoot& Tailer::RootOf(uint32_t entry) {
  LinkRoot& root = roots_[entry];
  if (root.known) return root;
  const std::string fixed = FixedDirOf(entries_[entry].pattern);
  const uint32_t me = env_.UserId();
  std::vector<std::string> on_the_way = PathsBelow("/", fixed);
  for (const std::string& p : on_the_way) {
    auto link = env_.LinkStat(p);
    if (!link.ok()) return root;  // not there yet: looked at again later
    if (link->kind == FileKind::kSymlink && link->owner != 0 && link->owner != me) {
      root.known = true;
      root.untrusted_link = p;
      root.link_owner = link->owner;
      return root;
    }
  }
  auto real = env_.RealPath(fixed);
  if (!real.ok()) return root;
  root.known = true;
  root.real = *real;
  return root;
}

std::string Tailer::LinkRefusal(uint32_t entry, const std::string& path, const FileInfo& file) {
  const std::string fixed = FixedDirOf(entries_[entry].pattern);
  LinkRoot& root = RootOf(entry);
  if (!root.known) return "";  // nothing found under it yet: nothing to judge
  if (!root.untrusted_link.empty()) {
    return "the directory " + fixed + " is reached through " + root.untrusted_link +
           ", a symbolic link made by user " + std::to_string(root.link_owner) +
           ", who could point it anywhere";
  }
  if (!Within(path, fixed)) return "it is not inside " + fixed;  // (a pattern's own match is)
  const uint32_t me = env_.UserId();
  bool linked = false;
  std::string untrusted;
  for (const std::string& p : PathsBelow(fixed, path)) {
    auto link = env_.LinkStat(p);
    if (!link.ok()) return "it changed while being looked at";
    if (link->kind != FileKind::kSymlink) continue;
    linked = true;
    if (untrusted.empty() && link->owner != 0 && link->owner != me && link->owner != file.owner) {
      untrusted = p + " is a symbolic link made by user " + std::to_string(link->owner) +
                  " to a file of user " + std::to_string(file.owner);
    }
  }
  if (!linked) {
    // No link below it: the file is inside the directory if that still is
    // where it was (it may have been replaced by a link since). Looked at
    // once a pass: the opened file's own place is checked in any case.
    if (root.checked_pass != pass_) {
      auto dir_now = env_.RealPath(fixed);
      root.in_place = dir_now.ok() && *dir_now == root.real;
      root.checked_pass = pass_;
    }
    if (root.in_place) return "";
  }
  auto real = env_.RealPath(path);
  if (!real.ok()) return "it changed while being looked at";
  if (!Within(*real, root.real)) {
    return "it leads to " + *real + ", outside " + fixed +
           (root.real != fixed ? " (" + root.real + ")" : "");
  }
  return untrusted;
}

bool Tailer::LinkAllowed(uint32_t entry, const std::string& path, const FileInfo& file) {
  if (options_.follow_links_anywhere) return true;
  std::string refusal = LinkRefusal(entry, path, file);
  if (refusal.empty()) return true;
  if (refused_links_.insert(path + '\n' + refusal).second) {
    log_.Warning("not reading " + path + ": " + refusal +
                 " (edgelog.follow_symlinks_anywhere: true follows links anywhere)");
  }
  return false;
}

StatusOr<std::unique_ptr<ReadableFile>> Tailer::OpenLog(uint32_t entry, const std::string& path,
                                                        bool* refused) {
  *refused = false;
  auto file = env_.OpenReadable(path);
  if (!file.ok() || options_.follow_links_anywhere) return file;
  auto opened = (*file)->Stat();
  if (!opened.ok()) return opened.status();
  *refused = !LinkAllowed(entry, path, *opened);
  if (*refused) return Status::PermissionDenied(path + ": not read (a symbolic link)");
  // What was judged by its path must be what was opened: where the open
  // file is, or else its identity, is checked (a link swapped in between
  // the open and the look would otherwise be read).
  const LinkRoot& root = RootOf(entry);
  std::string refusal;
  if (auto where = (*file)->Where(); where.ok()) {
    std::string at = *where;
    const std::string deleted = " (deleted)";
    if (at.size() > deleted.size() && at.compare(at.size() - deleted.size(), deleted.size(),
                                                 deleted) == 0) {
      at.resize(at.size() - deleted.size());
    }
    if (root.known && root.untrusted_link.empty() && !Within(at, root.real)) {
      refusal = "the file opened is " + at + ", outside " + FixedDirOf(entries_[entry].pattern);
    }
  } else if (auto named = env_.Stat(path); !named.ok() || named->id != opened->id) {
    refusal = "it changed while being opened";
  }
  if (refusal.empty()) return file;
  *refused = true;
  if (refused_links_.insert(path + '\n' + refusal).second) {
    log_.Warning("not reading " + path + ": " + refusal);
  }
  return Status::PermissionDenied(path + ": " + refusal);
}

}  // namespace edgelog
