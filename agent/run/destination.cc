#include "agent/run/destination.h"

#include "agent/config/names.h"

namespace edgelog {
namespace {

// Bytes of the UTF-8 character starting at `s[i]`; 1 for a byte that does
// not start a well-formed one (it is replaced on its own).
size_t CharacterLength(const std::string& s, size_t i) {
  unsigned char lead = static_cast<unsigned char>(s[i]);
  size_t n = lead >= 0xF0 && lead <= 0xF4 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC2 ? 2 : 1;
  if (lead >= 0xF5 || n > s.size() - i) return 1;
  for (size_t k = 1; k < n; ++k) {
    if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 1;
  }
  return n;
}

}  // namespace

std::string PathName(const std::string& path) {
  std::string out;
  out.reserve(path.size());
  for (size_t i = 0; i < path.size();) {
    unsigned char c = static_cast<unsigned char>(path[i]);
    if (c == '\\') {
      out += '/';
      ++i;
    } else if (AllowedInGroupName(c)) {
      out += static_cast<char>(c);
      ++i;
    } else {
      out += '_';
      i += c < 0x80 ? 1 : CharacterLength(path, i);
    }
  }
  return out;
}

LogStreamTarget DestinationOf(const FileEntry& entry, const std::string& path) {
  LogStreamTarget t{entry.log_group_name, entry.log_stream_name,
                    static_cast<int>(entry.retention_in_days), entry.log_group_class};
  if (!entry.publish_multi_logs) return t;
  if (entry.log_group_name.empty()) {
    t.group = PathName(path);
    return t;
  }
  std::string name = PathName(path);
  for (char& c : name) {
    if (c == '/') c = '_';
  }
  t.stream = entry.log_stream_name + "_" + name;
  return t;
}

std::string RefusedDestination(const LogStreamTarget& t, const std::string& path) {
  std::string why = WhyNotLogGroupName(t.group);
  const char* which = "log group";
  const std::string* name = &t.group;
  if (why.empty()) {
    why = WhyNotLogStreamName(t.stream);
    which = "log stream";
    name = &t.stream;
  }
  if (why.empty()) return "";
  return path + ": its " + which + " name \"" + *name + "\" (made from its path, " +
         "publish_multi_logs) " + why + "; CloudWatch Logs would refuse it, so the file is " +
         "not read (its lines wait in it): send it from an entry of its own without "
         "publish_multi_logs, or leave it out with blacklist";
}

}  // namespace edgelog
