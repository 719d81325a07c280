// A stop that meets a fault while CloudWatch holds part of a split batch
// (the disk fills as its parts go to the buffer, rejected.jsonl cannot be
// written): nothing lost at the restart; lines may come twice (a fault).
// And a forgotten file's inode reused by a new file: read whole.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "tests/agent/run/restart_fixture.h"

namespace edgelog::restart_test {
namespace {

// Disk buffer appends fail once `appends_left` reaches 0 (< 0: never).
class BufferFullEnv : public EnvWrapper {
 public:
  explicit BufferFullEnv(Env& target) : EnvWrapper(target) {}
  StatusOr<std::unique_ptr<WritableFile>> OpenWritable(const std::string& path,
                                                       WriteMode mode) override {
    auto f = target().OpenWritable(path, mode);
    if (!f.ok() || path.find("/buffer/") == std::string::npos) return f;
    return std::unique_ptr<WritableFile>(std::make_unique<File>(this, std::move(*f)));
  }
  int appends_left = -1;
  bool refuse_rejected = false;

 private:
  class File : public WritableFile {
   public:
    File(BufferFullEnv* env, std::unique_ptr<WritableFile> t) : env_(env), t_(std::move(t)) {}
    Status Append(std::string_view data) override {
      if (env_->appends_left == 0) return Status::NoSpace("no space left on device");
      if (env_->appends_left > 0) --env_->appends_left;
      return t_->Append(data);
    }
    Status Sync() override { return t_->Sync(); }
    Status Close() override { return t_->Close(); }

   private:
    BufferFullEnv* env_;
    std::unique_ptr<WritableFile> t_;
  };
};

// 8 lines, one batch: CloudWatch refuses every request of more than 2
// events (split), accepts [0,1] and never answers [2,3]. At the stop [2,3]
// and [4..7] leave for the disk buffer, and the disk fills after the first
// append: the buffered part counted the whole batch as done, and [4..7],
// neither delivered nor buffered, was lost.
TEST_F(RestartTest, TheDiskFullingAsSplitPartsAreBufferedAtAStopLosesNothing) {
  options_.shutdown_grace_ms = 2000;
  http_.set_held_poll_ms(10);
  BufferFullEnv env(env_);
  bool unanswered_seen = false;
  http_.set_responder([&](const SeenRequest& r) -> std::optional<HttpResponse> {
    if (r.target != "PutLogEvents") return FakeHttp::Ok();
    Strings m = MessagesOf(r.body);
    if (m.size() > 2) return FakeHttp::AwsError(400, "InvalidParameterException", "bad");
    if (m[0] == L(2)) { unanswered_seen = true; return std::nullopt; }
    Store(r);
    return FakeHttp::Ok();
  });
  Write(0, 8);
  int rc = Run(env, nullptr, [&] {
    if (unanswered_seen) env.appends_left = 1;
    return unanswered_seen;
  });
  EXPECT_EQ(kExitOk, rc);
  env.appends_left = -1;
  RestartHealthy(env_);
  ExpectNoneLost(8);
}

// The same split, line-0000 refused as a single event, while rejected.jsonl
// cannot be written: the batch must not count as done when its parts are
// buffered (it did: the refused line was neither kept nor read again).
TEST_F(RestartTest, RefusedEventsNotKeptAtAStopAreNotLost) {
  options_.shutdown_grace_ms = 2000;
  http_.set_held_poll_ms(10);
  RejectedUnwritableEnv env(env_);
  env.refuse = true;
  bool unanswered_seen = false;
  http_.set_responder([&](const SeenRequest& r) -> std::optional<HttpResponse> {
    if (r.target != "PutLogEvents") return FakeHttp::Ok();
    Strings m = MessagesOf(r.body);
    if (m.size() > 2 || m[0] == L(0)) return FakeHttp::AwsError(400, "InvalidParameterException", "bad");
    if (m[0] == L(2)) { unanswered_seen = true; return std::nullopt; }
    Store(r);
    return FakeHttp::Ok();
  });
  Write(0, 8);
  int rc = Run(env, nullptr, [&] { return unanswered_seen; });
  EXPECT_EQ(kExitOk, rc);
  EXPECT_EQ("", env_.ReadFile(std::string(kStateDir) + "/rejected.jsonl"));
  RestartHealthy(env_);  // which takes line-0000, read again
  // line-0000 kept in rejected.jsonl counts as not lost too.
  std::string rejected = env_.ReadFile(std::string(kStateDir) + "/rejected.jsonl");
  if (rejected.find(L(0)) != std::string::npos) stored_[L(0)] += 1;
  ExpectNoneLost(8);
}

// Same as the first, line-0000 refused as a single event and kept in
// rejected.jsonl at the stop, the disk full after one append.
TEST_F(RestartTest, RefusedEventsKeptButTheDiskFullAtAStopLosesNothing) {
  options_.shutdown_grace_ms = 2000;
  http_.set_held_poll_ms(10);
  BufferFullEnv env(env_);
  bool unanswered_seen = false;
  http_.set_responder([&](const SeenRequest& r) -> std::optional<HttpResponse> {
    if (r.target != "PutLogEvents") return FakeHttp::Ok();
    Strings m = MessagesOf(r.body);
    if (m.size() > 2 || m[0] == L(0)) return FakeHttp::AwsError(400, "InvalidParameterException", "bad");
    if (m[0] == L(2)) { unanswered_seen = true; return std::nullopt; }
    Store(r);
    return FakeHttp::Ok();
  });
  Write(0, 8);
  int rc = Run(env, nullptr, [&] {
    if (unanswered_seen) env.appends_left = 1;
    return unanswered_seen;
  });
  EXPECT_EQ(kExitOk, rc);
  env.appends_left = -1;
  RestartHealthy(env_);
  std::string rejected = env_.ReadFile(std::string(kStateDir) + "/rejected.jsonl");
  size_t first = rejected.find(L(0));
  EXPECT_NE(std::string::npos, first);
  if (first != std::string::npos) stored_[L(0)] += 1;
  ExpectNoneLost(8);
}

// Stat and open files report inode `to` for a file whose inode is `from`.
class InodeAliasEnv : public EnvWrapper {
 public:
  explicit InodeAliasEnv(Env& target) : EnvWrapper(target) {}
  StatusOr<FileInfo> Stat(const std::string& path) override {
    auto info = target().Stat(path);
    if (info.ok()) Fix(*info);
    return info;
  }
  StatusOr<std::unique_ptr<ReadableFile>> OpenReadable(const std::string& path) override {
    auto file = target().OpenReadable(path);
    if (!file.ok()) return file;
    return std::unique_ptr<ReadableFile>(std::make_unique<File>(this, std::move(*file)));
  }
  void Fix(FileInfo& info) const {
    if (from != 0 && info.id.inode == from) info.id.inode = to;
  }
  uint64_t from = 0;
  uint64_t to = 0;

