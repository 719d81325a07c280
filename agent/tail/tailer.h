// Tailer: finds the files of every collect_list entry and reads them, losing
// and repeating nothing across rotation, truncation and restarts.
//
// A source is one file read for one entry: a file matched by two entries is
// read twice, once for each entry's log stream, as the CloudWatch agent
// does.
//
// A file is known by its content as well as by device and inode: from the
// moment it is followed, the fingerprint of its first bytes (up to 1 KiB)
// and the bytes just before the read offset are what it must still hold.
// - renamed within the pattern (app.log → app.log.1 under app.log*): the
//   same file, never read twice;
// - renamed away or deleted: read through the open descriptor to its end,
//   then closed; its incomplete last line is handed on as it is;
// - truncated, or rewritten past the read offset (copytruncate with a busy
//   writer): read again from the start, after the unread bytes are taken
//   from the copy (NAME.1, NAME-DATE, ..., or a new file of the pattern)
//   that holds what was read. A copy holding nothing that was not read is
//   not read again;
// - rotated or copied while the agent was stopped: the file or copy holding
//   the checkpointed content is resumed at the checkpoint, then the newer
//   generations, then the live file.
// Older generations ("rotated" sources) of an entry are always finished
// before newer files of that entry are read, so lines keep their order.
//
// Timers (a rotated file's quiet time, a copy waiting for its original's
// truncation, multi-line records) run on the monotonic clock.
//
// Not thread-safe; owned by the main loop.
#ifndef EDGELOG_AGENT_TAIL_TAILER_H_
#define EDGELOG_AGENT_TAIL_TAILER_H_

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <tuple>
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

// Which of a glob's matches an entry follows, as the CloudWatch agent
// decides (plugins/inputs/logfile/logfile.go, getTargetFiles).
enum class MatchPolicy {
  kEveryMatch,   // publish_multi_logs: every file
  // The most recently modified file (ties: the greatest path) is taken up.
  // Files named like a rotated generation of another match (NAME.1,
  // NAME-20261207, as LooksRotated) are not candidates: they are that
  // file's older generations, which rotation tracking reads. When another
  // file becomes the newest, the one followed is finished first as a
  // rotated file is (read to its end once the newest has lines, or it was
  // quiet), and the newest is read from its start. A file once taken up
  // stays followed, as the agent's tailer does: not the newest and read to
  // its end, it is closed (dormant: no descriptor) and looked at every
  // kDormantCheckIntervalMs, reopened when it grows. It is dropped when it
  // is deleted or no longer matched. At the first look, older matches are
  // not read, but for one with a checkpoint and lines beyond it (written
  // while the agent was stopped): finished first.
  kNewestMatch,
};

// One collect_list entry, as the tailer needs it.
struct TailEntry {
  std::string pattern;     // file_path
  Regex blacklist;         // file names to skip; null: none
  std::string encoding;    // "" is UTF-8
  std::shared_ptr<const EntryRules> rules;
  // Names the entry in checkpoints (its destination), so that a file read
  // for two entries has a checkpoint for each. "" in tests of one entry.
  std::string key;
  MatchPolicy matches = MatchPolicy::kEveryMatch;
};

struct TailerOptions {
  size_t read_chunk_bytes = 256 << 10;
  // Files open at once, at most. Files beyond wait for a descriptor: an idle
  // file read to its end is closed to make room, and reopened when it grows.
  size_t max_open_files = 1024;
  // A rotated file still matched by the pattern is considered finished once
  // it has been read to its end and stayed quiet this long.
  int64_t rotated_quiet_ms = 5000;
  // --once: reading ends with the files' ends, so a file read to its end
  // may be finished (its incomplete last line and pending record handed
  // on) and closed for good when a waiting file needs its descriptor.
  bool once = false;
  // Follow symbolic links wherever they lead (edgelog.follow_symlinks_anywhere);
  // otherwise see links.cc.
  bool follow_links_anywhere = false;
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
  bool superseded = false;    // truncated: its file is read on as a later generation
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
  // records to `sink`, read at `now`. Opens files waiting for a descriptor
  // first. Returns the bytes read.
  size_t Read(size_t max_bytes, TailTime now, RecordSink& sink);

