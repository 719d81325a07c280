#include "agent/io/file_util.h"

namespace edgelog {

StatusOr<std::string> ReadWholeFile(Env& env, const std::string& path,
                                    size_t max_bytes) {
  auto file = env.OpenReadable(path);
  if (!file.ok()) return file.status();
  std::string data;
  constexpr size_t kChunk = 65536;
  while (true) {
    size_t old_size = data.size();
    data.resize(old_size + kChunk);
    auto n = (*file)->ReadAt(old_size, data.data() + old_size, kChunk);
    if (!n.ok()) return n.status();
    data.resize(old_size + *n);
    if (data.size() > max_bytes) {
      return Status::InvalidArgument(path + " is larger than " +
                                     std::to_string(max_bytes) + " bytes");
    }
    if (*n < kChunk) return data;
  }
}

Status WriteFileAtomically(Env& env, const std::string& path,
                           std::string_view data) {
  std::string tmp = path + ".tmp";
  Status s = [&]() -> Status {
    auto file = env.OpenWritable(tmp, WriteMode::kTruncate);
    if (!file.ok()) return file.status();
    EDGELOG_RETURN_IF_ERROR((*file)->Append(data));
    EDGELOG_RETURN_IF_ERROR((*file)->Sync());
    EDGELOG_RETURN_IF_ERROR((*file)->Close());
    return env.Rename(tmp, path);
  }();
  if (!s.ok()) {
    env.Remove(tmp).IgnoreError();  // best effort; the old file is still in place
    return s;
  }
  return env.SyncDir(DirName(path));
}

std::string DirName(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

std::string JoinPath(const std::string& dir, const std::string& name) {
  if (dir.empty()) return name;
  if (dir.back() == '/') return dir + name;
  return dir + "/" + name;
}

}  // namespace edgelog
