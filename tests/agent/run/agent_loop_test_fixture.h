// AgentLoopTest: whole agent runs over a MemEnv, FakeHttp and a FakeClock,
// once or until a scripted stop, shared by the agent_loop_*_test.cc files.
#ifndef EDGELOG_TESTS_AGENT_RUN_AGENT_LOOP_TEST_FIXTURE_H_
#define EDGELOG_TESTS_AGENT_RUN_AGENT_LOOP_TEST_FIXTURE_H_

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "agent/aws/credentials.h"
#include "tests/support/env_credentials.h"
#include "agent/aws/endpoint.h"
#include "agent/batch/gzip.h"
#include "agent/batch/payload.h"
#include "agent/run/agent_loop.h"
#include "agent/run/tail_setup.h"
#include "agent/tail/checkpoint_store.h"
#include "tests/support/capture_logger.h"
#include "tests/support/fake_clock.h"
#include "tests/support/fake_http.h"
#include "tests/support/mem_env.h"

namespace edgelog::agent_loop_test {

using testing::CaptureLogger;
using testing::FakeClock;
using testing::FakeHttp;
using testing::FakePoller;
using testing::MemEnv;
using testing::SeenRequest;

using Strings = std::vector<std::string>;

inline constexpr char kLog[] = "/var/log/app.log";
inline constexpr char kStateDir[] = "/var/lib/edgelog";
inline constexpr char kCheckpoints[] = "/var/lib/edgelog/checkpoints.json";

// The events of a gzip PutLogEvents body, in order.
inline std::vector<ParsedEvent> EventsOf(const std::string& gzip_body) {
  auto json = GunzipBody(gzip_body, 64 << 20);
  EXPECT_TRUE(json.ok()) << json.status().ToString();
  if (!json.ok()) return {};
  auto events = ParseEvents(*json);
  EXPECT_TRUE(events.ok()) << events.status().ToString();
  return events.ok() ? std::move(*events) : std::vector<ParsedEvent>{};
}

inline Strings MessagesOf(const std::string& gzip_body) {
  Strings out;
  for (ParsedEvent& e : EventsOf(gzip_body)) out.push_back(std::move(e.message));
  return out;
}

// The messages of events as a reader of the stream sees them: CloudWatch
// orders a stream by time, events of one time in the order they arrived.
inline Strings InStreamOrder(std::vector<ParsedEvent> events) {
  std::stable_sort(events.begin(), events.end(),
                   [](const ParsedEvent& a, const ParsedEvent& b) {
                     return a.timestamp_ms < b.timestamp_ms;
                   });
  Strings out;
  for (ParsedEvent& e : events) out.push_back(std::move(e.message));
  return out;
}

// A Poller that moves the clock like FakePoller and lets a test act at each
// wait, as if things happened while the agent slept.
class ScriptedPoller : public Poller {
 public:
  explicit ScriptedPoller(FakeClock& clock) : clock_(clock) {}
  Status Watch(int, uint32_t, PollHandler*) override { return Status::Ok(); }
  void Unwatch(int) override {}
  StatusOr<int> Wait(int64_t timeout_ms) override {
    if (timeout_ms > 0) clock_.Advance(timeout_ms);
    ++waits;
    if (on_wait) on_wait();
    return 0;
  }

  std::function<void()> on_wait;
  int waits = 0;

 private:
  FakeClock& clock_;
};

// Counts the bytes read from one file.
class ReadCountingEnv : public EnvWrapper {
 public:
  ReadCountingEnv(Env& target, std::string path) : EnvWrapper(target), path_(std::move(path)) {}
  StatusOr<std::unique_ptr<ReadableFile>> OpenReadable(const std::string& path) override {
    auto file = target().OpenReadable(path);
    if (!file.ok() || path != path_) return file;
    return std::unique_ptr<ReadableFile>(std::make_unique<File>(this, std::move(*file)));
  }
  uint64_t bytes_read() const { return bytes_read_; }

 private:
  class File : public ReadableFile {
   public:
    File(ReadCountingEnv* env, std::unique_ptr<ReadableFile> target)
        : env_(env), target_(std::move(target)) {}
    StatusOr<size_t> ReadAt(uint64_t offset, char* buf, size_t n) override {
      auto got = target_->ReadAt(offset, buf, n);
      if (got.ok()) env_->bytes_read_ += *got;
      return got;
    }
    StatusOr<FileInfo> Stat() override { return target_->Stat(); }

   private:
    ReadCountingEnv* env_;
    std::unique_ptr<ReadableFile> target_;
  };

