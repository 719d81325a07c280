#include "agent/run/last_error.h"

#include <cjson/cJSON.h>

#include <memory>

#include "agent/io/file_util.h"
#include "agent/text/json_escape.h"
#include "agent/text/utf8.h"

namespace edgelog {
namespace {

constexpr int kFormatVersion = 1;
// Far more than one log line; a larger file is not one of ours.
constexpr size_t kMaxLastErrorBytes = 1 << 20;

bool ParseInt64(const char* s, int64_t* out) {
  if (*s == '\0') return false;
  int64_t v = 0;
  for (const char* p = s; *p != '\0'; ++p) {
    if (*p < '0' || *p > '9') return false;
    int digit = *p - '0';
    if (v > (INT64_MAX - digit) / 10) return false;
    v = v * 10 + digit;
  }
  *out = v;
  return true;
}

}  // namespace

void ErrorRecordingLogger::Write(LogLevel level, std::string_view message) {
  inner_.Write(level, message);
  if (level != LogLevel::kError) return;
  LastError error{clock_.NowUnixMillis(), std::string(message)};
  std::lock_guard<std::mutex> lock(mu_);
  last_ = std::move(error);
}

std::optional<LastError> ErrorRecordingLogger::last() const {
  std::lock_guard<std::mutex> lock(mu_);
  return last_;
}

LastErrorFile::LastErrorFile(Env& env, Clock& clock, const std::string& state_dir,
                             const ErrorRecordingLogger& errors)
    : env_(env), clock_(clock), path_(JoinPath(state_dir, kLastErrorFile)), errors_(errors) {}

void LastErrorFile::SaveIfDue() {
  int64_t now = clock_.MonotonicMillis();
  if (now < next_save_ms_) return;
  std::optional<LastError> last = errors_.last();
  if (!last || last == saved_) return;
  next_save_ms_ = now + kSaveIntervalMs;
  SaveNow();
}

void LastErrorFile::SaveNow() {
  std::optional<LastError> last = errors_.last();
  if (!last || last == saved_) return;
  // Replaced by rename so that a reader sees the old or the new file whole;
  // not synced (see the header).
  std::string tmp = path_ + ".tmp";
  Status s = [&]() -> Status {
    auto file = env_.OpenWritable(tmp, WriteMode::kTruncate);
    if (!file.ok()) return file.status();
    EDGELOG_RETURN_IF_ERROR((*file)->Append(LastErrorToJson(*last)));
    EDGELOG_RETURN_IF_ERROR((*file)->Close());
    return env_.Rename(tmp, path_);
  }();
  if (s.ok()) {
    saved_ = std::move(last);
  } else {
    env_.Remove(tmp).IgnoreError();  // best effort: the old file is still whole
  }
}

std::string LastErrorToJson(const LastError& error) {
  std::string message;
  AppendSanitizedUtf8(error.message, &message);  // a file name may hold any bytes
  std::string out = "{\"version\":" + std::to_string(kFormatVersion) + ",\"time\":\"" +
                    std::to_string(error.unix_ms) + "\",\"message\":";
  AppendJsonString(message, &out);
  return out + "}\n";
}

StatusOr<std::optional<LastError>> LoadLastError(Env& env, const std::string& path) {
  auto text = ReadWholeFile(env, path, kMaxLastErrorBytes);
  if (!text.ok()) {
    if (text.status().code() == Code::kNotFound) return std::optional<LastError>();
    return text.status();
  }
  std::unique_ptr<cJSON, void (*)(cJSON*)> root(
      cJSON_ParseWithLength(text->data(), text->size()), cJSON_Delete);
  const cJSON* time = root ? cJSON_GetObjectItemCaseSensitive(root.get(), "time") : nullptr;
  const cJSON* message =
      root ? cJSON_GetObjectItemCaseSensitive(root.get(), "message") : nullptr;
  LastError error;
  if (!cJSON_IsString(time) || !ParseInt64(time->valuestring, &error.unix_ms) ||
      !cJSON_IsString(message)) {
    return Status::Corruption(path + ": not a last error file");
  }
  error.message = message->valuestring;
  return std::optional<LastError>(std::move(error));
}

}  // namespace edgelog
