#include "agent/tail/checkpoint_store.h"

#include <cjson/cJSON.h>

#include <memory>

#include "agent/io/file_util.h"
#include "agent/text/json_escape.h"

namespace edgelog {
namespace {

constexpr int kFormatVersion = 1;
constexpr size_t kMaxCheckpointBytes = 64 << 20;

// Numbers are written as decimal strings: JSON parsers read numbers as
// doubles, which cannot hold every 64-bit inode.
bool ReadUint(const cJSON* object, const char* key, uint64_t* out) {
  const cJSON* item = cJSON_GetObjectItemCaseSensitive(object, key);
  if (!cJSON_IsString(item) || item->valuestring[0] == '\0') return false;
  uint64_t v = 0;
  for (const char* p = item->valuestring; *p != '\0'; ++p) {
    if (*p < '0' || *p > '9') return false;
    uint64_t digit = static_cast<uint64_t>(*p - '0');
    if (v > (UINT64_MAX - digit) / 10) return false;  // would not fit
    v = v * 10 + digit;
  }
  *out = v;
  return true;
}

std::string Quoted(uint64_t v) { return "\"" + std::to_string(v) + "\""; }

}  // namespace

std::string CheckpointsToJson(const std::vector<Checkpoint>& checkpoints,
                              const std::vector<CheckpointedEntry>& entries) {
  std::string out = "{\"version\":" + std::to_string(kFormatVersion);
  if (!entries.empty()) {
    out += ",\"entries\":[";
    for (size_t i = 0; i < entries.size(); ++i) {
      out += i == 0 ? "\n{\"file_path\":" : ",\n{\"file_path\":";
      AppendJsonString(entries[i].pattern, &out);
      out += ",\"entry\":";
      AppendJsonString(entries[i].key, &out);
      out += "}";
    }
    out += "\n]";
  }
  out += ",\"files\":[";
  for (size_t i = 0; i < checkpoints.size(); ++i) {
    const Checkpoint& c = checkpoints[i];
    out += i == 0 ? "\n" : ",\n";
    out += "{\"path\":";
    AppendJsonString(c.path, &out);
    if (!c.entry.empty()) {
      out += ",\"entry\":";
      AppendJsonString(c.entry, &out);
    }
    out += ",\"device\":" + Quoted(c.id.device) + ",\"inode\":" + Quoted(c.id.inode) +
           ",\"offset\":" + Quoted(c.offset) + ",\"head_bytes\":" + Quoted(c.head.length) +
           ",\"head_hash\":" + Quoted(c.head.hash) +
           ",\"before_bytes\":" + Quoted(c.before.length) +
           ",\"before_hash\":" + Quoted(c.before.hash) + "}";
  }
  out += "\n]}\n";
  return out;
}

StatusOr<std::vector<Checkpoint>> LoadCheckpoints(Env& env, const std::string& path,
                                                  std::optional<std::vector<CheckpointedEntry>>* entries) {
  if (entries != nullptr) entries->reset();
  auto text = ReadWholeFile(env, path, kMaxCheckpointBytes);
  if (!text.ok()) {
    if (text.status().code() == Code::kNotFound) return std::vector<Checkpoint>{};
    return text.status();
  }
  std::unique_ptr<cJSON, void (*)(cJSON*)> root(
      cJSON_ParseWithLength(text->data(), text->size()), cJSON_Delete);
  const cJSON* files = root ? cJSON_GetObjectItemCaseSensitive(root.get(), "files") : nullptr;
  if (!cJSON_IsArray(files)) return Status::Corruption(path + ": not a checkpoint file");
  const cJSON* names = cJSON_GetObjectItemCaseSensitive(root.get(), "entries");
  if (entries != nullptr && cJSON_IsArray(names)) {
    std::vector<CheckpointedEntry> read;
    const cJSON* name = nullptr;
    cJSON_ArrayForEach(name, names) {
      const cJSON* p = cJSON_GetObjectItemCaseSensitive(name, "file_path");
      const cJSON* k = cJSON_GetObjectItemCaseSensitive(name, "entry");
      if (!cJSON_IsString(p) || !cJSON_IsString(k)) {
        return Status::Corruption(path + ": malformed entry name");
      }
      read.push_back({p->valuestring, k->valuestring});
    }
    *entries = std::move(read);
  }
  std::vector<Checkpoint> out;
  const cJSON* file = nullptr;
  cJSON_ArrayForEach(file, files) {
    Checkpoint c;
    const cJSON* p = cJSON_GetObjectItemCaseSensitive(file, "path");
    if (!cJSON_IsString(p) || !ReadUint(file, "device", &c.id.device) ||
        !ReadUint(file, "inode", &c.id.inode) || !ReadUint(file, "offset", &c.offset)) {
      return Status::Corruption(path + ": malformed checkpoint entry");
    }
    c.path = p->valuestring;
    const cJSON* entry = cJSON_GetObjectItemCaseSensitive(file, "entry");
    if (entry != nullptr) {
      if (!cJSON_IsString(entry)) return Status::Corruption(path + ": malformed checkpoint entry");
      c.entry = entry->valuestring;
    }
    uint64_t head_bytes = 0;  // absent in older files: no fingerprint known
    if (ReadUint(file, "head_bytes", &head_bytes) && head_bytes <= kFingerprintBytes &&
        ReadUint(file, "head_hash", &c.head.hash)) {
      c.head.length = static_cast<uint32_t>(head_bytes);
    }
    uint64_t before_bytes = 0;
    if (ReadUint(file, "before_bytes", &before_bytes) && before_bytes <= kFingerprintBytes &&
        before_bytes <= c.offset && ReadUint(file, "before_hash", &c.before.hash)) {
      c.before.length = static_cast<uint32_t>(before_bytes);
    }
    out.push_back(std::move(c));
  }
  return out;
}

Status SaveCheckpoints(Env& env, const std::string& path,
                       const std::vector<Checkpoint>& checkpoints,
                       const std::vector<CheckpointedEntry>& entries) {
  return WriteFileAtomically(env, path, CheckpointsToJson(checkpoints, entries));
}

}  // namespace edgelog