  // Hands on multi-line records nothing joined for kQuietMs.
  void FlushQuiet(TailTime now, RecordSink& sink);
  // Hands on every pending record and incomplete last line (shutdown, or
  // the end of --once), except where a file still holds them and more:
  // those are read whole by the next run.
  void FlushAll(TailTime now, RecordSink& sink);
  // When FlushQuiet or Read next has timed work (monotonic ms), if ever.
  std::optional<int64_t> NextFlushMs() const;

  // Every open file has been read to its end and no file waits to be
  // opened.
  bool AtEnd() const;
  // Bytes the open files hold past their read offsets, as they are now
  // (one fstat per open file: for a progress line, not for every turn).
  // Files waiting for a descriptor or closed while idle are not counted.
  uint64_t BytesLeftInOpenFiles();
  // Directories whose changes matter: parents of followed files (open or
  // closed while idle) and the fixed part of every pattern.
  std::vector<std::string> WatchDirs() const;
  // `watched`: a watch on WatchDirs() reports writes to the files in them
  // (inotify), so dormant files are looked at only after one
  // (WriteReported); otherwise every kDormantCheckIntervalMs. Either way
  // the rescan looks at every match.
  void WatchingWrites(bool watched) { writes_watched_ = watched; }
  void WriteReported() { write_seen_ = true; }

  // Fingerprint of the bytes of source `id` just before `offset`: as kept
  // from reading where the source keeps it (so a truncation since does not
  // erase it), else read from the open file; nothing when the file is not
  // open.
  std::optional<Fingerprint> FingerprintBefore(uint32_t id, uint64_t offset);

  // Sources followed so far, forgotten ones included: they get ids from 0
  // up, in the order they are followed.
  uint32_t source_count() const { return next_source_id_; }
  // The sources not forgotten, by id.
  const std::map<uint32_t, SourceInfo>& sources() const { return info_; }
  const SourceInfo& source(uint32_t id) const { return info_.at(id); }
  // Forgets source `id`, read and closed (its file gone from its name, or
  // read on as a later generation), once nothing refers to it: false until
  // then. What was read of it is kept in a few bytes, for the last
  // kForgottenReadsKept sources forgotten, so that its file, met again, is
  // not read twice.
  bool Forget(uint32_t id);
  const std::vector<TailEntry>& entries() const { return entries_; }
  const TailStats& stats() const { return stats_; }

 private:
  // A file of an entry, as Discover found it.
  struct Match {
    uint32_t entry;
    std::string path;
    FileInfo info;
  };
  // (group, device, inode): a file as read for one destination.
  using SourceKey = std::tuple<uint32_t, uint64_t, uint64_t>;
  struct Dormant {
    uint32_t id;
    ReadState state;  // what had been read when it was closed
    bool seen;        // matched by the last Discover
  };
  // A new file whose bytes are those an open file of its entry had (a
  // copytruncate copy, perhaps still being written), waiting to learn
  // whether that file gets truncated.
  struct HeldCopy {
    uint32_t entry;
    FileId id;
    std::string path;
    uint32_t original;  // source id
  };

