// DescriptorLimitEnv: an EnvWrapper with a descriptor table of its own.
// Opening a readable file beyond `limit` open at once fails as EMFILE does
// (kUnavailable) until one of them is closed (destroyed).
#ifndef EDGELOG_TESTS_SUPPORT_DESCRIPTOR_LIMIT_ENV_H_
#define EDGELOG_TESTS_SUPPORT_DESCRIPTOR_LIMIT_ENV_H_

#include <cstddef>
#include <memory>
#include <string>

#include "platform/env.h"

namespace edgelog::testing {

class DescriptorLimitEnv : public EnvWrapper {
 public:
  DescriptorLimitEnv(Env& target, size_t limit)
      : EnvWrapper(target), limit_(limit), open_(std::make_shared<size_t>(0)) {}

  void set_limit(size_t limit) { limit_ = limit; }
  size_t open_count() const { return *open_; }
  // Opens refused so far.
  size_t refused() const { return refused_; }

  StatusOr<std::unique_ptr<ReadableFile>> OpenReadable(const std::string& path) override {
    if (*open_ >= limit_) {
      ++refused_;
      return Status::Unavailable("open " + path + ": Too many open files (open files)");
    }
    auto file = target().OpenReadable(path);
    if (!file.ok()) return file.status();
    return std::unique_ptr<ReadableFile>(std::make_unique<File>(open_, std::move(*file)));
  }

 private:
  class File : public ReadableFile {
   public:
    File(std::shared_ptr<size_t> open, std::unique_ptr<ReadableFile> file)
        : open_(std::move(open)), file_(std::move(file)) {
      ++*open_;
    }
    ~File() override { --*open_; }
    StatusOr<size_t> ReadAt(uint64_t offset, char* buf, size_t n) override {
      return file_->ReadAt(offset, buf, n);
    }
    StatusOr<FileInfo> Stat() override { return file_->Stat(); }

   private:
    std::shared_ptr<size_t> open_;
    std::unique_ptr<ReadableFile> file_;
  };

  size_t limit_;
  std::shared_ptr<size_t> open_;
  size_t refused_ = 0;
};

}  // namespace edgelog::testing

#endif  // EDGELOG_TESTS_SUPPORT_DESCRIPTOR_LIMIT_ENV_H_
