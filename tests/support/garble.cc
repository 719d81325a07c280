#include "tests/support/garble.h"

#include <map>
#include <random>
#include <string>
#include <vector>

#include "agent/io/file_util.h"

namespace edgelog::testing {
namespace {

// Every regular file under `dir`, recursively, with its current contents.
void Snapshot(MemEnv& env, const std::string& dir, std::map<std::string, std::string>* out) {
  auto names = env.ListDir(dir);
  if (!names.ok()) return;
  for (const std::string& name : *names) {
    std::string path = dir == "/" ? "/" + name : JoinPath(dir, name);
    auto info = env.Stat(path);
    if (!info.ok()) continue;
    if (info->kind == FileKind::kDirectory) {
      Snapshot(env, path, out);
    } else {
      (*out)[path] = env.ReadFile(path);
    }
  }
}

}  // namespace

const char* CrashModeName(CrashMode mode) {
  switch (mode) {
    case CrashMode::kDropUnsynced: return "drop-unsynced";
    case CrashMode::kKeepUnsynced: return "keep-unsynced";
    case CrashMode::kGarbleUnsynced: return "garble-unsynced";
  }
  return "?";
}

void CrashWith(MemEnv& env, CrashMode mode, uint64_t seed) {
  if (mode != CrashMode::kGarbleUnsynced) {
    env.SimulateCrash(mode == CrashMode::kKeepUnsynced);
    return;
  }
  // MemEnv does not tell how much of a file is synced, but a crash that
  // drops unsynced bytes leaves exactly the synced prefix: compare.
  std::map<std::string, std::string> before;
  Snapshot(env, "/", &before);
  env.SimulateCrash(/*keep_unsynced_bytes=*/false);
  std::map<std::string, std::string> after;
  Snapshot(env, "/", &after);
  std::mt19937_64 rng(seed);
  for (const auto& [path, synced] : after) {
    auto it = before.find(path);
    if (it == before.end()) continue;
    const std::string& full = it->second;
    if (full.size() <= synced.size() || full.compare(0, synced.size(), synced) != 0) continue;
    std::string garbled = synced;
    for (size_t i = synced.size(); i < full.size(); ++i) {
      garbled.push_back(static_cast<char>(rng() & 0xff));
    }
    env.WriteFile(path, garbled);  // durable: as if the junk reached the disk
  }
}

}  // namespace edgelog::testing
