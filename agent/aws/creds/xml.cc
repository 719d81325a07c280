#include "agent/aws/creds/xml.h"

#include <cstdint>

namespace edgelog {
namespace {

constexpr std::string_view kCommentOpen = "<!--";
constexpr std::string_view kCdataOpen = "<![CDATA[";

bool StartsWith(std::string_view s, size_t pos, std::string_view prefix) {
  return s.compare(pos, prefix.size(), prefix) == 0;
}

bool EndsName(char c) {
  return c == '>' || c == '/' || c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

std::string_view LocalName(std::string_view qualified) {
  size_t colon = qualified.find(':');
  return colon == std::string_view::npos ? qualified : qualified.substr(colon + 1);
}

// The position just past the markup that starts at `pos` (xml[pos] is '<')
// when it is not an element tag: a comment, a CDATA section, a processing
// instruction, a declaration. `pos` itself when it is a tag; npos when the
// markup is never closed.
size_t SkipNonElement(std::string_view xml, size_t pos) {
  std::string_view close;
  if (StartsWith(xml, pos, kCommentOpen)) {
    close = "-->";
  } else if (StartsWith(xml, pos, kCdataOpen)) {
    close = "]]>";
  } else if (StartsWith(xml, pos, "<?")) {
    close = "?>";
  } else if (StartsWith(xml, pos, "<!")) {
    close = ">";
  } else {
    return pos;
  }
  size_t end = xml.find(close, pos + 2);
  return end == std::string_view::npos ? end : end + close.size();
}

// The position of the '>' ending the tag whose name ends at `pos`, skipping
// quoted attribute values; npos when there is none.
size_t TagEnd(std::string_view xml, size_t pos) {
  char quote = 0;
  for (; pos < xml.size(); ++pos) {
    char c = xml[pos];
    if (quote != 0) {
      if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '>') {
      return pos;
    }
  }
  return std::string_view::npos;
}

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Decodes the reference `ref` (between '&' and ';') onto `out`; false when
// it is not one this decoder knows.
bool DecodeReference(std::string_view ref, std::string* out) {
  static constexpr struct {
    std::string_view name;
    char value;
  } kEntities[] = {{"lt", '<'}, {"gt", '>'}, {"amp", '&'}, {"quot", '"'}, {"apos", '\''}};
  for (const auto& e : kEntities) {
    if (ref == e.name) {
      out->push_back(e.value);
      return true;
    }
  }
  if (ref.size() < 2 || ref[0] != '#') return false;
  bool hex = ref[1] == 'x' || ref[1] == 'X';
  std::string_view digits = ref.substr(hex ? 2 : 1);
  if (digits.empty() || digits.size() > 8) return false;
  uint32_t cp = 0;
  for (char c : digits) {
    int d;
    if (c >= '0' && c <= '9') {
      d = c - '0';
    } else if (hex && c >= 'a' && c <= 'f') {
      d = c - 'a' + 10;
    } else if (hex && c >= 'A' && c <= 'F') {
      d = c - 'A' + 10;
    } else {
      return false;
    }
    cp = cp * (hex ? 16 : 10) + static_cast<uint32_t>(d);
  }
  if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
  AppendUtf8(cp, out);
  return true;
}

// The text content of the element whose start tag ends just before `pos`:
// everything up to its end tag, without markup. npos-safe: nullopt when the
// element is never closed.
std::optional<std::string> ContentFrom(std::string_view xml, size_t pos) {
  std::string text;
  int depth = 0;  // open child elements
  while (pos < xml.size()) {
    size_t lt = xml.find('<', pos);
    if (lt == std::string_view::npos) return std::nullopt;
    text += XmlDecodeText(xml.substr(pos, lt - pos));
    if (StartsWith(xml, lt, kCdataOpen)) {
      size_t end = xml.find("]]>", lt + kCdataOpen.size());
      if (end == std::string_view::npos) return std::nullopt;
      text.append(xml.substr(lt + kCdataOpen.size(), end - lt - kCdataOpen.size()));
      pos = end + 3;
      continue;
    }
    size_t skipped = SkipNonElement(xml, lt);
    if (skipped == std::string_view::npos) return std::nullopt;
    if (skipped != lt) {
      pos = skipped;
      continue;
    }
    size_t end = TagEnd(xml, lt + 1);
    if (end == std::string_view::npos) return std::nullopt;
    if (xml[lt + 1] == '/') {
      if (depth == 0) return text;
      --depth;
    } else if (xml[end - 1] != '/') {
      ++depth;
    }
    pos = end + 1;
  }
  return std::nullopt;
}

}  // namespace

std::string XmlDecodeText(std::string_view text) {
  // Longest reference worth looking at: "&#x10FFFF;" and the named ones fit.
  constexpr size_t kMaxReference = 12;
  std::string out;
  out.reserve(text.size());
  size_t pos = 0;
  while (pos < text.size()) {
    size_t amp = text.find('&', pos);
    if (amp == std::string_view::npos) break;
    out.append(text.substr(pos, amp - pos));
    size_t semi = text.find(';', amp + 1);
    if (semi != std::string_view::npos && semi - amp <= kMaxReference &&
        DecodeReference(text.substr(amp + 1, semi - amp - 1), &out)) {
      pos = semi + 1;
    } else {
      out.push_back('&');
      pos = amp + 1;
    }
  }
  if (pos < text.size()) out.append(text.substr(pos));
  return out;
}

std::optional<std::string> XmlElementText(std::string_view xml, std::string_view name) {
  size_t pos = 0;
  while ((pos = xml.find('<', pos)) != std::string_view::npos) {
    size_t skipped = SkipNonElement(xml, pos);
    if (skipped == std::string_view::npos) return std::nullopt;
    if (skipped != pos) {
      pos = skipped;
      continue;
    }
    size_t name_end = pos + 1;
    while (name_end < xml.size() && !EndsName(xml[name_end])) ++name_end;
    size_t end = TagEnd(xml, name_end);
    if (end == std::string_view::npos) return std::nullopt;
    bool is_end_tag = xml[pos + 1] == '/';
    std::string_view qualified = xml.substr(pos + 1, name_end - pos - 1);
    if (!is_end_tag && !qualified.empty() && LocalName(qualified) == name) {
      if (xml[end - 1] == '/') return std::string();
      return ContentFrom(xml, end + 1);
    }
    pos = end + 1;
  }
  return std::nullopt;
}

}  // namespace edgelog