 private:
  class File : public ReadableFile {
   public:
    File(InodeAliasEnv* env, std::unique_ptr<ReadableFile> t) : env_(env), t_(std::move(t)) {}
    StatusOr<size_t> ReadAt(uint64_t offset, char* buf, size_t n) override {
      return t_->ReadAt(offset, buf, n);
    }
    StatusOr<FileInfo> Stat() override {
      auto info = t_->Stat();
      if (info.ok()) env_->Fix(*info);
      return info;
    }

   private:
    InodeAliasEnv* env_;
    std::unique_ptr<ReadableFile> t_;
  };
};

// a.log read, delivered, deleted, forgotten; then b.log (and later a.log
// again) created with the deleted file's inode and new content: read fully.
TEST_F(RestartTest, AForgottenFilesInodeReusedByANewFileIsReadWhole) {
  config_.files[0].file_path = "/var/log/*.log";
  options_.rescan_interval_ms = 2000;
  InodeAliasEnv env(env_);
  http_.set_responder([&](const SeenRequest& r) -> std::optional<HttpResponse> {
    if (r.target == "PutLogEvents") Store(r);
    return FakeHttp::Ok();
  });
  const std::string a = "/var/log/a.log";
  const std::string b = "/var/log/b.log";
  Write(0, 5, a);
  uint64_t old_inode = env_.Stat(a)->id.inode;
  int64_t start = clock_.MonotonicMillis();
  int step = 0;
  int rc = Run(env, [&](int) {
    int64_t t = clock_.MonotonicMillis() - start;
    if (step == 0 && t > 10000) { EXPECT_TRUE(env_.Remove(a).ok()); ++step; }
    if (step == 1 && t > 120000) {
      Write(5, 20, b);
      env.from = env_.Stat(b)->id.inode; env.to = old_inode; ++step;
    }
    if (step == 2 && t > 150000) {
      EXPECT_TRUE(env_.Remove(b).ok());
      ++step;
    }
    if (step == 3 && t > 300000) {
      Write(20, 25, a);  // same name, same (aliased) inode, new content
      env.from = env_.Stat(a)->id.inode; env.to = old_inode; ++step;
    }
  }, [&] { return clock_.MonotonicMillis() - start > 360000; });
  EXPECT_EQ(kExitOk, rc);
  ExpectEachOnce(25);
}

}  // namespace
}  // namespace edgelog::restart_test
