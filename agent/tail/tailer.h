// Tailer: finds the files of every collect_list entry and reads them, losing
// and repeating nothing across rotation, truncation and restarts.
//
// A file is known by identity (device, inode and fingerprints of its first
// bytes and of the bytes before the read offset), never by name alone:
// - renamed within the pattern (app.log → app.log.1 under app.log*): the
//   same file, never read twice;
// - renamed away or deleted: read through the open descriptor to its end,
//   then closed; its incomplete last line is handed on as it is;
// - truncated (also copytruncate: the first bytes change): read again from
//   the start, after the unread bytes are taken from the rotated copy
//   (NAME.1, NAME-DATE, ...) found by fingerprint;
// - rotated while the agent was stopped: a checkpointed file found under a
//   rotated name is finished, then newer generations, then the live file.
// Older generations ("rotated" sources) of an entry are always finished
// before newer files of that entry are read, so lines keep their order.
//
// Not thread-safe; owned by the main loop.
#ifndef EDGELOG_AGENT_TAIL_TAILER_H_
#define EDGELOG_AGENT_TAIL_TAILER_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "agent/base/logger.h"
#include "agent/tail/checkpoint_store.h"
#include "agent/tail/file_source.h"
#include "agent/tail/record.h"
#include "agent/tail/record_assembler.h"
#include "agent/tail/rotation.h"
#include "agent/tail/tail_stats.h"
#include "agent/text/regex.h"
#include "platform/env.h"

namespace edgelog {

// One collect_list entry, as the tailer needs it.
struct TailEntry {
  std::string pattern;     // file_path
  Regex blacklist;         // file names to skip; null: none
  std::string encoding;    // "" is UTF-8
  std::shared_ptr<const EntryRules> rules;
};

struct TailerOptions {
  size_t read_chunk_bytes = 256 << 10;
  size_t max_open_files = 1024;
  // A rotated file still matched by the pattern is considered finished once
  // it has been read to its end and stayed quiet this long.
  int64_t rotated_quiet_ms = 5000;
};

// What the rest of the agent may know about a source.
struct SourceInfo {
  uint32_t entry = 0;  // index of the collect_list entry
  std::string path;
  // The name the application writes under (a rotated file's former name):
  // what checkpoints record, so a restart knows the file was rotated.
  std::string live_path;
  FileId file_id;
  uint64_t start_offset = 0;  // where reading began in this run
  Fingerprint head;           // of the file's first bytes, as last read
  ReadState state;            // what has been read of it so far
  int64_t follow_mtime_ns = 0;  // its modification time when following began
  bool open = false;          // being read (or idle but kept open)
  bool dormant = false;       // closed to respect max_open_files; reopened on change
};

class Tailer {
 public:
  Tailer(Env& env, Logger& log, std::vector<TailEntry> entries,
         std::vector<Checkpoint> checkpoints, const TailerOptions& options);
  // Entries from bare patterns: UTF-8, every line its own record.
  Tailer(Env& env, Logger& log, const std::vector<std::string>& patterns,
         std::vector<Checkpoint> checkpoints, const TailerOptions& options);
  ~Tailer();
  Tailer(const Tailer&) = delete;
  Tailer& operator=(const Tailer&) = delete;

  // Expands the patterns and follows new files; the first call also finds
  // files rotated while the agent was stopped.
  void Discover();

  // Reads up to `max_bytes` across the files that may be read now, handing
  // records to `sink` with event time `now_ms`. Returns the bytes read.
  size_t Read(size_t max_bytes, int64_t now_ms, RecordSink& sink);

  // Hands on multi-line records nothing joined for kQuietMs.
  void FlushQuiet(int64_t now_ms, RecordSink& sink);
  // Hands on every pending record and incomplete last line (shutdown, or
  // the end of --once).
  void FlushAll(int64_t now_ms, RecordSink& sink);
  // When FlushQuiet next has work (wall-clock ms), if ever.
  std::optional<int64_t> NextFlushMs() const;

  // Every open file has been read to its end.
  bool AtEnd() const;
  // Directories whose changes matter: parents of followed files and the
  // fixed part of every pattern.
  std::vector<std::string> WatchDirs() const;

  // Fingerprint of the bytes of source `id` just before `offset`, read from
  // the open file; nothing when the file is not open.
  std::optional<Fingerprint> FingerprintBefore(uint32_t id, uint64_t offset);

  size_t source_count() const { return info_.size(); }
  const SourceInfo& source(uint32_t id) const { return info_[id]; }
  const TailStats& stats() const { return stats_; }

 private:
  struct Dormant {
    uint32_t id;
    uint64_t offset;
    Fingerprint head;
    bool seen;  // matched by the last Discover
  };
  // A new file that looks like a copy of an open file, waiting to learn
  // whether the original gets truncated.
  struct HeldCopy {
    FileId id;
    int64_t since_ms;
  };

  // discovery.cc
  void RecoverRotatedWhileStopped();
  // Starts reading `path`; `live_path` is the name it had (or its content
  // had) while written to: `path` unless it is an older generation.
  void Follow(uint32_t entry, const std::string& path, const FileInfo& info,
              std::optional<uint64_t> offset, std::optional<uint64_t> rotated_rank,
              const std::string& live_path = "");
  std::optional<uint64_t> CheckpointOffset(const std::string& path, const FileInfo& info,
                                           ReadableFile& file) const;
  // The open file of `entry` whose content read so far `file` holds too.
  FileSource* OriginalOf(uint32_t entry, ReadableFile& file, uint64_t size);
  // Follows the rotated copy holding what `truncated` had not been read of,
  // from the start of the line it was in. True if one was found.
  bool FollowRotatedCopy(FileSource& truncated);
  void FollowMissedGenerations(uint32_t entry, const std::string& path,
                               const SourceInfo& predecessor);
  bool Known(const FileId& id) const;
  bool Skipped(uint32_t entry, const std::string& path) const;
  bool MakeRoom();
  void Wake(std::map<std::pair<uint64_t, uint64_t>, Dormant>::iterator dormant,
            uint32_t entry, const std::string& path, const FileInfo& info,
            std::optional<uint64_t> rotated_rank);
  int EntryOf(const std::string& path) const;

  // tailer.cc
  FileSource* FindOpen(const FileId& id);
  bool MustWait(const FileSource& source) const;
  void AtEndOfFile(size_t index, int64_t now_ms, RecordSink& sink);
  void Close(size_t index, int64_t now_ms, RecordSink& sink);
  bool LiveSiblingHasData(const FileSource& rotated);

  Env& env_;
  Logger& log_;
  std::vector<TailEntry> entries_;
  std::vector<Checkpoint> checkpoints_;
  TailerOptions options_;
  std::vector<std::unique_ptr<FileSource>> open_;  // files being read
  std::vector<SourceInfo> info_;                   // every source ever, by id
  std::map<std::pair<uint64_t, uint64_t>, Dormant> dormant_;  // by device, inode
  std::map<std::string, uint32_t> last_at_path_;  // the last live source at each path
  std::vector<HeldCopy> held_;
  int64_t last_now_ms_ = 0;  // the time given to the last Read
  size_t next_to_read_ = 0;                        // round-robin position
  uint64_t next_rank_ = 1;                         // order of rotated files
  bool recovered_ = false;
  bool warned_full_ = false;
  std::set<uint32_t> warned_glob_;  // entries whose expansion a walk limit cut short
  std::string buffer_;
  TailStats stats_;
};

}  // namespace edgelog

#endif  // EDGELOG_AGENT_TAIL_TAILER_H_
