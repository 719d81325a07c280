// Tailer: descriptors. At most max_open_files files are open; a file that
// cannot be opened for want of a slot or of descriptors (EMFILE) waits, and
// is opened as soon as a file is closed.
#include <algorithm>

#include "agent/tail/tailer.h"

namespace edgelog {

void Tailer::Wait(uint32_t entry, const std::string& path) {
  auto same = std::find(waiting_.begin(), waiting_.end(), std::make_pair(entry, path));
  if (same == waiting_.end()) waiting_.emplace_back(entry, path);
}

void Tailer::OpenWaiting(RecordSink& sink) {
  if (refused_at_ms_ >= 0 && last_now_.mono_ms - refused_at_ms_ < 1000) return;
  refused_at_ms_ = -1;
  // Each waiting file is tried once per call: one that still cannot be
  // opened goes back to the end of the queue.
  for (size_t tries = waiting_.size(); tries > 0 && !waiting_.empty(); --tries) {
    if (refused_at_ms_ >= 0) return;  // out of descriptors
    if (!MakeRoom(&sink)) return;
    auto [entry, path] = waiting_.front();
    waiting_.pop_front();
    auto info = env_.Stat(path);
    if (!info.ok() || !MatchedBy(entry, path)) continue;  // gone meanwhile
    Consider(Match{entry, path, *info}, &sink);
  }
}

bool Tailer::MakeRoom(RecordSink* sink, const FileSource* keep) {
  if (open_.size() < options_.max_open_files) return true;
  // Close the live file idle the longest (read to its end, nothing pending;
  // with --once, pending or not: it is finished), but never `keep`, the
  // file the caller is working for.
  auto candidate = open_.end();
  for (auto it = open_.begin(); it != open_.end(); ++it) {
    const FileSource& s = **it;
    if (&s == keep) continue;
    if (s.role() != SourceRole::kLive || !s.at_end() || s.idle_since_ms() < 0) continue;
    bool pending = s.QuietDeadline() || s.line_start_offset() != s.read_offset();
    if (pending && (!options_.once || sink == nullptr)) continue;
    if (candidate == open_.end() || s.idle_since_ms() < (*candidate)->idle_since_ms()) {
      candidate = it;
    }
  }
  if (candidate == open_.end()) {
    if (warned_full_ms_ < 0 || last_now_.mono_ms - warned_full_ms_ >= 60000) {
      log_.Warning(std::to_string(options_.max_open_files) +
                   " files are open (edgelog.max_open_files, or what the descriptor "
                   "limit allows) and busy; more files wait for one to be read");
      warned_full_ms_ = last_now_.mono_ms;
    }
    return false;
  }
  size_t index = static_cast<size_t>(candidate - open_.begin());
  FileSource& s = **candidate;
  if (options_.once) {
    // Read to its end for good: hand on what it holds, keep nothing.
    if (sink != nullptr) s.FlushAll(last_now_, *sink, stats_);
    ReleaseCopiesOf(s);  // may follow files
    info_[s.id()].open = false;
    open_.erase(open_.begin() + static_cast<std::ptrdiff_t>(index));
    refused_at_ms_ = -1;  // a descriptor freed
  } else {
    Sleep(index);
  }
  return true;
}

void Tailer::Sleep(size_t index) {
  const FileSource& s = *open_[index];
  // Files held as its copies stay held: compared again when it wakes.
  dormant_[SourceKey{group_[s.entry()], s.file_id().device, s.file_id().inode}] =
      Dormant{s.id(), s.state(), true};
  info_[s.id()].open = false;
  info_[s.id()].dormant = true;
  open_.erase(open_.begin() + static_cast<std::ptrdiff_t>(index));
  refused_at_ms_ = -1;  // a descriptor freed
}

bool Tailer::MayRest(const FileSource& s) const {
  const uint32_t entry = s.entry();
  if (options_.once || entries_[entry].matches != MatchPolicy::kNewestMatch ||
      s.role() != SourceRole::kLive || s.path() == newest_[entry] || s.copy_of() >= 0) {
    return false;
  }
  // As MakeRoom: nothing held back that the next bytes would complete.
  return s.at_end() && s.idle_since_ms() >= 0 && !s.QuietDeadline() &&
         s.line_start_offset() == s.read_offset();
}

void Tailer::WakeGrownDormant(RecordSink& sink) {
  if (writes_watched_ && !write_seen_) return;  // nothing was written
  if (last_now_.mono_ms < next_dormant_check_ms_) return;
  next_dormant_check_ms_ = last_now_.mono_ms + kDormantCheckIntervalMs;
  write_seen_ = false;
  // A stat each: the rescan stats every match anyway, but only every 10 s.
  std::vector<Match> grown;
  for (const auto& [key, d] : dormant_) {
    const SourceInfo& s = info_[d.id];
    if (entries_[s.entry].matches != MatchPolicy::kNewestMatch) continue;
    auto info = env_.Stat(s.path);
    // Another file at its name now (renamed away meanwhile): the next
    // rescan finds where it went.
    if (!info.ok() || info->id != s.file_id || info->size == d.state.offset) continue;
    if (MatchedBy(s.entry, s.path)) grown.push_back(Match{s.entry, s.path, *info});
  }
  for (const Match& m : grown) Consider(m, &sink);
}

}  // namespace edgelog
