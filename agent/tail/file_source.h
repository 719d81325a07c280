// FileSource: one followed file. Reads from an offset through an open
// descriptor (which keeps working after the file is renamed or deleted),
// cuts lines in the file's encoding, converts them to UTF-8 and hands them to
// the file's RecordAssembler (multi-line grouping, timestamps, filters).
#ifndef EDGELOG_AGENT_TAIL_FILE_SOURCE_H_
#define EDGELOG_AGENT_TAIL_FILE_SOURCE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "agent/base/status.h"
#include "agent/tail/fingerprint.h"
#include "agent/tail/record.h"
#include "agent/tail/record_assembler.h"
#include "agent/tail/tail_stats.h"
#include "agent/text/charset.h"
#include "agent/text/line_framer.h"
#include "platform/env.h"

namespace edgelog {

// Whether a file is where the application writes, or an older generation
// being finished.
enum class SourceRole {
  kLive,
  kRotated,  // renamed away, a copytruncate copy, or found at start-up:
             // read to its end before newer files of its entry
};

struct SourceSetup {
  uint32_t id = 0;
  uint32_t entry = 0;
  std::string path;
  FileId file_id;
  std::unique_ptr<ReadableFile> file;
  uint64_t offset = 0;   // where to start reading
  std::shared_ptr<const EntryRules> rules;
};

// What one FileSource::ReadSome found.
struct ReadOutcome {
  size_t bytes = 0;  // new bytes read and handed on; 0: nothing new
  // The bytes just before the read offset are no longer what was read
  // there: the file was truncated, perhaps written again past the offset
  // (copytruncate with a busy writer). Nothing was read.
  bool rewritten = false;
};

class FileSource {
 public:
  FileSource(SourceSetup setup, Charset charset);
  FileSource(const FileSource&) = delete;
  FileSource& operator=(const FileSource&) = delete;

  // Reads at most `max_bytes` past the read offset and hands on what it
  // completes, read at `now`. The same read takes the bytes just before the
  // offset (up to kFingerprintBytes) and checks them against what was read
  // there, so a file truncated and grown again past the offset is noticed
  // whatever its first bytes (ReadOutcome::rewritten). `buffer` is scratch.
  StatusOr<ReadOutcome> ReadSome(size_t max_bytes, TailTime now, std::string* buffer,
                                 RecordSink& sink, TailStats& stats);
  // True when the file shrank below the read offset or the bytes just
  // before it changed: it was truncated (perhaps by copytruncate), whether
  // or not it grew again since.
  StatusOr<bool> Rewritten();
  // What happens to the incomplete line and the pending record held back
  // when starting over.
  enum class HeldLine {
    kHandOn,   // deliver them as they are (nothing else holds their bytes)
    kDiscard,  // a rotated copy will be read from handed_on_offset()
  };
  // Starts over from offset 0, as source `new_id`: the file holds a new
  // generation, whose reading is tracked (and checkpointed) apart from the
  // old one's. What the old one held back is handed on first, as `id()`.
  void StartOver(HeldLine held, uint32_t new_id, TailTime now, RecordSink& sink,
                 TailStats& stats);
  // Where the line being read began: read_offset() less the bytes held back.
  uint64_t line_start_offset() const { return framer_.emitted_offset(); }
  // Where the record being formed began: every byte before it was handed
  // on (<= line_start_offset()).
  uint64_t handed_on_offset() const { return assembler_.handed_on_offset(); }
  // Fingerprint of the bytes just before `offset`, kept from reading: known
  // at the read offset and where records were last handed on up to (as of
  // the last read); nothing elsewhere.
  std::optional<Fingerprint> FingerprintBefore(uint64_t offset) const;

  // Hands on the incomplete last line and any pending record: the file was
  // rotated away or deleted, or the agent is stopping.
  void FlushAll(TailTime now, RecordSink& sink, TailStats& stats);
  // Hands on a multi-line record nothing joined for kQuietMs.
  void FlushIfQuiet(TailTime now, RecordSink& sink, TailStats& stats);
  // Monotonic ms.
  std::optional<int64_t> QuietDeadline() const { return assembler_.QuietDeadline(); }

  // The open file, as it is now (size, links: 0 once deleted).
  StatusOr<FileInfo> Stat() { return file_->Stat(); }
  ReadableFile& file() { return *file_; }

