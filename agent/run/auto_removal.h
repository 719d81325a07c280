// AutoRemoval: auto_removal as the CloudWatch agent means it
// (plugins/inputs/logfile/logfile.go and tailersrc.go: once a newer file of
// the entry appears, the older one is read to its end and deleted), with
// what edgelog promises on top: nothing is lost and the file being written
// is never deleted. A file is deleted only when all of these hold:
//
//   - its entry has auto_removal, and so has every other entry whose
//     file_path matches it (an entry without it may follow it as its live
//     file, perhaps through the same stream, reading it once);
//   - a newer file (later modification time) of the same entry is followed;
//   - it is not a name an application writes to: not what any entry's
//     file_path names literally, and not the name any other followed file
//     was written under (a rotated generation's live name, the original of
//     a copytruncate copy);
//   - it is still at the path it was read from (same device and inode), a
//     regular file with one link (another name may be the live file), up
//     to the unlink itself (Env::RemoveIfSame);
//   - every source reading it (of any entry) has every byte of it
//     acknowledged and nothing pending, and the caller says nothing waits
//     in the disk buffer (so acknowledged means CloudWatch took it);
//   - its size and modification time stayed the same for kQuietMs (an
//     application still writing to a renamed file would lose lines).
//
// Deleting is idempotent: a file already gone is no error; after a crash
// the next run finds the older file again, resumed at its checkpoint (its
// end), and deletes it then.
//
// Not thread-safe; owned by the main loop.
#ifndef EDGELOG_AGENT_RUN_AUTO_REMOVAL_H_
#define EDGELOG_AGENT_RUN_AUTO_REMOVAL_H_

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "agent/base/logger.h"
#include "platform/env.h"

namespace edgelog {

class AutoRemoval {
 public:
  // How long a file must stay unchanged before it is deleted (the tailer's
  // quiet time of a rotated file, TailerOptions::rotated_quiet_ms).
  static constexpr int64_t kQuietMs = 5000;

  // A collect_list entry, as the remover needs it.
  struct Entry {
    std::string file_path;  // the pattern
    bool auto_removal = false;
  };
  // A file read for an entry, and what of it is acknowledged.
  struct Source {
    uint32_t entry = 0;
    std::string path;       // where it was read from
    std::string live_path;  // the name it was written under
    FileId id;
    uint64_t delivered = 0;  // acknowledged up to this offset
    bool pending = false;    // records of it wait for acknowledgement
  };

  // `env` and `log` must outlive this.
  AutoRemoval(Env& env, Logger& log, std::vector<Entry> entries);

  // True when some entry has auto_removal.
  bool active() const { return active_; }
  // Deletes the files of `sources` that may go now (at `now_mono_ms`);
  // returns their paths.
  std::vector<std::string> Run(const std::vector<Source>& sources, int64_t now_mono_ms);

 private:
  using Key = std::pair<uint64_t, uint64_t>;  // device, inode
  // Size and modification time of a candidate, and since when (monotonic).
  struct Seen {
    uint64_t size = 0;
    int64_t mtime_ns = 0;
    int64_t since_ms = 0;
  };
  // Whether every entry matching `s.path` has auto_removal and none names
  // it literally, and no other followed file was written under it.
  bool EveryEntryLetsGo(const Source& s, const std::vector<Source>& sources) const;
  // Whether `s`'s file may be deleted now; `info` is its current state.
  bool MayGo(const Source& s, const FileInfo& info, const std::vector<Source>& sources,
             const std::map<std::string, FileInfo>& stats, int64_t now_mono_ms);

  Env& env_;
  Logger& log_;
  std::vector<Entry> entries_;
  bool active_ = false;
  std::map<Key, Seen> seen_;
  std::set<std::string> warned_;  // paths whose deletion failed, said once
};

}  // namespace edgelog

#endif  // EDGELOG_AGENT_RUN_AUTO_REMOVAL_H_
