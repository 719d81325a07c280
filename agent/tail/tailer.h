// Tailer: finds the files of every collect_list entry and reads them.
//
// Files are followed by identity (device + inode), not by name: a file
// renamed within the glob stays the same source. A file is read from its
// checkpoint when one matches its identity, else from its start. Reading
// continues through the open descriptor after a rename or unlink; a file
// no longer found under any matching name is closed once a read after that
// finds nothing more. A file that shrinks below the read offset, or whose
// first bytes change, is read again from its start; a checkpoint whose
// fingerprint does not match the file's first bytes (a new file on a reused
// inode) is ignored.
#ifndef EDGELOG_AGENT_TAIL_TAILER_H_
#define EDGELOG_AGENT_TAIL_TAILER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "agent/base/logger.h"
#include "agent/tail/checkpoint_store.h"
#include "agent/tail/file_source.h"
#include "agent/tail/record.h"
#include "platform/env.h"

namespace edgelog {

struct TailerOptions {
  size_t read_chunk_bytes = 256 << 10;
};

// What the rest of the agent may know about a source.
struct SourceInfo {
  uint32_t entry = 0;  // index of the collect_list entry
  std::string path;
  FileId file_id;
  uint64_t start_offset = 0;  // where reading began in this run
  Fingerprint head;           // of the file's first bytes, as last read
  bool open = false;
};

class Tailer {
 public:
  // `patterns[i]` is file_path of collect_list entry i. `checkpoints` give
  // start offsets by identity.
  Tailer(Env& env, Logger& log, std::vector<std::string> patterns,
         std::vector<Checkpoint> checkpoints, const TailerOptions& options);
  Tailer(const Tailer&) = delete;
  Tailer& operator=(const Tailer&) = delete;

  // Expands the patterns and starts following files not followed yet.
  void Discover();

  // Reads up to `max_bytes` across the open files, handing records to
  // `sink` with event time `now_ms`. Returns the bytes read (0: nothing new).
  size_t Read(size_t max_bytes, int64_t now_ms, RecordSink& sink);

  // Every open file has been read to its end.
  bool AtEnd() const;

  size_t source_count() const { return info_.size(); }
  const SourceInfo& source(uint32_t id) const { return info_[id]; }
  const TailStats& stats() const { return stats_; }

 private:
  void Follow(uint32_t entry, const std::string& path, const FileInfo& info);
  // Where to start reading `file`: its checkpoint, if one matches it.
  uint64_t StartOffset(const std::string& path, const FileInfo& info,
                       ReadableFile& file);
  void Close(size_t index);
  bool WaitsForRotatedFile(const FileSource& source) const;

  Env& env_;
  Logger& log_;
  std::vector<std::string> patterns_;
  std::vector<Checkpoint> checkpoints_;
  TailerOptions options_;
  std::vector<std::unique_ptr<FileSource>> open_;  // files being read
  std::vector<SourceInfo> info_;                   // every source ever, by id
  size_t next_to_read_ = 0;                        // round-robin position
  std::string buffer_;
  TailStats stats_;
};

}  // namespace edgelog

#endif  // EDGELOG_AGENT_TAIL_TAILER_H_
