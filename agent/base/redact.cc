#include "agent/base/redact.h"

#include <algorithm>
#include <cctype>
#include <utility>

namespace edgelog {
namespace {

// An AWS secret access key is 40 characters of base64; an STS session
// token is several hundred.
constexpr size_t kSecretKeyLength = 40;
constexpr size_t kMinTokenLength = 100;
// What a decoded character outside ASCII stands for: never part of a secret.
constexpr char kNotAscii = '\x01';

// `text` decoded for matching: each decoded byte, with the span of `text`
// its spelling takes.
struct Decoded {
  std::string bytes;
  std::vector<size_t> begin;
  std::vector<size_t> end;
};

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

char FromCodePoint(long v) { return v > 0 && v < 0x80 ? static_cast<char>(v) : kNotAscii; }

// The number in text[from, ';') of an HTML character reference ("x2B" or
// "43"), and the length up to and with the ';'; 0 when there is none.
size_t NumericReference(std::string_view text, size_t from, char* out) {
  bool hex = from < text.size() && (text[from] == 'x' || text[from] == 'X');
  size_t i = hex ? from + 1 : from;
  long value = 0;
  size_t digits = 0;
  for (; i < text.size() && digits < 8; ++i, ++digits) {
    int d = hex ? HexValue(text[i]) : (text[i] >= '0' && text[i] <= '9' ? text[i] - '0' : -1);
    if (d < 0) break;
    value = value * (hex ? 16 : 10) + d;
  }
  if (digits == 0 || i >= text.size() || text[i] != ';') return 0;
  *out = FromCodePoint(value);
  return i + 1 - from;
}

// The escape that starts at text[i] (%2B, \/, \u002B, &#x2B;, &plus;),
// decoded into *out; returns its length, 0 when text[i] starts none.
size_t DecodeEscape(std::string_view text, size_t i, char* out) {
  const char c = text[i];
  const size_t left = text.size() - i;
  if (c == '%' && left >= 3) {
    int hi = HexValue(text[i + 1]);
    int lo = HexValue(text[i + 2]);
    if (hi < 0 || lo < 0) return 0;
    *out = FromCodePoint(hi * 16 + lo);
    return 3;
  }
  if (c == '\\' && left >= 2) {
    switch (text[i + 1]) {
      case '/': *out = '/'; return 2;
      case '\\': *out = '\\'; return 2;
      case '"': *out = '"'; return 2;
      case 'n': *out = '\n'; return 2;
      case 'r': *out = '\r'; return 2;
      case 't': *out = '\t'; return 2;
      case 'b': *out = '\b'; return 2;
      case 'f': *out = '\f'; return 2;
      case 'u': {
        if (left < 6) return 0;
        long v = 0;
        for (size_t k = 2; k < 6; ++k) {
          int d = HexValue(text[i + k]);
          if (d < 0) return 0;
          v = v * 16 + d;
        }
        *out = FromCodePoint(v);
        return 6;
      }
      default: return 0;
    }
  }
  if (c == '&' && left >= 4) {
    if (text[i + 1] == '#') {
      size_t n = NumericReference(text, i + 2, out);
      return n == 0 ? 0 : n + 2;
    }
    static constexpr std::pair<std::string_view, char> kNamed[] = {
        {"&plus;", '+'}, {"&sol;", '/'},  {"&equals;", '='}, {"&amp;", '&'},
        {"&quot;", '"'}, {"&lt;", '<'},   {"&gt;", '>'},     {"&apos;", '\''}};
    for (const auto& [name, value] : kNamed) {
      if (text.compare(i, name.size(), name) == 0) {
        *out = value;
        return name.size();
      }
    }
  }
  return 0;
}

Decoded Decode(std::string_view text) {
  Decoded d;
  d.bytes.reserve(text.size());
  d.begin.reserve(text.size());
  d.end.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    char c = text[i];
    size_t n = DecodeEscape(text, i, &c);
    if (n == 0) n = 1;
    d.bytes += c;
    d.begin.push_back(i);
    d.end.push_back(i + n);
    i += n;
  }
  return d;
}

bool IsKeyChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
         c == '+' || c == '/';
}

using Span = std::pair<size_t, size_t>;  // [first, second) of the original text

bool IsQuote(char c) { return c == '"' || c == '\''; }

bool EndsNamedValue(char c) {
  return IsQuote(c) || c == ',' || c == '}' || std::isspace(static_cast<unsigned char>(c)) != 0;
}

// Within the run b[first, last) of key characters, too long to be a secret
// access key and too short to be a token, each 40-character stretch of
// both cases that a '/' or the run's edge bounds on either side: a key at
// the end of a path ("/creds/<key>"). A real key may hold '/' itself, so
// the run is not simply split there.
void MarkEmbeddedKeys(const Decoded& d, size_t first, size_t last, std::vector<Span>* spans) {
  const std::string& b = d.bytes;
  for (size_t a = first; a + kSecretKeyLength <= last; ++a) {
    const size_t z = a + kSecretKeyLength;
    if ((a != first && b[a - 1] != '/') || (z != last && b[z] != '/')) continue;
    bool upper = false;
    bool lower = false;
    for (size_t k = a; k < z; ++k) {
      upper = upper || (b[k] >= 'A' && b[k] <= 'Z');
      lower = lower || (b[k] >= 'a' && b[k] <= 'z');
    }
    if (upper && lower) spans->push_back({d.begin[a], d.end[z - 1]});
  }
}

