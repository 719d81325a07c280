// TailerScenario: a Tailer over a MemEnv driven the way the main loop drives
// it (Discover, then Read until a read finds nothing), with a clock that
// moves one second per pass, logrotate's moves as helpers, and restarts from
// the checkpoints the agent would have saved. Shared by the
// tailer_scenarios_*_test.cc files, whose tests each check that every line
// arrives exactly once and in order.
#ifndef EDGELOG_TESTS_AGENT_TAIL_TAILER_SCENARIOS_FIXTURE_H_
#define EDGELOG_TESTS_AGENT_TAIL_TAILER_SCENARIOS_FIXTURE_H_

#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "agent/tail/checkpoint_store.h"
#include "agent/tail/tailer.h"
#include "tests/agent/tail/tailer_test_fixture.h"
#include "tests/support/capture_logger.h"
#include "tests/support/mem_env.h"

namespace edgelog::tailer_scenarios {

using tailer_test::At;
using tailer_test::kNow;
using tailer_test::Lines;
using tailer_test::RecordingSink;
using tailer_test::Seen;
using testing::CaptureLogger;
using testing::MemEnv;

// How far the tailer's clock moves in one pass of the loop.
inline constexpr int64_t kPassMs = 1000;

// A RecordingSink that also notes the identity of the file each record came
// from, so records stay attributed across restarts (source ids are per run).
class ScenarioSink : public RecordingSink {
 public:
  void OnRecord(const Record& r) override {
    RecordingSink::OnRecord(r);
    file_ids.push_back(file_of(r.source));
  }
  void OnSkipped(uint32_t source, uint64_t end_offset) override {
    RecordingSink::OnSkipped(source, end_offset);
    file_ids.push_back(file_of(source));
  }
  void OnRejected(const Record& r, std::string_view reason) override {
    RecordingSink::OnRejected(r, reason);
    file_ids.push_back(file_of(r.source));
  }

  std::function<FileId(uint32_t source)> file_of;
  std::vector<FileId> file_ids;  // parallel to `seen`
};

class TailerScenario : public ::testing::Test {
 protected:
  TailerScenario() {
    sink_.file_of = [this](uint32_t source) { return tailer_->source(source).file_id; };
  }

  // A new Tailer (a new agent process) over the same files; Discover runs
  // once, as the main loop does before its first read.
  void Start(std::vector<std::string> patterns, std::vector<Checkpoint> checkpoints = {}) {
    std::vector<TailEntry> entries;
    for (std::string& p : patterns) entries.push_back(Entry(std::move(p), ""));
    StartEntries(std::move(entries), std::move(checkpoints));
  }
  // The same with entries of their own (several entries, entry keys).
  void StartEntries(std::vector<TailEntry> entries, std::vector<Checkpoint> checkpoints = {}) {
    entries_ = entries;
    run_start_ = sink_.seen.size();
    tailer_ = std::make_unique<Tailer>(env_, log_, std::move(entries), std::move(checkpoints),
                                       options_);
    tailer_->Discover();
  }
  // An entry following `pattern`, every line its own record, named `key` in
  // checkpoints.
  static TailEntry Entry(std::string pattern, std::string key) {
    auto rules = std::make_shared<EntryRules>();
    rules->start_rule = EntryRules::StartRule::kEveryLine;
    return TailEntry{std::move(pattern), nullptr, "", rules, std::move(key)};
  }

  // Reads until a read finds nothing, without looking for new files.
  size_t ReadAll() {
    size_t total = 0;
    for (int i = 0; i < 1000; ++i) {
      size_t n = tailer_->Read(8 << 20, At(now_), sink_);
      if (n == 0) return total;
      total += n;
    }
    ADD_FAILURE() << "Read never ran out of data";
    return total;
  }

  // One pass of the main loop: time moves on, Discover, then read.
  size_t Pass() {
    now_ += kPassMs;
    tailer_->Discover();
    return ReadAll();
  }

  // Passes until nothing has changed for longer than a rotated file may stay
  // quiet (so every rotated file has been finished and closed).
  void Settle() {
    int unchanged = 0;
    int needed = static_cast<int>(options_.rotated_quiet_ms / kPassMs) + 2;
    auto before = Snapshot();
    for (int i = 0; i < 200; ++i) {
      size_t n = Pass();
      auto after = Snapshot();
      unchanged = (n == 0 && after == before) ? unchanged + 1 : 0;
      before = after;
      if (unchanged >= needed) return;
    }
    ADD_FAILURE() << "the tailer never settled";
  }

  // What the agent does when it stops: hand on what is held back.
  void Shutdown() { tailer_->FlushAll(At(now_), sink_); }