  // discovery.cc
  // Follows `m` if it is new: a dormant file is woken, a copy held, a file
  // replacing the one read at its path preceded by missed generations.
  // A new file of the pattern that repeats a live file (a copy): held, and
  // true. Looked at before it takes a descriptor.
  bool HeldAsACopy(const Match& m);
  // Wakes closed files that were renamed, within the pattern or away: older
  // generations now, finished before what took their place.
  void WakeMovedDormant(const std::vector<Match>& matches);
  // `sink` takes what a file closed to make room hands on (--once); none:
  // only files with nothing pending are closed.
  void Consider(const Match& m, RecordSink* sink);
  // Starts reading `path` for `entry`; `live_path` is the name it had (or
  // its content had) while written to: `path` unless it is an older
  // generation. False if it could not be opened (it then waits when
  // descriptors ran out).
  bool Follow(uint32_t entry, const std::string& path, const FileInfo& info,
              std::optional<uint64_t> offset, std::optional<uint64_t> rotated_rank,
              const std::string& live_path = "");
  std::optional<uint64_t> CheckpointOffset(uint32_t entry, const std::string& path,
                                           const FileInfo& info, ReadableFile& file) const;
  const Checkpoint* CheckpointOf(uint32_t entry, const FileId& id) const;
  // Where a file read and closed earlier in this run was left, if it still
  // holds what was read.
  std::optional<uint64_t> ReadEarlier(uint32_t entry, const FileInfo& info,
                                      ReadableFile& file) const;
  // Rotated siblings of `path` written since `since_mtime_ns` and never
  // followed: generations that came and went between two looks, read
  // first, oldest first. One repeating the start of `live` (the open file
  // at `path`, if any) is a copy of it being made: held as one, even when
  // the pattern found it first and nothing of it was read yet (true then:
  // it is no longer open, and indexes into open_ moved).
  bool FollowMissedGenerations(uint32_t entry, const std::string& path, int64_t since_mtime_ns,
                               FileSource* live);
  // The rank of a generation found older than `newer` (the file whose
  // earlier content it holds): read just before it. Behind a live file (or
  // none) that is after every rotated file; behind a rotated one, `newer`
  // and every rotated file after it move one place on.
  uint64_t RankBefore(const FileSource* newer);
  // The rank of a generation of `entry` last written at `mtime_ns`, found
  // late: before every rotated file of its group written after it (one
  // application writes one file at a time, so its files' last writes
  // follow their order). `self`, if given, is left out (it is being
  // placed again).
  uint64_t RankByLastWrite(uint32_t entry, int64_t mtime_ns, const FileSource* self = nullptr);
  // `source`'s modification time, looked up once per pass (many
  // generations found at once would otherwise cost a stat of every
  // rotated file for each).
  int64_t LastWrite(FileSource& source);
  // True when the file at `path` is content `entry`'s group has or had:
  // open for it (and not written over since), or read and closed while it
  // still holds what was read. A reused inode with new content is not.
  bool KnownContent(uint32_t entry, const std::string& path, const FileInfo& info);
  bool Skipped(uint32_t entry, const std::string& path) const;
  // For kNewestMatch entries: the newest of `entry`'s matches (among
  // `matches`), into newest_.
  void ChooseNewest(uint32_t entry, const std::vector<Match>& matches);
  // True when `path`, matched by `entry`, is to be followed: every match;
  // or the newest the last look found, and every name a file of the entry
  // was followed under (FollowName): as the agent's tailer, which follows
  // its file by name, through renames and re-creations.
  bool Wanted(uint32_t entry, const std::string& path) const;
  // `path` was followed for `entry` (kNewestMatch): followed from now on.
  void FollowName(uint32_t entry, const std::string& path);
  // At the first look: older matches of kNewestMatch entries with lines
  // beyond their checkpoint are finished before the newest is read.
  void FinishCheckpointedOlderMatches(const std::vector<Match>& matches);
  bool MatchedBy(uint32_t entry, const std::string& path) const;
  // True when a file may be opened: below max_open_files, or an idle file
  // was closed (see Consider for `sink`).
  bool MakeRoom(RecordSink* sink, const FileSource* keep = nullptr);
  void Wait(uint32_t entry, const std::string& path);
  // Closes open source `index`, keeping what was read of it in dormant_:
  // reopened when it changes.
  void Sleep(size_t index);
  // A live file of a kNewestMatch entry that is no longer the newest, read
  // to its end with nothing held back: closed, followed on while dormant.
  bool MayRest(const FileSource& source) const;
  // Dormant files of kNewestMatch entries that grew (or changed) since
  // they were closed are reopened, at most every kDormantCheckIntervalMs
  // and, while their directories are watched, only after a write was
  // reported in one: no rescan is needed to find lines written to them.
  void WakeGrownDormant(RecordSink& sink);
  void OpenWaiting(RecordSink& sink);
  void Wake(std::map<SourceKey, Dormant>::iterator dormant, uint32_t entry,
            const std::string& path, const FileInfo& info, std::optional<uint64_t> rotated_rank);

