#include "agent/aws/sigv4.h"

#include "agent/text/ascii.h"

#include <algorithm>
#include <ctime>
#include <map>
#include <utility>

#include "agent/aws/crypto.h"
#include "agent/aws/uri.h"

namespace edgelog {
namespace {

constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";
constexpr std::string_view kTerminator = "aws4_request";

// Trims the value and collapses every run of whitespace (including folded
// continuation lines) into one space.
std::string CanonicalHeaderValue(std::string_view value) {
  std::string out;
  bool pending_space = false;
  for (char c : value) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(c);
  }
  return out;
}

// Lower-case name → values in order of appearance, for the signed headers.
std::map<std::string, std::vector<std::string>> SignedHeaderMap(
    const std::vector<HttpHeader>& headers) {
  std::map<std::string, std::vector<std::string>> by_name;
  for (const HttpHeader& h : headers) {
    std::string name = AsciiLower(h.name);
    if (IsUnsignedHeader(name)) continue;
    by_name[name].push_back(CanonicalHeaderValue(h.value));
  }
  return by_name;
}

// RFC 3986 "remove dot segments", plus collapsing repeated slashes.
std::string NormalizePath(std::string_view path) {
  std::vector<std::string_view> segments;
  size_t pos = 0;
  while (pos <= path.size()) {
    size_t next = path.find('/', pos);
    if (next == std::string_view::npos) next = path.size();
    std::string_view segment = path.substr(pos, next - pos);
    if (segment == "..") {
      if (!segments.empty()) segments.pop_back();
    } else if (!segment.empty() && segment != ".") {
      segments.push_back(segment);
    }
    pos = next + 1;
  }
  std::string out;
  for (std::string_view s : segments) {
    out.push_back('/');
    out.append(s);
  }
  bool trailing_slash = !path.empty() && path.back() == '/';
  std::string_view last = path.substr(path.rfind('/') + 1);
  if (trailing_slash || last == "." || last == "..") out.push_back('/');
  if (out.empty()) out = "/";
  return out;
}

std::string CanonicalPath(std::string_view path, PathMode mode) {
  if (path.empty()) return "/";
  std::string p = mode == PathMode::kNormalize ? NormalizePath(path)
                                               : std::string(path);
  return UriEncode(p, SlashMode::kKeep);
}

// Parameters decoded, re-encoded strictly, sorted by key then value.
std::string CanonicalQuery(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> params;
  size_t pos = 0;
  while (pos < query.size()) {
    size_t amp = query.find('&', pos);
    if (amp == std::string_view::npos) amp = query.size();
    std::string_view param = query.substr(pos, amp - pos);
    pos = amp + 1;
    if (param.empty()) continue;
    size_t eq = param.find('=');
    std::string_view key = param.substr(0, eq);
    std::string_view value =
        eq == std::string_view::npos ? std::string_view() : param.substr(eq + 1);
    params.emplace_back(UriEncode(PercentDecode(key), SlashMode::kEncode),
                        UriEncode(PercentDecode(value), SlashMode::kEncode));
  }
  std::sort(params.begin(), params.end());
  std::string out;
  for (const auto& [key, value] : params) {
    if (!out.empty()) out.push_back('&');
    out += key;
    out.push_back('=');
    out += value;
  }
  return out;
}

std::string DateOf(const std::string& amz_date) { return amz_date.substr(0, 8); }

std::string CredentialScope(const SigningScope& scope) {
  std::string out = DateOf(AmzDate(scope.unix_seconds));
  out += '/';
  out += scope.region;
  out += '/';
  out += scope.service;
  out += '/';
  out += kTerminator;
  return out;
}

bool HasHeader(const std::vector<HttpHeader>& headers, std::string_view lower) {
  return std::any_of(headers.begin(), headers.end(), [&](const HttpHeader& h) {
    return AsciiLower(h.name) == lower;
  });
}

}  // namespace

bool IsUnsignedHeader(std::string_view lower_case_name) {
  return lower_case_name == "user-agent" || lower_case_name == "expect" ||
         lower_case_name == "x-amzn-trace-id" ||
         lower_case_name == "authorization";
}

