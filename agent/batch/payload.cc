#include "agent/batch/payload.h"

#include <string>

#include "agent/text/json_escape.h"

namespace edgelog {

void AppendEventJson(int64_t timestamp_ms, std::string_view message,
                     std::string* out) {
  out->append("{\"timestamp\":");
  out->append(std::to_string(timestamp_ms));
  out->append(",\"message\":");
  AppendJsonString(message, out);
  out->push_back('}');
}

std::string BodyPrefix(const LogStreamTarget& target) {
  std::string out = "{\"logGroupName\":";
  AppendJsonString(target.group, &out);
  out.append(",\"logStreamName\":");
  AppendJsonString(target.stream, &out);
  out.append(",\"logEvents\":[");
  return out;
}

namespace {

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Reads the bodies this file writes; strict, since nothing else makes them.
class BodyReader {
 public:
  explicit BodyReader(std::string_view s) : s_(s) {}

  bool Skip(std::string_view literal) {
    if (s_.substr(pos_, literal.size()) != literal) return false;
    pos_ += literal.size();
    return true;
  }
  bool SkipPast(std::string_view literal) {
    size_t at = s_.find(literal, pos_);
    if (at == std::string_view::npos) return false;
    pos_ = at + literal.size();
    return true;
  }
  bool Integer(int64_t* value) {
    size_t start = pos_;
    bool negative = pos_ < s_.size() && s_[pos_] == '-';
    if (negative) ++pos_;
    int64_t v = 0;
    while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') {
      v = v * 10 + (s_[pos_++] - '0');
    }
    *value = negative ? -v : v;
    return pos_ > start + (negative ? 1 : 0);
  }
  bool String(std::string* out) {
    if (!Skip("\"")) return false;
    while (pos_ < s_.size()) {
      char c = s_[pos_++];
      if (c == '"') return true;
      if (c != '\\') {
        out->push_back(c);
        continue;
      }
      if (pos_ >= s_.size()) return false;
      char e = s_[pos_++];
      switch (e) {
        case 'n': out->push_back('\n'); break;
        case 't': out->push_back('\t'); break;
        case 'r': out->push_back('\r'); break;
        case 'b': out->push_back('\b'); break;
        case 'f': out->push_back('\f'); break;
        case 'u': {
          // This writer escapes only control characters: \u00XX.
          unsigned value = 0;
          for (int i = 0; i < 4; ++i, ++pos_) {
            int digit = pos_ < s_.size() ? HexDigit(s_[pos_]) : -1;
            if (digit < 0) return false;
            value = value * 16 + static_cast<unsigned>(digit);
          }
          if (value >= 0x80) return false;
          out->push_back(static_cast<char>(value));
          break;
        }
        default: out->push_back(e); break;  // '"', '\\', '/'
      }
    }
    return false;
  }

 private:
  std::string_view s_;
  size_t pos_ = 0;
};

}  // namespace

StatusOr<std::vector<ParsedEvent>> ParseEvents(std::string_view json_body) {
  BodyReader r(json_body);
  if (!r.SkipPast("\"logEvents\":[")) {
    return Status::Corruption("request body has no logEvents");
  }
  std::vector<ParsedEvent> out;
  if (r.Skip("]")) return out;
  do {
    ParsedEvent event;
    if (!r.Skip("{\"timestamp\":") || !r.Integer(&event.timestamp_ms) ||
        !r.Skip(",\"message\":") || !r.String(&event.message) || !r.Skip("}")) {
      return Status::Corruption("malformed event in request body");
    }
    out.push_back(std::move(event));
  } while (r.Skip(","));
  if (!r.Skip("]")) return Status::Corruption("unterminated logEvents");
  return out;
}

std::string BuildBody(const LogStreamTarget& target,
                      const std::vector<ParsedEvent>& events) {
  std::string out = BodyPrefix(target);
  for (size_t i = 0; i < events.size(); ++i) {
    if (i > 0) out.push_back(',');
    AppendEventJson(events[i].timestamp_ms, events[i].message, &out);
  }
  out.append(kBodySuffix);
  return out;
}

}  // namespace edgelog
