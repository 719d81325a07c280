#include "tests/support/fault_env.h"

namespace edgelog::testing {
namespace {

class FaultWritableFile : public WritableFile {
 public:
  FaultWritableFile(FaultEnv* env, std::unique_ptr<WritableFile> target)
      : env_(env), target_(std::move(target)) {}

  Status Append(std::string_view data) override {
    Status s = env_->Count("append");
    if (s.ok()) return target_->Append(data);
    if (env_->kind() == FaultKind::kShortWrite) {
      // Half goes out whatever becomes of it: the fault is the point.
      target_->Append(data.substr(0, data.size() / 2)).IgnoreError();
    }
    return s;
  }
  Status Sync() override {
    Status s = env_->Count("sync");
    return s.ok() ? target_->Sync() : s;
  }
  Status Close() override {
    Status s = env_->Count("close");
    Status closed = target_->Close();  // the descriptor goes away regardless
    return s.ok() ? closed : s;
  }

 private:
  FaultEnv* env_;
  std::unique_ptr<WritableFile> target_;
};

}  // namespace

Status FaultEnv::Count(const std::string& what) {
  ++calls_;
  bool fail = fail_at_ > 0 &&
              (calls_ == fail_at_ ||
               (persistence_ == FaultPersistence::kFromThenOn && calls_ > fail_at_));
  if (!fail) return Status::Ok();
  fired_ = true;
  std::string message = "injected fault in " + what + " (call " + std::to_string(calls_) + ")";
  return kind_ == FaultKind::kIoError ? Status::IoError(message) : Status::NoSpace(message);
}

StatusOr<std::unique_ptr<WritableFile>> FaultEnv::OpenWritable(const std::string& path,
                                                               WriteMode mode) {
  Status s = Count("open " + path);
  if (!s.ok()) return s;
  auto file = target().OpenWritable(path, mode);
  if (!file.ok()) return file.status();
  return std::unique_ptr<WritableFile>(
      std::make_unique<FaultWritableFile>(this, std::move(*file)));
}

Status FaultEnv::Rename(const std::string& from, const std::string& to) {
  Status s = Count("rename " + from);
  return s.ok() ? target().Rename(from, to) : s;
}

Status FaultEnv::Remove(const std::string& path) {
  Status s = Count("remove " + path);
  return s.ok() ? target().Remove(path) : s;
}

Status FaultEnv::RemoveIfSame(const std::string& path, const FileId& expected) {
  Status s = Count("remove " + path);
  return s.ok() ? target().RemoveIfSame(path, expected) : s;
}

Status FaultEnv::Truncate(const std::string& path, uint64_t size) {
  Status s = Count("truncate " + path);
  return s.ok() ? target().Truncate(path, size) : s;
}

Status FaultEnv::CreateDirs(const std::string& dir) {
  Status s = Count("mkdir " + dir);
  return s.ok() ? target().CreateDirs(dir) : s;
}

Status FaultEnv::SyncDir(const std::string& dir) {
  Status s = Count("syncdir " + dir);
  return s.ok() ? target().SyncDir(dir) : s;
}

}  // namespace edgelog::testing
