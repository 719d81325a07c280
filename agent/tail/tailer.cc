// Tailer: reading the open files in turns, and finishing rotated ones.
#include "agent/tail/tailer.h"

#include <algorithm>
#include <set>

#include "agent/io/file_util.h"
#include "agent/tail/glob.h"
#include "agent/text/glob_match.h"

namespace edgelog {
namespace {

std::vector<TailEntry> PlainEntries(const std::vector<std::string>& patterns) {
  auto rules = std::make_shared<EntryRules>();
  rules->start_rule = EntryRules::StartRule::kEveryLine;
  std::vector<TailEntry> out;
  for (const std::string& p : patterns) out.push_back(TailEntry{p, nullptr, "", rules, ""});
  return out;
}

}  // namespace

Tailer::Tailer(Env& env, Logger& log, std::vector<TailEntry> entries,
               std::vector<Checkpoint> checkpoints, const TailerOptions& options)
    : env_(env),
      log_(log),
      entries_(std::move(entries)),
      checkpoints_(std::move(checkpoints)),
      options_(options) {
  if (options_.max_open_files == 0) options_.max_open_files = 1;
  for (uint32_t e = 0; e < entries_.size(); ++e) {
    uint32_t group = e;
    for (uint32_t earlier = 0; earlier < e && !entries_[e].key.empty(); ++earlier) {
      if (entries_[earlier].key == entries_[e].key) {
        group = earlier;
        break;
      }
    }
    group_.push_back(group);
  }
  roots_.resize(entries_.size());
  newest_.resize(entries_.size());
}

Tailer::Tailer(Env& env, Logger& log, const std::vector<std::string>& patterns,
               std::vector<Checkpoint> checkpoints, const TailerOptions& options)
    : Tailer(env, log, PlainEntries(patterns), std::move(checkpoints), options) {}

Tailer::~Tailer() = default;

FileSource* Tailer::FindOpen(uint32_t entry, const FileId& id) {
  for (auto& s : open_) {
    if (SameGroup(s->entry(), entry) && s->file_id() == id) return s.get();
  }
  return nullptr;
}

bool Tailer::MustWait(const FileSource& source) const {
  // Older generations first: a live file waits for every rotated file of its
  // entry, a rotated one for those rotated before it.
  for (const auto& other : open_) {
    if (other.get() == &source || !SameGroup(other->entry(), source.entry()) ||
        other->role() != SourceRole::kRotated) {
      continue;
    }
    if (source.role() == SourceRole::kLive || other->rank() < source.rank()) return true;
  }
  return false;
}

size_t Tailer::Read(size_t max_bytes, TailTime now, RecordSink& sink) {
  last_now_ = now;
  ++pass_;
  SettleHeldCopies();
  WakeGrownDormant(sink);
  OpenWaiting(sink);
  size_t total = 0;
  size_t idle = 0;  // files in a row that had nothing new
  while (total < max_bytes && !open_.empty()) {
    if (idle >= open_.size()) {
      // Everything open is read: files closed meanwhile may have made room
      // for files waiting for a descriptor.
      size_t before = open_.size();
      if (waiting_.empty()) break;
      OpenWaiting(sink);
      if (open_.size() == before) break;
      idle = 0;
      continue;  // open_ may even be empty now
    }
    size_t index = next_to_read_ % open_.size();
    next_to_read_ = index + 1;  // one chunk each, in turn
    FileSource& source = *open_[index];
    // Looked at when first visited, again whenever it changed while it
    // waits (a copy being filled), and when its turn to read comes; a
    // file waiting unchanged costs a stat, not a directory listing.
    if (!source.first_read_checked() &&
        (!source.looked() || !MustWait(source) || ChangedSinceLook(source))) {
      FirstRead first = BeforeFirstRead(index);
      if (first == FirstRead::kLookAgain) {
        idle = 0;
        continue;
      }
      if (first == FirstRead::kWait) {
        // Empty when looked at: what a read finds now came after the look,
        // perhaps a copy being filled, so it waits for the next look. It
        // is at its end meanwhile, as after a read that found nothing.
        source.FoundEmpty(now);
        if (AtEndOfFile(index, now, sink)) {
          idle = 0;  // closed (deleted): look again at what is left
        } else {
          ++idle;
        }
        continue;
      }
    }
    if (MustWait(source)) {  // older generations first, those it missed too
      ++idle;
      continue;
    }
    size_t chunk = std::min(options_.read_chunk_bytes, max_bytes - total);
    auto got = source.ReadSome(chunk, now, &buffer_, sink, stats_);
    if (!got.ok()) {
      log_.Warning(got.status().message());
      ++idle;
      continue;
    }
    if (got->rewritten) {
      // Written over in place with a copy of another file (cp over an old
      // copy, an inode reused at once): held like any copy.
      if (HoldIfACopy(index, now, &sink)) {
        idle = 0;
        continue;
      }
      // Truncated, perhaps written again past the offset (copytruncate
      // and a busy writer): what was not read yet may be in a copy.
      if (!StartOverAfterRewrite(source, now, sink)) {  // may follow more files
        ++idle;  // a copy could not be opened yet
        continue;
      }
    }
    SourceInfo& info = info_[source.id()];
    info.head = source.head();
    info.state = source.state();
    if (got->rewritten) {
      idle = 0;
      continue;
    }
    if (got->bytes > 0) {
      total += got->bytes;
      idle = 0;
      continue;
    }
    if (AtEndOfFile(index, now, sink)) {
      idle = 0;  // closed (`source` is gone): look again at what is left
    } else {
      ++idle;
    }
  }
  return total;
}

bool Tailer::AtEndOfFile(size_t index, TailTime now, RecordSink& sink) {
  FileSource& source = *open_[index];
  auto info = source.Stat();
  if (info.ok() && info->links == 0) {  // deleted: read to its end, let go
    Close(index, now, sink);
    return true;
  }
  if (MayRest(source)) {  // no longer the newest match: followed closed
    Sleep(index);
    return true;
  }
  if (source.role() != SourceRole::kRotated) return false;
  if (source.finishing()) {
    // The read after the decision found nothing more: done.
    if (source.unmatched()) {
      Close(index, now, sink);
      return true;
    }
    source.FlushAll(now, sink, stats_);
    source.MarkLive();
    ++stats_.rotations;
    if (MayRest(source)) {  // a match no longer the newest: followed closed
      Sleep(index);
      return true;
    }
    return false;
  }
  // An application keeps writing to a renamed file until it reopens its
  // log: the file is done once the application writes to a newer file, or
  // nothing came for a while. Then it is read once more.
  bool quiet = source.idle_since_ms() >= 0 &&
               now.mono_ms - source.idle_since_ms() >= options_.rotated_quiet_ms;
  if (quiet || LiveSiblingHasData(source)) source.set_finishing();
  return false;
}

bool Tailer::LiveSiblingHasData(const FileSource& rotated) {
  // Only the file that took its place shows the application moved on: any
  // other file of the pattern may be busy on its own (another
  // application's too). A renamed file's place is its old name (followed
  // on, so the file there is followed); a file still at its name that is
  // no longer the newest match was superseded by the newest.
  const std::string& live_path = info_[rotated.id()].live_path;
  const uint32_t entry = rotated.entry();
  bool superseded = false;
  if (entries_[entry].matches == MatchPolicy::kNewestMatch) {
    auto at_name = env_.Stat(live_path);
    superseded = at_name.ok() && at_name->id == rotated.file_id();
  }
  for (auto& other : open_) {
    if (other.get() == &rotated || !SameGroup(other->entry(), entry) ||
        other->role() != SourceRole::kLive ||
        (other->path() != live_path && (!superseded || other->path() != newest_[entry]))) {
      continue;
    }
    auto info = other->Stat();
    if (info.ok() && info->size > other->read_offset()) return true;
  }
  return false;
}

void Tailer::Close(size_t index, TailTime now, RecordSink& sink) {
  FileSource& source = *open_[index];
  source.FlushAll(now, sink, stats_);
  if (source.role() == SourceRole::kRotated) ++stats_.rotations;
  log_.Info("finished " + source.path());
  ReleaseCopiesOf(source);
  info_[source.id()].open = false;
  open_.erase(open_.begin() + static_cast<std::ptrdiff_t>(index));
  refused_at_ms_ = -1;  // a descriptor freed
}

void Tailer::FlushQuiet(TailTime now, RecordSink& sink) {
  for (auto& source : open_) source->FlushIfQuiet(now, sink, stats_);
}

void Tailer::FlushAll(TailTime now, RecordSink& sink) {
  for (auto& source : open_) {
    // A read that stopped before the file's end (its turn, a full buffer)
    // may have stopped inside a line: while the file still holds it, what
    // is held back is read again, whole, after a restart, rather than
    // handed on in two pieces. (A file truncated or rewritten since may no
    // longer hold it: handed on as it is.)
    auto info = source->Stat();
    if (info.ok() && info->size > source->read_offset()) {
      auto rewritten = source->Rewritten();
      if (rewritten.ok() && !*rewritten) continue;
    }
    // Truncated since (copytruncate): the same when a copy holds what was
    // read and the next run can find it there (the bytes before where
    // records were handed on up to are known).
    if (info.ok() && info->size < source->read_offset() &&
        (source->handed_on_offset() == 0 ||
         source->FingerprintBefore(source->handed_on_offset())) &&
        HasCopyOf(*source)) {
      continue;
    }
    source->FlushAll(now, sink, stats_);
  }
}

bool Tailer::HasCopyOf(FileSource& source) {
  for (const Sibling& s : RotatedSiblings(env_, source.path())) {
    if (s.info.id == source.file_id()) continue;
    auto file = env_.OpenReadable(s.path);
    if (file.ok() && HoldsReadContent(**file, s.info.size, source.state())) return true;
  }
  return false;
}

std::optional<int64_t> Tailer::NextFlushMs() const {
  std::optional<int64_t> next;
  auto consider = [&](std::optional<int64_t> t) {
    if (t && (!next || *t < *next)) next = t;
  };
  for (const auto& source : open_) {
    consider(source->QuietDeadline());
    if (source->role() == SourceRole::kRotated) {
      // A quiet rotated file becomes done, or is read once more when done.
      if (source->finishing()) {
        consider(0);
      } else if (source->idle_since_ms() >= 0) {
        consider(source->idle_since_ms() + options_.rotated_quiet_ms);
      }
    }
  }
  return next;
}

std::optional<Fingerprint> Tailer::FingerprintBefore(uint32_t id, uint64_t offset) {
  for (auto& source : open_) {
    if (source->id() != id) continue;
    if (auto kept = source->FingerprintBefore(offset)) return kept;
    uint64_t from = offset - std::min<uint64_t>(offset, kFingerprintBytes);
    std::string bytes(offset - from, '\0');
    auto n = source->file().ReadAt(from, bytes.data(), bytes.size());
    if (!n.ok() || *n != bytes.size()) return std::nullopt;
    return FingerprintOf(bytes);
  }
  return std::nullopt;
}

const ReadState* Tailer::ForgottenReadOf(uint32_t entry, const FileId& id) const {
  for (auto it = forgotten_.rbegin(); it != forgotten_.rend(); ++it) {
    if (SameGroup(it->entry, entry) && it->file_id == id) return &it->state;
  }
  return nullptr;
}

bool Tailer::Forget(uint32_t id) {
  auto it = info_.find(id);
  if (it == info_.end()) return true;
  const SourceInfo& s = it->second;
  if (s.open || s.dormant) return false;
  // Something still refers to it: the last file read at a path (the next
  // one there looks for generations missed since it), a held copy's or an
  // open copy's original.
  for (const auto& [where, last] : last_at_path_) {
    if (last == id) return false;
  }
  for (const HeldCopy& h : held_) {
    if (h.original == id) return false;
  }
  for (const auto& source : open_) {
    if (source->copy_of() == static_cast<int64_t>(id)) return false;
  }
  forgotten_.push_back(ForgottenRead{s.entry, s.file_id, s.state});
  if (forgotten_.size() > kForgottenReadsKept) forgotten_.pop_front();
  info_.erase(it);
  return true;
}

bool Tailer::AtEnd() const {
  return waiting_.empty() && std::all_of(open_.begin(), open_.end(),
                                         [](const auto& s) { return s->at_end(); });
}

uint64_t Tailer::BytesLeftInOpenFiles() {
  uint64_t left = 0;
  for (const auto& source : open_) {
    auto info = source->Stat();
    if (info.ok() && info->size > source->read_offset()) {
      left += info->size - source->read_offset();
    }
  }
  return left;
}

std::vector<std::string> Tailer::WatchDirs() const {
  std::set<std::string> dirs;
  for (const TailEntry& e : entries_) {
    dirs.insert(FixedDirOf(e.pattern));
  }
  for (const auto& source : open_) dirs.insert(DirName(source->path()));
  // Followed closed: a write there is what makes one be looked at.
  for (const auto& [key, d] : dormant_) dirs.insert(DirName(info_.at(d.id).path));
  return std::vector<std::string>(dirs.begin(), dirs.end());
}

}  // namespace edgelog
