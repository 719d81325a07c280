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

constexpr char kChangedWhileLooking[] = "it changed while being looked at";

}  // namespace

Tailer::LinkRoot& Tailer::RootOf(uint32_t entry) {
  LinkRoot& root = roots_[entry];
  if (!root.known) root = ResolveRoot(entry);
  return root;
}

Tailer::LinkRoot Tailer::ResolveRoot(uint32_t entry) {
  LinkRoot root;
  // Resolved a component at a time, so that every link met on the way is
  // judged, those inside the targets of other links included.
  const uint32_t me = env_.UserId();
  std::vector<std::string> pending;  // components still to look at, last first
  auto push = [&pending](const std::string& path) {
    std::vector<std::string> parts = PathsBelow("/", path);
    for (auto it = parts.rbegin(); it != parts.rend(); ++it) {
      pending.push_back(it->substr(it->rfind('/') + 1));
    }
  };
  push(FixedDirOf(entries_[entry].pattern));
  std::string resolved = "/";
  for (int links = 0; !pending.empty();) {
    std::string name = std::move(pending.back());
    pending.pop_back();
    if (name == ".") continue;
    if (name == "..") {
      resolved = DirName(resolved);
      continue;
    }
    std::string next = resolved == "/" ? "/" + name : resolved + "/" + name;
    auto link = env_.LinkStat(next);
    if (!link.ok()) return root;  // not there yet: looked at again later
    if (link->kind != FileKind::kSymlink) {
      resolved = std::move(next);
      continue;
    }
    if (link->owner != 0 && link->owner != me) {
      root.known = true;
      root.untrusted_link = next;
      root.link_owner = link->owner;
      return root;
    }
    auto target = env_.ReadLink(next);
    if (!target.ok() || target->empty() || ++links > 40) return root;
    if ((*target)[0] == '/') resolved = "/";
    push(*target);
  }
  root.known = true;
  root.real = resolved;
  return root;
}

std::string Tailer::LinkRefusal(uint32_t entry, const std::string& path, const FileInfo& file,
                                bool* linked_below) {
  const std::string fixed = FixedDirOf(entries_[entry].pattern);
  LinkRoot& root = RootOf(entry);
  // Where the directory leads now, looked at once a pass. Moved (a link on
  // the way switched: a deploy's current -> releases/N), it is judged
  // again as it is: followed if every link on the way still may be.
  if (root.checked_pass != pass_) {
    auto dir_now = env_.RealPath(fixed);
    if (dir_now.ok() && (!root.known || *dir_now != root.real)) {
      LinkRoot moved = ResolveRoot(entry);
      if (moved.known && moved.untrusted_link.empty() && root.known &&
          root.untrusted_link.empty()) {
        log_.Info(fixed + " now leads to " + moved.real + " (it led to " + root.real + ")");
      }
      if (moved.known) root = moved;
    }
    root.in_place = root.known && root.untrusted_link.empty() && dir_now.ok() &&
                    *dir_now == root.real;
    root.checked_pass = pass_;
  }
  if (!root.known) return kChangedWhileLooking;  // found before its directory could be
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
    if (!link.ok()) return kChangedWhileLooking;
    if (link->kind != FileKind::kSymlink) continue;
    linked = true;
    if (linked_below != nullptr) *linked_below = true;
    if (untrusted.empty() && link->owner != 0 && link->owner != me && link->owner != file.owner) {
      untrusted = p + " is a symbolic link made by user " + std::to_string(link->owner) +
                  " to a file of user " + std::to_string(file.owner);
    }
  }
  // No link below it: the file is inside the directory if that still is
  // where it was judged to lead (the opened file's own place is checked in
  // any case).
  if (!linked && root.in_place) return "";
  auto real = env_.RealPath(path);
  if (!real.ok()) return kChangedWhileLooking;
  if (!Within(*real, root.real)) {
    return "it leads to " + *real + ", outside " + fixed +
           (root.real != fixed ? " (" + root.real + ")" : "");
  }
  return untrusted;
}

bool Tailer::LinkAllowed(uint32_t entry, const std::string& path, const FileInfo& file,
                         bool* linked_below) {
  if (options_.follow_links_anywhere) return true;
  std::string refusal = LinkRefusal(entry, path, file, linked_below);
  if (refusal.empty()) return true;
  SayRefused(path, refusal + " (edgelog.follow_symlinks_anywhere: true follows links anywhere)");
  return false;
}

void Tailer::SayRefused(const std::string& path, const std::string& why) {
  // Each once; a flood of links is not a flood of warnings (nor of memory).
  if (refused_links_.size() >= kRefusalsKept) {
    if (refused_links_.size() == kRefusalsKept) {
      refused_links_.insert("");
      log_.Warning("more files not read for their links; no more are named");
    }
    return;
  }
  if (refused_links_.insert(path + '\n' + why).second) {
    log_.Warning("not reading " + path + ": " + why);
  }
}

StatusOr<std::unique_ptr<ReadableFile>> Tailer::OpenLog(uint32_t entry, const std::string& path,
                                                        bool* refused) {
  *refused = false;
  auto file = env_.OpenReadable(path);
  if (!file.ok() || options_.follow_links_anywhere) return file;
  auto opened = (*file)->Stat();
  if (!opened.ok()) return opened.status();
  // Judged again now that it is open: what was judged by its path when it
  // was found must be what was opened (a link swapped in between would
  // otherwise be read). Where the open file is says, else its identity.
  const LinkRoot& root = RootOf(entry);
  const std::string fixed = FixedDirOf(entries_[entry].pattern);
  bool linked = false;
  std::string refusal = LinkRefusal(entry, path, *opened, &linked);
  if (auto where = (*file)->Where(); where.ok() && root.known && root.untrusted_link.empty()) {
    std::string at = *where;
    const std::string deleted = " (deleted)";
    if (at.size() > deleted.size() &&
        at.compare(at.size() - deleted.size(), deleted.size(), deleted) == 0) {
      at.resize(at.size() - deleted.size());
    }
    const std::string below = path.substr(fixed == "/" ? 0 : fixed.size());
    const std::string own = root.real == "/" ? below : root.real + below;
    if (!Within(at, root.real)) {
      refusal = "the file opened is " + at + ", outside " + fixed;
    } else if (at == own) {
      refusal.clear();  // its own path: no link on the way
    } else if (refusal == kChangedWhileLooking || (refusal.empty() && !linked)) {
      // Not where its path leads, and no link there now: renamed within
      // its directory since it was opened (rotation), or a link swapped
      // in at the open and out again.
      refusal = DirName(at) == DirName(own) ? "" : "it changed while being opened (" + at + ")";
    }
  } else if (auto named = env_.Stat(path); refusal.empty() && (!named.ok() || named->id != opened->id)) {
    refusal = "it changed while being opened";
  }
  if (refusal.empty()) return file;
  *refused = true;
  SayRefused(path, refusal + " (edgelog.follow_symlinks_anywhere: true follows links anywhere)");
  return Status::PermissionDenied(path + ": " + refusal);
}

}  // namespace edgelog
