// Pipeline: the journald collect_list entries. Each is a JournalSource
// whose records join the same batches as the files', tracked by an
// AckTracker of their own (source id = entry index), so that an entry's
// cursor is saved only once everything up to it is delivered, like a
// file's offset. Cursors live in STATE_DIR/journal_cursors.json.
#include <set>

#include "agent/io/file_util.h"
#include "agent/journal/journal_directory.h"
#include "agent/run/pipeline.h"

namespace edgelog {
namespace {

constexpr size_t kJournalSliceBytes = 1 << 20;     // per JournalSource::Read
constexpr size_t kJournalPerIterationBytes = 8 << 20;

TailTime Now(Clock& clock) { return TailTime{clock.NowUnixMillis(), clock.MonotonicMillis()}; }

std::string EntryName(size_t index) {
  return "logs.logs_collected.journald.collect_list[" + std::to_string(index) + "]";
}

}  // namespace

void Pipeline::JournalFeed::OnRecord(const Record& r) {
  uint32_t stream = p_.journal_stream_of_[r.source];
  auto batch = p_.batcher_->Add(stream, r.timestamp_ms, r.message,
                                p_.deps_.clock.MonotonicMillis());
  if (!batch.ok()) {
    p_.fatal_ = "cannot build a request: " + batch.status().ToString();
    return;
  }
  p_.journal_tracker_.OnRecord(r.source, *batch, r.end_offset);
}

void Pipeline::JournalFeed::OnSkipped(uint32_t source, uint64_t end_offset) {
  p_.journal_tracker_.OnSkipped(source, end_offset);
}

void Pipeline::JournalFeed::OnRejected(const Record& r, std::string_view reason) {
  if (p_.rejected_batch_ == 0) p_.rejected_batch_ = p_.batcher_->NewId();
  uint32_t stream = p_.journal_stream_of_[r.source];
  p_.rejected_.push_back(
      {stream, std::string(reason), ParsedEvent{r.timestamp_ms, std::string(r.message)}});
  p_.rejected_bytes_ += r.message.size() + reason.size();
  p_.CountRejected(reason, 1);
  p_.journal_tracker_.OnRecord(r.source, p_.rejected_batch_, r.end_offset);
}

void Pipeline::StartJournals() {
  if (config_.journals.empty()) return;
  journal_cursor_path_ = JoinPath(config_.state_dir, "journal_cursors.json");
  auto loaded = LoadJournalCursors(deps_.env, journal_cursor_path_);
  if (loaded.ok()) {
    std::vector<std::string> notes;
    saved_cursors_ = MigrateJournalCursors(config_, std::move(*loaded), &notes);
    for (const std::string& note : notes) deps_.log.Warning(note);
  } else {
    // As with checkpoints: starting over (the last entries) beats stopping.
    deps_.log.Error(loaded.status().message() +
                    "; the journals are read as at a first start, and the file is "
                    "replaced at the next save");
  }
  WarnOfAnEmptyJournal();
  JournalSourceOptions options;
  options.directory = config_.journald_directory;
  options.once = options_.once;
  for (size_t i = 0; i < config_.journals.size(); ++i) {
    const JournalEntry& entry = config_.journals[i];
    auto filters = JournalFilters::Compile(entry.filters);
    if (!filters.ok()) {
      fatal_ = config_.source_path + ": " + EntryName(i) + ".filters: " + filters.status().message();
      return;
    }
    if (deps_.processes == nullptr) {
      fatal_ = "journald entries are configured but this build cannot start journalctl";
      return;
    }
    std::string cursor = SavedCursorOf(i);
    uint32_t id = static_cast<uint32_t>(i);
    journal_tracker_.AddSource(id, 0);
    journals_.push_back(std::make_unique<JournalSource>(id, EntryName(i), entry,
                                                        std::move(*filters), cursor,
                                                        *deps_.processes, deps_.log, options));
  }
}

std::string Pipeline::SavedCursorOf(size_t index) {
  std::string key = JournalKey(config_, index);
  if (auto it = saved_cursors_.find(key); it != saved_cursors_.end()) return it->second;
  // An entry whose group or stream changed (its selection did not) goes on
  // from where it was, as a file's entry does: the one saved key with its
  // selection that no entry has now, if there is exactly one.
  auto selection_of = [](const std::string& k) {
    size_t first = k.find('\n');
    size_t second = first == std::string::npos ? first : k.find('\n', first + 1);
    return second == std::string::npos ? std::string() : k.substr(second + 1);
  };
  std::string selection = selection_of(key);
  std::set<std::string> current;
  for (size_t i = 0; i < config_.journals.size(); ++i) current.insert(JournalKey(config_, i));
  const std::string* found = nullptr;
  std::string found_key;
  for (const auto& [saved, cursor] : saved_cursors_) {
    if (current.count(saved) > 0 || selection_of(saved) != selection) continue;
    if (found != nullptr) return "";  // two: neither is surely this entry's
    found = &cursor;
    found_key = saved;
  }
  if (found == nullptr) return "";
  deps_.log.Info(EntryName(index) + ": its log group or stream changed; going on from the "
                 "cursor saved for the old one");
  std::string cursor = *found;
  saved_cursors_.erase(found_key);  // carried: not the old entry's any more
  return cursor;
}

void Pipeline::WarnOfAnEmptyJournal() {
  // journalctl reads such a directory without a complaint and, following,
  // waits for ever: the entries would stay silent.
  std::string problem = JournalDirectoryProblem(deps_.env, config_.journald_directory);
  if (problem.empty()) return;
  std::string entries = EntryName(0);
  if (config_.journals.size() > 1) {
    entries += " (and the " + std::to_string(config_.journals.size() - 1) + " after it)";
  }
  deps_.log.Warning(entries + ": the journal to read, " + problem + ": nothing will arrive " +
                    "until journald writes there. Set edgelog.journald.directory to the " +
                    "journal's directory (in a container, mount the host's /var/log/journal)");
}

bool Pipeline::ReadJournals() {
  bool left = false;
  for (auto& j : journals_) {
    size_t read = 0;
    for (;;) {
      if (read >= kJournalPerIterationBytes || Buffered() >= MemoryBudget()) {
        j->Pause();  // woken again by the next Read, when there is room
        left = left || Buffered() < MemoryBudget();  // another turn, at once
        break;
      }
      size_t n = j->Read(kJournalSliceBytes, Now(deps_.clock), journal_feed_);
      if (n == 0) break;
      read += n;
    }
  }
  return left;
}

bool Pipeline::JournalsAtEnd() const {
  for (const auto& j : journals_) {
    if (!j->AtEnd()) return false;
  }
  return true;
}

std::string Pipeline::JournalFailures() const {
  std::string out;
  for (const auto& j : journals_) {
    if (j->failure().empty()) continue;
    out += (out.empty() ? "" : "; ") + j->failure();
  }
  return out;
}

std::optional<int64_t> Pipeline::JournalWakeMs() const {
  std::optional<int64_t> wake;
  for (const auto& j : journals_) {
    std::optional<int64_t> w = j->NextWakeMs();
    if (w && (!wake || *w < *wake)) wake = w;
  }
  return wake;
}

void Pipeline::AckBatch(uint64_t id) {
  tracker_.OnAck(id);
  journal_tracker_.OnAck(id);
}

void Pipeline::HoldBatch(uint64_t id) {
  tracker_.Hold(id);
  journal_tracker_.Hold(id);
}

Status Pipeline::SaveJournalCursorsIfMoved() {
  if (journals_.empty()) return Status::Ok();
  JournalCursors cursors = saved_cursors_;
  for (size_t i = 0; i < journals_.size(); ++i) {
    JournalSource& j = *journals_[i];
    j.Delivered(journal_tracker_.delivered(j.id()));
    if (!j.delivered_cursor().empty()) cursors[JournalKey(config_, i)] = j.delivered_cursor();
  }
  if (cursors == saved_cursors_) return Status::Ok();
  Status s = SaveJournalCursors(deps_.env, journal_cursor_path_, cursors);
  if (s.ok()) saved_cursors_ = std::move(cursors);
  return s;
}

}  // namespace edgelog