  // The checkpoints the agent would save now if everything handed on so far
  // had been delivered (as Pipeline::SaveCheckpoints builds them, with the
  // fingerprint of the bytes before each offset while the file holds them).
  std::vector<Checkpoint> Checkpoints() {
    std::vector<Checkpoint> all;
    for (uint32_t id = 0; id < tailer_->source_count(); ++id) {
      const SourceInfo& s = tailer_->source(id);
      uint64_t delivered = s.start_offset;
      for (size_t i = run_start_; i < sink_.seen.size(); ++i) {
        if (sink_.seen[i].source == id) delivered = sink_.seen[i].end_offset;
      }
      bool finished = !s.open && !s.dormant;
      if (finished && !env_.Exists(s.path)) continue;  // gone for good
      Fingerprint before;
      if (auto fp = tailer_->FingerprintBefore(id, delivered)) before = *fp;
      Checkpoint c{s.file_id, s.live_path, delivered, s.head, before,
                   tailer_->entries()[s.entry].key};
      bool replaced = false;
      for (Checkpoint& existing : all) {
        if (existing.id == c.id && existing.entry == c.entry) {
          existing = c;
          replaced = true;
        }
      }
      if (!replaced) all.push_back(c);
    }
    return all;
  }

  // Stops the agent (FlushAll), then starts a new one from its checkpoints.
  void StopAndStartAgain() {
    Shutdown();
    std::vector<Checkpoint> saved = Checkpoints();
    tailer_.reset();
    StartEntries(entries_, saved);
  }

  // Truncates `path` in place (same inode), then writes `data`: "> file", or
  // the second half of logrotate's copytruncate.
  void TruncateInPlace(const std::string& path, const std::string& data = "") {
    auto file = env_.OpenWritable(path, WriteMode::kTruncate);
    ASSERT_TRUE(file.ok()) << path;
    if (!data.empty()) {
      ASSERT_TRUE((*file)->Append(data).ok());
    }
    ASSERT_TRUE((*file)->Close().ok());
  }
  // The first half of copytruncate: a new file with the same contents.
  void CopyFile(const std::string& from, const std::string& to) {
    env_.WriteFile(to, env_.ReadFile(from));
  }
  void Rename(const std::string& from, const std::string& to) {
    ASSERT_TRUE(env_.Rename(from, to).ok()) << from << " -> " << to;
  }
  void Remove(const std::string& path) { ASSERT_TRUE(env_.Remove(path).ok()) << path; }

  FileId IdOf(const std::string& path) {
    auto info = env_.Stat(path);
    EXPECT_TRUE(info.ok()) << path;
    return info.ok() ? info->id : FileId{};
  }

  Lines Messages() const { return sink_.Messages(); }
  // Messages read from the file with identity `id` (in every run), in order.
  Lines MessagesOf(const FileId& id) const {
    Lines out;
    for (size_t i = 0; i < sink_.seen.size(); ++i) {
      if (!sink_.seen[i].skipped && sink_.file_ids[i] == id) out.push_back(sink_.seen[i].message);
    }
    return out;
  }
  // End offsets of the records of file `id` (in every run), in order.
  std::vector<uint64_t> EndOffsetsOf(const FileId& id) const {
    std::vector<uint64_t> out;
    for (size_t i = 0; i < sink_.seen.size(); ++i) {
      if (!sink_.seen[i].skipped && sink_.file_ids[i] == id) {
        out.push_back(sink_.seen[i].end_offset);
      }
    }
    return out;
  }
  // Sources (by id, in the current run) reading the file with identity `id`.
  std::vector<uint32_t> SourcesOf(const FileId& id) const {
    std::vector<uint32_t> out;
    for (uint32_t s = 0; s < tailer_->source_count(); ++s) {
      if (tailer_->source(s).file_id == id) out.push_back(s);
    }
    return out;
  }
  // True while some source holds the file with identity `id` open.
  bool HeldOpen(const FileId& id) const {
    for (uint32_t s : SourcesOf(id)) {
      if (tailer_->source(s).open) return true;
    }
    return false;
  }

  // Numbered lines "<prefix>-<first>" ... "<prefix>-<first+count-1>".
  static Lines Numbered(const std::string& prefix, int first, int count) {
    Lines out;
    for (int i = first; i < first + count; ++i) out.push_back(prefix + "-" + std::to_string(i));
    return out;
  }
  static std::string Text(const Lines& lines, const std::string& newline = "\n") {
    std::string out;
    for (const std::string& l : lines) out += l + newline;
    return out;
  }
  static Lines Concat(std::initializer_list<Lines> parts) {
    Lines out;
    for (const Lines& p : parts) out.insert(out.end(), p.begin(), p.end());
    return out;
  }

  MemEnv env_;
  CaptureLogger log_;
  ScenarioSink sink_;
  TailerOptions options_;
  int64_t now_ = kNow;
  std::vector<TailEntry> entries_;
  std::unique_ptr<Tailer> tailer_;
  size_t run_start_ = 0;  // first record of the current run in sink_.seen

 private:
  // Which files are followed, open or dormant, and how many rotated files
  // were finished: a file finished lets the next one wait its quiet time.
  using State = std::pair<std::vector<std::tuple<std::string, bool, bool>>, uint64_t>;
  State Snapshot() const {
    State out;
    for (uint32_t s = 0; s < tailer_->source_count(); ++s) {
      const SourceInfo& i = tailer_->source(s);
      out.first.emplace_back(i.path, i.open, i.dormant);
    }
    out.second = tailer_->stats().rotations;
    return out;
  }
};

}  // namespace edgelog::tailer_scenarios

#endif  // EDGELOG_TESTS_AGENT_TAIL_TAILER_SCENARIOS_FIXTURE_H_