// Whether the run b[first, last) of key characters is a file path rather
// than a token: it starts with '/', holds no '+', and no name between two
// '/' is as long as a secret access key. A session token is hundreds of
// random base64 characters: a '+' and a stretch of 40 without '/' in it are
// all but certain. Keys inside such a path are still looked for
// (MarkEmbeddedKeys).
bool PathShaped(const std::string& b, size_t first, size_t last) {
  if (b[first] != '/') return false;
  size_t name = 0;  // characters since the last '/'
  for (size_t k = first; k < last; ++k) {
    if (b[k] == '+') return false;
    name = b[k] == '/' ? 0 : name + 1;
    if (name >= kSecretKeyLength) return false;
  }
  return true;
}

void MarkKnown(const Decoded& d, std::string_view text, const std::string& secret,
               std::vector<Span>* spans) {
  if (secret.size() < kMinKnownSecret) return;
  for (size_t p = d.bytes.find(secret); p != std::string::npos;
       p = d.bytes.find(secret, p + 1)) {
    spans->push_back({d.begin[p], d.end[p + secret.size() - 1]});
  }
  for (size_t p = text.find(secret); p != std::string_view::npos;
       p = text.find(secret, p + 1)) {
    spans->push_back({p, p + secret.size()});
  }
}

void MarkShapes(const Decoded& d, std::vector<Span>* spans) {
  const std::string& b = d.bytes;
  size_t i = 0;
  while (i < b.size()) {
    if (!IsKeyChar(b[i])) {
      ++i;
      continue;
    }
    size_t j = i;
    bool upper = false;
    bool lower = false;
    for (; j < b.size() && IsKeyChar(b[j]); ++j) {
      upper = upper || (b[j] >= 'A' && b[j] <= 'Z');
      lower = lower || (b[j] >= 'a' && b[j] <= 'z');
    }
    const size_t length = j - i;
    if (!upper || !lower) {
      // Not random base64: a word, hex digits, a row of one letter.
    } else if (length == kSecretKeyLength) {
      spans->push_back({d.begin[i], d.end[j - 1]});
    } else if (length >= kMinTokenLength && !PathShaped(b, i, j)) {
      while (j < b.size() && b[j] == '=') ++j;  // padding
      spans->push_back({d.begin[i], d.end[j - 1]});
    } else if (length > kSecretKeyLength) {
      MarkEmbeddedKeys(d, i, j, spans);
    }
    i = j;
  }
}

// The value written after a secret's name ("SecretAccessKey": "...",
// AWS_SESSION_TOKEN=...), whatever its shape: a failing credential_process
// under `set -x` echoes secrets the logger was never told of.
void MarkNamedValues(const Decoded& d, std::vector<Span>* spans) {
  // Lower case; matched case-insensitively. "Token" only as a JSON key:
  // the bare word is too common.
  static constexpr std::string_view kNames[] = {
      "secretaccesskey",   "sessiontoken",      "aws_secret_access_key",
      "aws_session_token", "\"token\"",
  };
  const std::string& b = d.bytes;
  std::string lower(b);
  for (char& c : lower) c = c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  for (std::string_view name : kNames) {
    for (size_t p = lower.find(name); p != std::string::npos; p = lower.find(name, p + 1)) {
      size_t k = p + name.size();
      if (k < b.size() && IsQuote(b[k])) ++k;
      while (k < b.size() && b[k] == ' ') ++k;
      if (k >= b.size() || (b[k] != ':' && b[k] != '=')) continue;
      ++k;
      while (k < b.size() && b[k] == ' ') ++k;
      if (k < b.size() && IsQuote(b[k])) ++k;
      size_t end = k;
      bool alnum = false;  // a value of dots ("...") is a placeholder
      for (; end < b.size() && !EndsNamedValue(b[end]); ++end) {
        alnum = alnum || std::isalnum(static_cast<unsigned char>(b[end])) != 0;
      }
      if (alnum) spans->push_back({d.begin[k], d.end[end - 1]});
    }
  }
}

}  // namespace

std::string RedactSecrets(std::string_view text, const std::vector<std::string>& known) {
  const Decoded decoded = Decode(text);
  std::vector<Span> spans;
  for (const std::string& secret : known) MarkKnown(decoded, text, secret, &spans);
  MarkShapes(decoded, &spans);
  MarkNamedValues(decoded, &spans);
  // What a redaction before this one left is kept as it is (a secret
  // found inside the mark itself would mark it again).
  for (size_t at = text.find(kRedacted); at != std::string_view::npos;
       at = text.find(kRedacted, at + 1)) {
    const size_t end = at + std::string_view(kRedacted).size();
    spans.erase(std::remove_if(spans.begin(), spans.end(),
                               [&](const Span& s) { return s.first >= at && s.second <= end; }),
                spans.end());
  }
  if (spans.empty()) return std::string(text);
  std::sort(spans.begin(), spans.end());
  std::string out;
  out.reserve(text.size());
  size_t done = 0;  // text before this is in `out` or redacted
  for (size_t k = 0; k < spans.size();) {
    size_t first = spans[k].first;
    size_t last = spans[k].second;
    for (++k; k < spans.size() && spans[k].first <= last; ++k) {
      last = std::max(last, spans[k].second);
    }
    out.append(text.substr(done, first - done));
    out += kRedacted;
    done = last;
  }
  out.append(text.substr(done));
  return out;
}

}  // namespace edgelog