  uint32_t id() const { return id_; }
  uint32_t entry() const { return entry_; }
  const std::string& path() const { return path_; }
  void set_path(std::string path) { path_ = std::move(path); }
  const FileId& file_id() const { return file_id_; }
  // Of the file's first bytes (up to kFingerprintBytes), as read.
  const Fingerprint& head() const { return head_; }
  // Of the last bytes read before read_offset() (up to kFingerprintBytes).
  Fingerprint tail() const { return FingerprintOf(tail_bytes_); }
  // Those bytes themselves; valid until the next read.
  std::string_view tail_bytes() const { return tail_bytes_; }
  uint64_t read_offset() const { return read_offset_; }
  // What has been read of the file, as rotation.h compares it.
  ReadState state() const { return ReadState{read_offset_, head_, tail()}; }
  // The last read found nothing more.
  bool at_end() const { return at_end_; }
  // Looked at and found empty before its first read: at its end and idle,
  // as after a read that found nothing.
  void FoundEmpty(TailTime now) {
    at_end_ = true;
    if (idle_since_ms_ < 0) idle_since_ms_ = now.mono_ms;
  }

  // Rotation state, managed by the Tailer.
  SourceRole role() const { return role_; }
  uint64_t rank() const { return rank_; }  // among rotated files: older first
  void MarkRotated(uint64_t rank) {
    role_ = SourceRole::kRotated;
    rank_ = rank;
    idle_since_ms_ = -1;  // quiet from now on, not from before the rotation
  }
  void MarkLive() { role_ = SourceRole::kLive; }
  void set_rank(uint64_t rank) { rank_ = rank; }
  // The Tailer's note of this file's modification time, and the pass it
  // was taken in.
  int64_t noted_mtime_ns() const { return noted_mtime_ns_; }
  uint64_t noted_pass() const { return noted_pass_; }
  void note_mtime(int64_t mtime_ns, uint64_t pass) {
    noted_mtime_ns_ = mtime_ns;
    noted_pass_ = pass;
  }
  bool unmatched() const { return unmatched_; }
  void set_unmatched(bool unmatched) { unmatched_ = unmatched; }
  // The source whose content this file is a copy of (copytruncate), or -1.
  int64_t copy_of() const { return copy_of_; }
  void set_copy_of(uint32_t id) { copy_of_ = id; }
  // A rotated file judged done: one more read, then it is closed.
  bool finishing() const { return finishing_; }
  void set_finishing() { finishing_ = true; }
  // Whether the Tailer looked, before this file's first read (since it was
  // followed, or since it started over), for what happened to it meanwhile.
  bool first_read_checked() const { return first_read_checked_; }
  // Looked at (BeforeFirstRead) at least once since it was followed or
  // started over, and its size and modification time then.
  bool looked() const { return looked_; }
  uint64_t looked_size() const { return looked_size_; }
  int64_t looked_mtime_ns() const { return looked_mtime_ns_; }
  void set_looked(uint64_t size, int64_t mtime_ns) {
    looked_ = true;
    looked_size_ = size;
    looked_mtime_ns_ = mtime_ns;
  }
  void set_first_read_checked() { first_read_checked_ = true; }
  // Discovery found the file empty (whatever it held once opened).
  bool seen_empty() const { return seen_empty_; }
  void set_seen_empty() { seen_empty_ = true; }
  // Read again from its start after a truncation: the same file, not a
  // copy of another, whatever its first bytes.
  bool started_over() const { return started_over_; }
  // Monotonic time since which reads have found nothing; -1 while reading.
  int64_t idle_since_ms() const { return idle_since_ms_; }

 private:
  void Emit(const LinePiece& piece, TailTime now, RecordSink& sink, TailStats& stats);
  void RememberRead(std::string_view data);
  // `window`: bytes from file offset `window_start` to the read offset.
  void MarkHandedOn(std::string_view window, uint64_t window_start);
  void ResetFramer(uint64_t offset);

  uint32_t id_;
  uint32_t entry_;
  std::string path_;
  FileId file_id_;
  std::unique_ptr<ReadableFile> file_;
  Charset charset_;
  uint64_t read_offset_;
  LineFramer framer_;
  RecordAssembler assembler_;
  uint64_t piece_start_;  // file offset where the next piece begins
  bool at_end_ = false;
  bool continuing_long_line_ = false;  // the last piece did not end its line
  Fingerprint head_;
  std::string tail_bytes_;  // the last bytes read, up to kFingerprintBytes
  struct HandedOnMark {
    uint64_t offset = 0;
    Fingerprint before;  // of the bytes before `offset`
  };
  HandedOnMark handed_on_mark_;
  std::string converted_;   // scratch: a line in UTF-8
  SourceRole role_ = SourceRole::kLive;
  uint64_t rank_ = 0;
  int64_t noted_mtime_ns_ = 0;
  uint64_t noted_pass_ = 0;
  bool unmatched_ = false;
  bool finishing_ = false;
  bool first_read_checked_ = false;
  bool looked_ = false;
  uint64_t looked_size_ = 0;
  int64_t looked_mtime_ns_ = 0;
  bool seen_empty_ = false;
  bool started_over_ = false;
  int64_t copy_of_ = -1;
  int64_t idle_since_ms_ = -1;
};

}  // namespace edgelog

#endif  // EDGELOG_AGENT_TAIL_FILE_SOURCE_H_