  std::string path_;
  uint64_t bytes_read_ = 0;
};

class FakeStop : public StopSignals {
 public:
  bool stop_requested() const override { return requested; }
  const char* signal_name() const override { return requested ? "SIGTERM" : ""; }
  bool TakeReloadRequest() override {
    bool r = reload;
    reload = false;
    return r;
  }
  bool requested = false;
  bool reload = false;  // a SIGHUP waiting to be taken
};

// Refuses to open rejected.jsonl while `refuse` is set.
class RejectedUnwritableEnv : public EnvWrapper {
 public:
  explicit RejectedUnwritableEnv(Env& target) : EnvWrapper(target) {}
  StatusOr<std::unique_ptr<WritableFile>> OpenWritable(const std::string& path,
                                                       WriteMode mode) override {
    if (refuse && path == std::string(kStateDir) + "/rejected.jsonl") {
      return Status::IoError("open " + path + ": Input/output error");
    }
    return target().OpenWritable(path, mode);
  }
  bool refuse = true;
};

class AgentLoopTest : public ::testing::Test {
 protected:
  AgentLoopTest() {
    env_.SetVar("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE");
    env_.SetVar("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
    EXPECT_TRUE(env_.CreateDirs(kStateDir).ok());  // the CLI does this in production
    config_.state_dir = kStateDir;
    config_.region = "us-east-1";
    config_.files.push_back(Entry(kLog, "/app/group", "host-1"));
    auto endpoint = ParseEndpointUrl("https://logs.us-east-1.amazonaws.com/");
    EXPECT_TRUE(endpoint.ok());
    context_ = LogsRequestContext{*endpoint, "us-east-1", "edgelog-test"};
    options_.once = true;
    options_.seed = 7;
  }

  static FileEntry Entry(const std::string& path, const std::string& group,
                         const std::string& stream) {
    FileEntry e;
    e.file_path = path;
    e.log_group_name = group;
    e.log_stream_name = stream;
    return e;
  }

  std::vector<TailEntry> Entries() const {
    auto entries = BuildTailEntries(config_, [](int64_t) { return int64_t{0}; });
    EXPECT_TRUE(entries.ok()) << entries.status().ToString();
    return entries.ok() ? std::move(*entries) : std::vector<TailEntry>{};
  }

  // A fresh agent process over the same disk, network and time.
  int RunOnce() {
    AgentDeps deps{env_, clock_, log_, poller_, http_, *credentials_, nullptr};
    deps.progress = progress_;
    AgentLoop loop(deps, config_, Entries(), context_, options_);
    int rc = loop.Run();
    summary_ = loop.summary();
    return rc;
  }

  // A run without --once, stopped by SIGTERM when `stop_when` says so
  // (checked at every wait, after `act`).
  int RunUntilStopped(std::function<void(int wait)> act, std::function<bool()> stop_when) {
    ScriptedPoller poller(clock_);
    FakeStop stop;
    poller.on_wait = [&] {
      if (act) act(poller.waits);
      if (stop_when() || poller.waits > 100000) stop.requested = true;
    };
    options_.once = false;
    AgentDeps deps{env_, clock_, log_, poller, http_, *credentials_, &stop};
    AgentLoop loop(deps, config_, Entries(), context_, options_);
    int rc = loop.Run();
    summary_ = loop.summary();
    EXPECT_LE(poller.waits, 100000) << "the stop condition never came true";
    return rc;
  }

  // Messages of every PutLogEvents request from index `from` on.
  Strings SentMessages(size_t from = 0) const {
    Strings out;
    auto puts = http_.requests_for("PutLogEvents");
    for (size_t i = from; i < puts.size(); ++i) {
      for (const std::string& m : MessagesOf(puts[i].body)) out.push_back(m);
    }
    return out;
  }

  // The checkpoint offset saved for the file at `path` now, or -1 if none.
  int64_t SavedOffset(const std::string& path) {
    auto info = env_.Stat(path);
    EXPECT_TRUE(info.ok());
    auto loaded = LoadCheckpoints(env_, kCheckpoints);
    EXPECT_TRUE(loaded.ok()) << loaded.status().ToString();
    if (!info.ok() || !loaded.ok()) return -2;
    for (const Checkpoint& c : *loaded) {
      if (c.id == info->id) return static_cast<int64_t>(c.offset);
    }
    return -1;
  }

  // Bytes of batches waiting in the disk buffer (segment files).
  uint64_t BufferedBytes() {
    std::string dir = std::string(kStateDir) + "/buffer";
    auto names = env_.ListDir(dir);
    uint64_t n = 0;
    if (!names.ok()) return 0;
    for (const std::string& name : *names) {
      auto info = env_.Stat(dir + "/" + name);
      if (info.ok() && name.size() > 4 && name.compare(name.size() - 4, 4, ".seg") == 0) {
        n += info->size;
      }
    }
    return n;
  }
  // Lines are kept for the next run: either the checkpoint did not move
  // past them, or they wait in the disk buffer.
  void ExpectKeptForTheNextRun() {
    int64_t saved = SavedOffset(kLog);
    EXPECT_TRUE(saved == 0 || saved == -1 || BufferedBytes() > 0)
        << "checkpoint moved to " << saved << " with nothing in the disk buffer";
  }

  MemEnv env_;
  FakeClock clock_;
  CaptureLogger log_;
  FakePoller poller_{clock_};
  FakeHttp http_;
  std::unique_ptr<CredentialsProvider> credentials_ =
      std::make_unique<testing::EnvCredentials>(env_);
  Config config_;
  LogsRequestContext context_;
  RunOptions options_;
  RunSummary summary_;
  StatusLine* progress_ = nullptr;  // RunOnce's progress line; null: none
};

}  // namespace edgelog::agent_loop_test

#endif  // EDGELOG_TESTS_AGENT_RUN_AGENT_LOOP_TEST_FIXTURE_H_
