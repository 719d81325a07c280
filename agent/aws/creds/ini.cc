#include "agent/aws/creds/ini.h"

#include <cctype>
#include <string_view>

namespace edgelog {
namespace {

// The INI dialect of Python's configparser.RawConfigParser, which botocore
// uses: full-line comments only (an inline " # x" stays part of the value),
// "=" or ":" between key and value, lines indented deeper than the key line
// continue its value, and a key with an empty value followed by such lines
// holds nested "sub = value" settings.

bool IsBlank(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

std::string Trim(std::string_view s) {
  size_t b = 0;
  size_t e = s.size();
  while (b < e && IsBlank(s[b])) ++b;
  while (e > b && IsBlank(s[e - 1])) --e;
  return std::string(s.substr(b, e - b));
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool IsComment(std::string_view trimmed) {
  return !trimmed.empty() && (trimmed[0] == '#' || trimmed[0] == ';');
}

// The error for line `line_number`; never quotes the line, which may hold a
// secret.
Status LineError(const std::string& path, int line_number, const std::string& what) {
  return Status::InvalidArgument(path + ":" + std::to_string(line_number) + ": " + what);
}

}  // namespace

StatusOr<IniFile> ParseIni(const std::string& text, const std::string& path) {
  IniFile ini;
  std::map<std::string, std::string>* section = nullptr;
  std::string key;        // the key whose value later lines may continue
  bool nested = false;    // `key` had an empty value: continuations are sub-keys
  size_t key_indent = 0;  // indentation of the last section or key line
  std::string_view rest(text);
  if (rest.compare(0, 3, "\xEF\xBB\xBF") == 0) rest.remove_prefix(3);  // a UTF-8 BOM
  for (int line_number = 1; !rest.empty(); ++line_number) {
    const size_t end = rest.find('\n');
    std::string_view line = rest.substr(0, end);
    rest.remove_prefix(end == std::string_view::npos ? rest.size() : end + 1);
    const std::string trimmed = Trim(line);
    // Blank lines and comments neither end nor add to a value.
    if (trimmed.empty() || IsComment(trimmed)) continue;
    size_t indent = 0;
    while (indent < line.size() && IsBlank(line[indent])) ++indent;

    if (section != nullptr && !key.empty() && indent > key_indent) {
      if (!nested) {
        (*section)[key] += "\n" + trimmed;
        continue;
      }
      const size_t eq = trimmed.find('=');
      const std::string sub = eq == std::string::npos ? "" : Lower(Trim(trimmed.substr(0, eq)));
      if (sub.empty()) {
        return LineError(path, line_number,
                         "expected \"name = value\" under the nested key " + key);
      }
      (*section)[key + "." + sub] = Trim(std::string_view(trimmed).substr(eq + 1));
      continue;
    }

    key_indent = indent;
    key.clear();
    if (trimmed[0] == '[') {
      const size_t close = trimmed.rfind(']');
      if (close == std::string::npos) {
        return LineError(path, line_number, "a section header without its closing ]");
      }
      const std::string after = Trim(std::string_view(trimmed).substr(close + 1));
      if (!after.empty() && !IsComment(after)) {
        return LineError(path, line_number, "text after the section header's ]");
      }
      const std::string name = Trim(std::string_view(trimmed).substr(1, close - 1));
      if (name.empty()) return LineError(path, line_number, "a section header with no name");
      section = &ini[name];
      continue;
    }
    const size_t delimiter = trimmed.find_first_of("=:");
    if (delimiter == std::string::npos) {
      return LineError(path, line_number,
                       "not a [section], a comment or a \"key = value\" line");
    }
    if (section == nullptr) {
      return LineError(path, line_number,
                       "a key before any [section]; put [default] or [profile NAME] above it");
    }
    key = Lower(Trim(std::string_view(trimmed).substr(0, delimiter)));
    if (key.empty()) return LineError(path, line_number, "a value with no key before it");
    std::string value = Trim(std::string_view(trimmed).substr(delimiter + 1));
    nested = value.empty();
    (*section)[key] = std::move(value);
  }
  return ini;
}

}  // namespace edgelog