  // copies.cc: copytruncate.
  // The source id of the live file (open, or closed for room) of `entry`'s
  // group whose content `file` (at `path`, of `size` bytes, identity `id`) repeats
  // from its start: a copy of it, whole or being made.
  std::optional<uint32_t> OriginalOf(uint32_t entry, const std::string& path, const FileId& id,
                                     ReadableFile& file, uint64_t size);
  // The open source of `entry` whose live path `path` is named like a
  // generation of, if it was truncated or rewritten and that was not read
  // yet (renamed away since, perhaps: a copytruncate, then a create).
  FileSource* RewrittenSourceOf(uint32_t entry, const std::string& path);
  // `source` was truncated or rewritten: follows the copy holding what it
  // had not been read of (a held copy or a rotated sibling), then any newer
  // generation never read, then starts it over from offset 0.
  // False (nothing done) when a candidate copy could not be opened for want
  // of descriptors: tried again at the next read.
  bool StartOverAfterRewrite(FileSource& source, TailTime now, RecordSink& sink);
  // Starts `source` over from offset 0 under a new source id: its next
  // generation, tracked and checkpointed apart from the one read so far.
  void StartOverAsNewGeneration(FileSource& source, FileSource::HeldLine held, TailTime now,
                                RecordSink& sink);
  // Closes the open source of `entry`'s group reading `id`, handing on what
  // it holds back.
  void Retire(uint32_t entry, const FileId& id, TailTime now, RecordSink& sink);
  // The files that may hold generations of `source` (its held copies and
  // rotated siblings whose content was never read), oldest first; the ids
  // of the held ones are added to `held_ids`.
  std::vector<Sibling> GenerationCandidates(FileSource& source, std::vector<FileId>* held_ids);
  // `original` is closed: the files held as its copies are compared with it
  // one last time and followed from the end of what they repeat.
  void ReleaseCopiesOf(FileSource& original);
  // Held files that no longer repeat their original are files of their own:
  // read whole. Looked at every kHeldCheckIntervalMs at most (an idle agent
  // reads once a second anyway).
  void SettleHeldCopies();
  // Follows held copy `h` of `original`, of which nothing was read, as
  // the generation before its truncation: read first, from its start.
  void ReadCopyFirst(const HeldCopy& h, const FileInfo& info, FileSource& original);
  // Before the first read of `source` (nothing read of it): held copies of
  // it that no longer repeat it are read first. True when any was.
  bool ReadUnreadCopiesFirst(FileSource& source);
  // True when a rotated sibling of `source`'s file holds what was read of
  // it (a copy made before a truncation).
  bool HasCopyOf(FileSource& source);
  // A held copy no longer at its path, found again among its original's
  // rotated generations: true, `h->path` updated.
  bool FindMovedCopy(HeldCopy* h);
  // True when `candidate` holds bytes and they are the first bytes of
  // `source`'s file as it is now.
  bool RepeatsStartOf(const Sibling& candidate, FileSource& source);

  // recovery.cc: rotation and copytruncate while the agent was stopped.
  void RecoverRotatedWhileStopped();
  void RecoverPath(uint32_t entry, const std::string& live_path);

  // links.cc: symbolic links, followed only where they may be.
  struct LinkRoot {
    bool known = false;          // resolved (the directory exists)
    std::string real;            // the entry's directory, links resolved
    std::string untrusted_link;  // a link on the way to it made by another user
    uint32_t link_owner = 0;     // who made that link
    uint64_t checked_pass = 0;   // when `in_place` was looked at
    bool in_place = false;       // the directory's path still leads to `real`
  };
  // The directory `entry`'s file_path names, as last judged.
  LinkRoot& RootOf(uint32_t entry);
  // The same, judged now: resolved a component at a time.
  LinkRoot ResolveRoot(uint32_t entry);
  // Why `path` (found for `entry`; `file` what it leads to) is not to be
  // read; "" when it may be. `linked_below`, if given, is set when a link
  // was seen below the entry's directory.
  std::string LinkRefusal(uint32_t entry, const std::string& path, const FileInfo& file,
                          bool* linked_below = nullptr);
  // LinkRefusal, each refusal logged once.
  bool LinkAllowed(uint32_t entry, const std::string& path, const FileInfo& file,
                   bool* linked_below = nullptr);
  // Logs that `path` is not read, and `why`, once (up to kRefusalsKept).
  void SayRefused(const std::string& path, const std::string& why);
  static constexpr size_t kRefusalsKept = 1000;
  // Opens `path` to read it for `entry`, judged once open; `refused` says
  // a refusal (logged already) is why it was not.
  StatusOr<std::unique_ptr<ReadableFile>> OpenLog(uint32_t entry, const std::string& path,
                                                  bool* refused);

