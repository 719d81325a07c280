#include "agent/config/names.h"

#include "agent/base/cloudwatch_limits.h"
#include "agent/text/utf8.h"

namespace edgelog {
namespace {

std::string TooLong(std::string_view name, size_t limit, const char* what) {
  return "is " + std::to_string(name.size()) + " characters, more than the " +
         std::to_string(limit) + " a " + what + " may have";
}

}  // namespace

bool AllowedInGroupName(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         c == '.' || c == '-' || c == '_' || c == '/' || c == '#';
}

std::string WhyNotLogGroupName(std::string_view name) {
  if (name.empty()) return "is empty: a log group name has 1 to 512 characters";
  if (name.size() > kMaxLogGroupNameLength) {
    return TooLong(name, kMaxLogGroupNameLength, "log group name");
  }
  for (char c : name) {
    if (!AllowedInGroupName(static_cast<unsigned char>(c))) {
      return "holds a character other than A-Z a-z 0-9 . - _ / #, which a log group name "
             "may not";
    }
  }
  return "";
}

std::string WhyNotLogStreamName(std::string_view name) {
  if (name.empty()) return "is empty: a log stream name has 1 to 512 characters";
  if (name.size() > kMaxLogStreamNameLength) {
    return TooLong(name, kMaxLogStreamNameLength, "log stream name");
  }
  if (name.find_first_of(":*") != std::string_view::npos) {
    return "holds ':' or '*', which a log stream name may not";
  }
  if (ValidUtf8PrefixLength(name) != name.size()) return "is not valid UTF-8";
  return "";
}

std::string DefaultGroupName(const std::string& file_path) {
  size_t slash = file_path.rfind('/');
  size_t dot = file_path.rfind('.');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) {
    return file_path;
  }
  return file_path.substr(0, dot);
}

}  // namespace edgelog