std::string AmzDate(int64_t unix_seconds) {
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

std::string PayloadHash(std::string_view body) { return HexLower(Sha256(body)); }

std::string SignedHeaderList(const std::vector<HttpHeader>& headers) {
  std::string out;
  for (const auto& entry : SignedHeaderMap(headers)) {
    if (!out.empty()) out.push_back(';');
    out += entry.first;
  }
  return out;
}

std::string CanonicalRequest(const RequestDescription& request,
                             std::string_view payload_hash, PathMode path_mode) {
  std::string out = request.method;
  out += '\n';
  out += CanonicalPath(request.path, path_mode);
  out += '\n';
  out += CanonicalQuery(request.query);
  out += '\n';
  for (const auto& [name, values] : SignedHeaderMap(request.headers)) {
    out += name;
    out += ':';
    for (size_t i = 0; i < values.size(); ++i) {
      if (i > 0) out += ',';
      out += values[i];
    }
    out += '\n';
  }
  out += '\n';
  out += SignedHeaderList(request.headers);
  out += '\n';
  out += payload_hash;
  return out;
}

std::string StringToSign(std::string_view canonical_request,
                         const SigningScope& scope) {
  std::string out(kAlgorithm);
  out += '\n';
  out += AmzDate(scope.unix_seconds);
  out += '\n';
  out += CredentialScope(scope);
  out += '\n';
  out += HexLower(Sha256(canonical_request));
  return out;
}

std::string Signature(std::string_view string_to_sign,
                      std::string_view secret_access_key,
                      const SigningScope& scope) {
  std::string key = "AWS4";
  key += secret_access_key;
  Digest k_date = HmacSha256(key, DateOf(AmzDate(scope.unix_seconds)));
  Digest k_region = HmacSha256(AsBytes(k_date), scope.region);
  Digest k_service = HmacSha256(AsBytes(k_region), scope.service);
  Digest k_signing = HmacSha256(AsBytes(k_service), kTerminator);
  return HexLower(HmacSha256(AsBytes(k_signing), string_to_sign));
}

SigningResult Sign(const RequestDescription& request,
                   const Credentials& credentials, const SigningScope& scope,
                   const SigningOptions& options) {
  SigningResult result;
  std::string payload_hash = PayloadHash(request.body);
  if (!HasHeader(request.headers, "x-amz-date")) {
    result.headers_to_add.push_back({"X-Amz-Date", AmzDate(scope.unix_seconds)});
  }
  // A header the caller already set is signed as given, never doubled.
  bool has_token = !credentials.session_token.empty() &&
                   !HasHeader(request.headers, "x-amz-security-token");
  if (has_token && options.token_placement == SessionTokenPlacement::kSigned) {
    result.headers_to_add.push_back(
        {"X-Amz-Security-Token", credentials.session_token});
  }
  if (options.payload_hash_header == PayloadHashHeader::kAdd &&
      !HasHeader(request.headers, "x-amz-content-sha256")) {
    result.headers_to_add.push_back({"X-Amz-Content-SHA256", payload_hash});
  }

  RequestDescription to_sign = request;
  to_sign.headers.insert(to_sign.headers.end(), result.headers_to_add.begin(),
                         result.headers_to_add.end());
  result.canonical_request =
      CanonicalRequest(to_sign, payload_hash, options.path_mode);
  result.string_to_sign = StringToSign(result.canonical_request, scope);
  result.signature =
      Signature(result.string_to_sign, credentials.secret_access_key, scope);

  if (has_token && options.token_placement == SessionTokenPlacement::kAfterSigning) {
    result.headers_to_add.push_back(
        {"X-Amz-Security-Token", credentials.session_token});
  }
  std::string authorization(kAlgorithm);
  authorization += " Credential=" + credentials.access_key_id + "/" +
                   CredentialScope(scope);
  authorization += ", SignedHeaders=" + SignedHeaderList(to_sign.headers);
  authorization += ", Signature=" + result.signature;
  result.headers_to_add.push_back({"Authorization", std::move(authorization)});
  return result;
}

}  // namespace edgelog
