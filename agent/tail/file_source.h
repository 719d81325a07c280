// FileSource: one followed file. Reads from an offset through an open
// descriptor, cuts lines, repairs UTF-8, splits overlong lines, and hands
// the results to a RecordSink.
#ifndef EDGELOG_AGENT_TAIL_FILE_SOURCE_H_
#define EDGELOG_AGENT_TAIL_FILE_SOURCE_H_

#include <cstdint>
#include <memory>
#include <string>

#include "agent/base/status.h"
#include "agent/tail/fingerprint.h"
#include "agent/tail/record.h"
#include "agent/text/line_framer.h"
#include "platform/env.h"

namespace edgelog {

struct TailStats {
  uint64_t bytes_read = 0;
  uint64_t records = 0;
  uint64_t empty_lines = 0;        // skipped: CloudWatch refuses empty messages
  uint64_t invalid_utf8 = 0;       // sequences replaced by U+FFFD
  uint64_t split_parts = 0;        // events that are parts of a line too long for one
  uint64_t truncations = 0;        // files truncated or rewritten: read again from 0
};

class FileSource {
 public:
  // Takes over `file`, positioned at `offset`; `head` is the fingerprint of
  // its first bytes as they are now.
  FileSource(uint32_t id, uint32_t entry, std::string path, FileId file_id,
             std::unique_ptr<ReadableFile> file, uint64_t offset, Fingerprint head);

  // Reads at most `max_bytes` and emits what it completes. `now_ms` is the
  // event time. Returns the number of bytes read (0 at the end of the file).
  // If the file's first bytes changed (truncated and written again, as
  // copytruncate does), reading starts over from offset 0 first.
  StatusOr<size_t> ReadSome(size_t max_bytes, int64_t now_ms, std::string* buffer,
                            RecordSink& sink, TailStats& stats);

  // Checks whether the file shrank below what was read (truncation or
  // copytruncate); if so, starts again from its beginning and returns true.
  StatusOr<bool> CheckTruncation(TailStats& stats);

  // No matching name leads to this file any more: close it once read out.
  bool unmatched() const { return unmatched_; }
  void set_unmatched(bool unmatched) { unmatched_ = unmatched; }

  uint32_t id() const { return id_; }
  uint32_t entry() const { return entry_; }
  const std::string& path() const { return path_; }
  void set_path(std::string path) { path_ = std::move(path); }
  const FileId& file_id() const { return file_id_; }
  const Fingerprint& head() const { return head_; }
  uint64_t read_offset() const { return read_offset_; }
  bool at_end() const { return at_end_; }

 private:
  void Emit(const LinePiece& piece, int64_t now_ms, RecordSink& sink, TailStats& stats);
  void StartOver(TailStats& stats);

  uint32_t id_;
  uint32_t entry_;
  std::string path_;
  FileId file_id_;
  std::unique_ptr<ReadableFile> file_;
  uint64_t read_offset_;
  LineFramer framer_;
  uint64_t emitted_ = 0;  // end offset of the last record or skip handed over
  bool at_end_ = false;
  bool unmatched_ = false;
  bool continuing_long_line_ = false;
  Fingerprint head_;  // the last piece did not end its line
  std::string sanitized_;
};

}  // namespace edgelog

#endif  // EDGELOG_AGENT_TAIL_FILE_SOURCE_H_