  // tailer.cc
  bool SameGroup(uint32_t a, uint32_t b) const { return group_[a] == group_[b]; }
  // The open source reading `id` for `entry`'s group.
  FileSource* FindOpen(uint32_t entry, const FileId& id);
  bool MustWait(const FileSource& source) const;
  // Open source `index` is about to be read from offset 0 for the first
  // time: generations rotated away since it was followed are read first,
  // and a file followed while empty whose first bytes repeat a live file is
  // held as a copy. Looked at again before every read until one reads
  // something: while a file waits its turn, more generations can go.
  enum class FirstRead {
    kRead,       // go on and read it
    kWait,       // empty when looked at: what a read finds now came after
    kLookAgain,  // open_ changed (held as a copy, or a copy to read first)
  };
  FirstRead BeforeFirstRead(size_t index);
  // Its size is not what the last look saw (or cannot be had).
  bool ChangedSinceLook(FileSource& source);
  // Open source `index` now repeats a live file of its group from the
  // start (a copy filled after it was followed, or written over it in
  // place): true when it was turned into a held copy (handing on to `sink`
  // what it held back of its old content). No longer open then.
  bool HoldIfACopy(size_t index, TailTime now, RecordSink* sink);
  // Closes open `copy` (what it held back handed on already, if anything)
  // and holds it as a copy of source `original`.
  void HoldOpenAsCopy(FileSource& copy, uint32_t original);
  // Open source `index` read to its end: deleted or finished files are
  // closed (true: `index` no longer names it).
  bool AtEndOfFile(size_t index, TailTime now, RecordSink& sink);
  void Close(size_t index, TailTime now, RecordSink& sink);
  // The file now at the path `rotated` was written under has unread data.
  bool LiveSiblingHasData(const FileSource& rotated);

  Env& env_;
  Logger& log_;
  std::vector<TailEntry> entries_;
  // Per entry: the path of its newest match at the last look, for
  // kNewestMatch entries ("" when none matched).
  std::vector<std::string> newest_;
  // kNewestMatch entries: names a file was followed under (entry, path),
  // the oldest forgotten past kFollowedNamesKept.
  std::set<std::pair<uint32_t, std::string>> followed_names_;
  std::deque<std::pair<uint32_t, std::string>> followed_order_;
  static constexpr size_t kFollowedNamesKept = 10000;
  // Per entry: the first entry sending to the same log stream (its own
  // index when none does). Entries of one group read a file once.
  std::vector<uint32_t> group_;
  std::vector<Checkpoint> checkpoints_;
  TailerOptions options_;
  std::vector<std::unique_ptr<FileSource>> open_;  // files being read
  std::map<uint32_t, SourceInfo> info_;            // every source not forgotten, by id
  uint32_t next_source_id_ = 0;
  // What was read of forgotten sources, newest last: enough to know a file
  // met again (renamed back into the pattern, say) and not read it twice.
  struct ForgottenRead {
    uint32_t entry;
    FileId file_id;
    ReadState state;
  };
  std::deque<ForgottenRead> forgotten_;
  // What was read of the newest forgotten source of `entry`'s group on file
  // `id`, if any.
  const ReadState* ForgottenReadOf(uint32_t entry, const FileId& id) const;
  static constexpr size_t kForgottenReadsKept = 10000;  // about 64 bytes each
  std::map<SourceKey, Dormant> dormant_;
  std::map<std::pair<uint32_t, std::string>, uint32_t> last_at_path_;  // group, path → source
  std::vector<HeldCopy> held_;
  static constexpr int64_t kHeldCheckIntervalMs = 1000;
  static constexpr int64_t kDormantCheckIntervalMs = 1000;
  int64_t next_dormant_check_ms_ = 0;  // monotonic
  bool writes_watched_ = false;  // see WatchingWrites()
  bool write_seen_ = false;      // a write reported since dormant files were looked at
  int64_t next_held_check_ms_ = 0;  // monotonic
  std::deque<std::pair<uint32_t, std::string>> waiting_;  // entry, path: no descriptor yet
  // When an open last failed for want of descriptors (monotonic ms; -1:
  // not since a file was closed). Waiting files are tried again when a
  // file is closed, or a second later (the process may free others).
  int64_t refused_at_ms_ = -1;
  TailTime last_now_;  // the time given to the last Read
  size_t next_to_read_ = 0;                        // round-robin position
  uint64_t next_rank_ = 1;                         // order of rotated files
  uint64_t pass_ = 1;  // one per Discover and Read: a file's last write is looked up once each
  bool recovered_ = false;
  int64_t warned_full_ms_ = -1;  // when "files are open and busy" was said (monotonic)
  std::set<uint32_t> warned_glob_;  // entries whose expansion a walk limit cut short
  std::vector<LinkRoot> roots_;       // by entry
  std::set<std::string> refused_links_;  // path and reason, each logged once
  std::string buffer_;
  TailStats stats_;
};

}  // namespace edgelog

#endif  // EDGELOG_AGENT_TAIL_TAILER_H_
