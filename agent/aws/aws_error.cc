#include "agent/aws/aws_error.h"

#include <cjson/cJSON.h>

#include <memory>

#include "agent/base/redact.h"

namespace edgelog {
namespace {

std::string CleanCode(std::string_view code) {
  size_t hash = code.rfind('#');
  if (hash != std::string_view::npos) code.remove_prefix(hash + 1);
  size_t colon = code.find(':');
  if (colon != std::string_view::npos) code = code.substr(0, colon);
  while (!code.empty() && code.back() == ' ') code.remove_suffix(1);
  return std::string(code);
}

// The text of the first <tag>...</tag> in `xml`, "" if absent.
std::string XmlElement(std::string_view xml, std::string_view tag) {
  std::string open = "<" + std::string(tag) + ">";
  std::string close = "</" + std::string(tag) + ">";
  size_t start = xml.find(open);
  if (start == std::string_view::npos) return "";
  start += open.size();
  size_t end = xml.find(close, start);
  if (end == std::string_view::npos) return "";
  return std::string(xml.substr(start, end - start));
}

const char* JsonString(const cJSON* object, const char* key) {
  const cJSON* item = cJSON_GetObjectItemCaseSensitive(object, key);
  return cJSON_IsString(item) ? item->valuestring : nullptr;
}

}  // namespace

AwsError ParseAwsError(std::string_view body, std::string_view error_type_header) {
  AwsError error;
  size_t first = body.find_first_not_of(" \t\r\n");
  if (first != std::string_view::npos && body[first] == '{') {
    std::unique_ptr<cJSON, void (*)(cJSON*)> root(
        cJSON_ParseWithLength(body.data(), body.size()), cJSON_Delete);
    if (root) {
      const char* type = JsonString(root.get(), "__type");
      if (type == nullptr) type = JsonString(root.get(), "code");
      if (type != nullptr) error.code = CleanCode(type);
      const char* message = JsonString(root.get(), "message");
      if (message == nullptr) message = JsonString(root.get(), "Message");
      if (message != nullptr) error.message = message;
    }
  } else if (first != std::string_view::npos && body[first] == '<') {
    error.code = CleanCode(XmlElement(body, "Code"));
    error.message = XmlElement(body, "Message");
  }
  if (error.code.empty() && !error_type_header.empty()) {
    error.code = CleanCode(error_type_header);
  }
  // An endpoint may quote the request's token or signature back.
  error.message = RedactSecrets(error.message, {});
  return error;
}

}  // namespace edgelog
