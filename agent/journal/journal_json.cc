#include "agent/journal/journal_json.h"

#include <cjson/cJSON.h>

#include <memory>

namespace edgelog {
namespace {

struct JsonDeleter {
  void operator()(cJSON* j) const { cJSON_Delete(j); }
};

// A field's value as bytes: a string, or an array of byte values.
bool FieldBytes(const cJSON* value, std::string* out) {
  if (cJSON_IsString(value)) {
    *out = value->valuestring;
    return true;
  }
  if (!cJSON_IsArray(value)) return false;
  out->clear();
  for (const cJSON* b = value->child; b != nullptr; b = b->next) {
    if (!cJSON_IsNumber(b) || b->valuedouble < 0 || b->valuedouble > 255 ||
        b->valuedouble != static_cast<double>(b->valueint)) {
      return false;
    }
    out->push_back(static_cast<char>(b->valueint));
  }
  return true;
}

// An array whose elements are values (strings or byte arrays): a field the
// entry has more than once.
bool IsMultiValue(const cJSON* value) {
  return cJSON_IsArray(value) && value->child != nullptr &&
         (cJSON_IsString(value->child) || cJSON_IsArray(value->child));
}

}  // namespace

StatusOr<JournalLine> ParseJournalLine(std::string_view line) {
  std::unique_ptr<cJSON, JsonDeleter> root(cJSON_ParseWithLength(line.data(), line.size()));
  if (!root) return Status::Corruption("not JSON");
  if (!cJSON_IsObject(root.get())) return Status::Corruption("not a JSON object");
  JournalLine out;

  const cJSON* cursor = cJSON_GetObjectItemCaseSensitive(root.get(), "__CURSOR");
  if (cursor == nullptr) return Status::Corruption("no __CURSOR field");
  if (!cJSON_IsString(cursor) || cursor->valuestring[0] == '\0') {
    return Status::Corruption("__CURSOR is not a non-empty string");
  }
  out.cursor = cursor->valuestring;

  const cJSON* time = cJSON_GetObjectItemCaseSensitive(root.get(), "__REALTIME_TIMESTAMP");
  if (time == nullptr) return Status::Corruption("no __REALTIME_TIMESTAMP field");
  // A decimal string: as a JSON number it would lose digits in a double.
  bool digits = cJSON_IsString(time) && time->valuestring[0] != '\0';
  int64_t us = 0;
  for (const char* p = digits ? time->valuestring : ""; *p != '\0' && digits; ++p) {
    if (*p < '0' || *p > '9' || us > (INT64_MAX - 9) / 10) {
      digits = false;
      break;
    }
    us = us * 10 + (*p - '0');
  }
  if (!digits) return Status::Corruption("__REALTIME_TIMESTAMP is not a decimal string");
  out.realtime_us = us;

  const cJSON* message = cJSON_GetObjectItemCaseSensitive(root.get(), "MESSAGE");
  if (message == nullptr || cJSON_IsNull(message)) return out;
  if (IsMultiValue(message)) {
    // Every value, in the entry's order, one per line: journalctl shows
    // one of them (-o cat the first, -o short the last), the CloudWatch
    // agent's receiver keeps the whole array; none is dropped here either.
    std::string value;
    for (const cJSON* v = message->child; v != nullptr; v = v->next) {
      if (cJSON_IsNull(v)) continue;  // too long to show: nothing to add
      if (!FieldBytes(v, &value)) {
        return Status::Corruption("a value of MESSAGE is neither a string nor an array of bytes");
      }
      if (out.has_message) out.message += '\n';
      out.message += value;
      out.has_message = true;
    }
    return out;
  }
  if (!FieldBytes(message, &out.message)) {
    return Status::Corruption("MESSAGE is neither a string nor an array of bytes");
  }
  out.has_message = true;
  return out;
}

}  // namespace edgelog
