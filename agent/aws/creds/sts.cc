#include "agent/aws/creds/sts.h"

#include <initializer_list>
#include <utility>
#include <vector>

#include "agent/aws/aws_error.h"
#include "agent/aws/creds/xml.h"
#include "agent/aws/uri.h"

namespace edgelog {
namespace {

// The STS Query API version every action is called with.
constexpr char kApiVersion[] = "2011-06-15";
constexpr char kContentType[] = "application/x-www-form-urlencoded; charset=utf-8";
constexpr int64_t kConnectTimeoutMs = 3000;
constexpr int64_t kTimeoutMs = 10000;
// AssumeRole DurationSeconds: 1 hour, the default and within every role's
// MaxSessionDuration (at least 1 hour).
constexpr int kAssumeRoleSeconds = 3600;
// STS RoleSessionName: 2 to 64 characters of [\w+=,.@-].
constexpr size_t kMaxSessionNameLength = 64;
// Without a region STS still answers at its global endpoint, which signs
// as us-east-1.
constexpr char kGlobalEndpoint[] = "https://sts.amazonaws.com/";
constexpr char kGlobalSigningRegion[] = "us-east-1";
// How much of an error answer without an AWS error code is quoted.
constexpr size_t kMaxQuotedBody = 200;

using Params = std::vector<std::pair<const char*, std::string>>;

std::string FormBody(const Params& params) {
  std::string body;
  for (const auto& [name, value] : params) {
    if (!body.empty()) body += '&';
    body += name;
    body += '=';
    body += UriEncode(value, SlashMode::kEncode);
  }
  return body;
}

// Searching on past each replacement: the secret may be part of
// "[redacted]" itself (a token "red" would otherwise be found there forever).
void ReplaceAll(std::string* text, std::string_view secret) {
  constexpr std::string_view kRedacted = "[redacted]";
  for (size_t pos = text->find(secret); pos != std::string::npos;
       pos = text->find(secret, pos + kRedacted.size())) {
    text->replace(pos, secret.size(), kRedacted);
  }
}

// `text` with every occurrence of each non-empty secret, as it is and as a
// form body encodes it, replaced: AWS error messages may quote request
// parameters back.
std::string Redact(std::string text, std::initializer_list<std::string_view> secrets) {
  for (std::string_view secret : secrets) {
    if (secret.empty()) continue;
    ReplaceAll(&text, secret);
    // Spelled the same encoded, it is gone already (and would be found
    // again inside the marks just written).
    std::string encoded = UriEncode(secret, SlashMode::kEncode);
    if (encoded != secret) ReplaceAll(&text, encoded);
  }
  return text;
}

// `s` on one line, control characters as spaces, at most `max` bytes.
std::string OneLine(std::string_view s, size_t max) {
  std::string out;
  for (char c : s) {
    bool space = static_cast<unsigned char>(c) < 0x20 || c == 0x7F;
    if (space && (out.empty() || out.back() == ' ')) continue;
    out += space ? ' ' : c;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  if (out.size() > max) out = out.substr(0, max) + "...";
  return out;
}

std::string DescribeTransportError(const HttpResponse& r, const std::string& url) {
  switch (r.transport_error) {
    case TransportError::kTimeout:
      return "no answer from " + url + " within " + std::to_string(kTimeoutMs / 1000) +
             " s (" + r.error_message + ")";
    case TransportError::kConnect:
      return "could not connect to " + url + " (" + r.error_message +
             "); check the network, HTTPS_PROXY and AWS_ENDPOINT_URL_STS";
    case TransportError::kCertificate:
      return "the certificate of " + url + " did not verify against the trusted CAs (" +
             r.error_message +
             "); point SSL_CERT_FILE or AWS_CA_BUNDLE at a bundle holding its issuer";
    case TransportError::kTls:
      return "the TLS handshake with " + url + " failed (" + r.error_message + ")";
    case TransportError::kConnection:
      return "the connection to " + url + " broke (" + r.error_message + ")";
    default:
      return "the request to " + url + " failed (" + r.error_message + ")";
  }
}

bool IsOneOf(const std::string& code, std::initializer_list<const char*> codes) {
  for (const char* c : codes) {
    if (code == c) return true;
  }
  return false;
}

Code ClassifyError(int status, const std::string& code) {
  if (status == 429 || status >= 500 ||
      IsOneOf(code, {"Throttling", "ThrottlingException", "RequestLimitExceeded",
                     "ServiceUnavailable", "InternalFailure", "InternalError",
                     "IDPCommunicationError"})) {
    return Code::kUnavailable;
  }
  if (status == 401 || status == 403 ||
      IsOneOf(code, {"AccessDenied", "AccessDeniedException", "InvalidClientTokenId",
                     "ExpiredToken", "ExpiredTokenException", "SignatureDoesNotMatch",
                     "IncompleteSignature", "MissingAuthenticationToken",
                     "UnrecognizedClientException", "InvalidIdentityToken",
                     "IDPRejectedClaim", "RequestExpired", "AuthFailure"})) {
    return Code::kPermissionDenied;
  }
  return Code::kInvalidArgument;
}

// The Status for an answer that is not a success. `what` names the call
// ("STS AssumeRole arn:..."); `secrets` are kept out of the message.
Status ErrorStatus(const std::string& what, const HttpResponse& r, const Endpoint& endpoint,
                   std::initializer_list<std::string_view> secrets) {
  if (r.transport_error != TransportError::kNone) {
    return Status::Unavailable(
        Redact(what + ": " + DescribeTransportError(r, endpoint.url), secrets));
  }
  std::string code = XmlElementText(r.body, "Code").value_or("");
  std::string message = XmlElementText(r.body, "Message").value_or("");
  if (code.empty()) {
    AwsError parsed = ParseAwsError(r.body, r.amzn_error_type);
    code = parsed.code;
    if (message.empty()) message = parsed.message;
  }
  std::string detail = code.empty() ? "HTTP " + std::to_string(r.status) : code;
  if (!message.empty()) {
    detail += ": " + OneLine(message, 4 * kMaxQuotedBody);
  } else if (code.empty() && !r.body.empty()) {
    detail += " from " + endpoint.url + " (" + OneLine(r.body, kMaxQuotedBody) + ")";
  }
  return Status(ClassifyError(r.status, code), Redact(what + ": " + detail, secrets));
}

std::string SigningRegion(const std::string& region) {
  return region.empty() ? kGlobalSigningRegion : region;
}

// A POST of `body` to `endpoint`, signed with `caller` unless it is null.
BlockingRequest StsRequest(const Endpoint& endpoint, const std::string& region,
                           int64_t unix_seconds, const std::string& body,
                           const Credentials* caller) {
  BlockingRequest request;
  request.method = "POST";
  request.url = endpoint.url;
  request.body = body;
  request.connect_timeout_ms = kConnectTimeoutMs;
  request.timeout_ms = kTimeoutMs;
  request.headers = {{"Host", endpoint.host}, {"Content-Type", kContentType}};
  if (caller != nullptr) {
    RequestDescription description;
    description.method = request.method;
    description.path = endpoint.path;
    description.headers = request.headers;
    description.body = request.body;
    SigningScope scope{SigningRegion(region), "sts", unix_seconds};
    SigningResult signed_parts = Sign(description, *caller, scope, SigningOptions{});
    for (HttpHeader& h : signed_parts.headers_to_add) {
      request.headers.push_back(std::move(h));
    }
  }
  return request;
}

// The <Credentials> of an AssumeRole* answer.
StatusOr<SourcedCredentials> ParseCredentials(const std::string& what, const std::string& body,
                                              const Endpoint& endpoint) {
  SourcedCredentials out;
  struct Field {
    const char* name;
    std::string* value;
  };
  std::string expiration;
  for (const Field& f : {Field{"AccessKeyId", &out.credentials.access_key_id},
                         Field{"SecretAccessKey", &out.credentials.secret_access_key},
                         Field{"SessionToken", &out.credentials.session_token},
                         Field{"Expiration", &expiration}}) {
    *f.value = XmlElementText(body, f.name).value_or("");
    if (f.value->empty()) {
      return Status::Unavailable(what + ": the answer from " + endpoint.url + " has no " +
                                 f.name + " (is it an STS endpoint?)");
    }
  }
  auto expires = ParseExpirationMillis(expiration);
  if (!expires.ok()) return Status::Unavailable(what + ": " + expires.status().message());
  out.expires_unix_ms = *expires;
  return out;
}

// Reads `n` digits of `s` at `*pos` into `*value`.
bool ReadDigits(const std::string& s, size_t* pos, size_t n, int* value) {
  if (*pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = 0; i < n; ++i) {
    char c = s[*pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *pos += n;
  *value = v;
  return true;
}

bool Expect(const std::string& s, size_t* pos, std::string_view allowed) {
  if (*pos >= s.size() || allowed.find(s[*pos]) == std::string_view::npos) return false;
  ++*pos;
  return true;
}

// Days from 1970-01-01 to the proleptic Gregorian date y-m-d (H. Hinnant's
// days_from_civil), so no time-zone state of the C library is involved.
int64_t DaysFromCivil(int64_t y, int m, int d) {
  y -= m <= 2 ? 1 : 0;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

int DaysInMonth(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDays[m - 1];
}

}  // namespace

StatusOr<int64_t> ParseExpirationMillis(const std::string& text) {
  size_t pos = 0;
  int year, month, day, hour, minute, second;
  bool ok = ReadDigits(text, &pos, 4, &year) && Expect(text, &pos, "-") &&
            ReadDigits(text, &pos, 2, &month) && Expect(text, &pos, "-") &&
            ReadDigits(text, &pos, 2, &day) && Expect(text, &pos, "Tt ") &&
            ReadDigits(text, &pos, 2, &hour) && Expect(text, &pos, ":") &&
            ReadDigits(text, &pos, 2, &minute) && Expect(text, &pos, ":") &&
            ReadDigits(text, &pos, 2, &second);
  ok = ok && month >= 1 && month <= 12 && day >= 1 && day <= DaysInMonth(year, month) &&
       hour <= 23 && minute <= 59 && second <= 60;
  int millis = 0;
  if (ok && pos < text.size() && (text[pos] == '.' || text[pos] == ',')) {
    ++pos;
    size_t digits = 0;
    for (; pos < text.size() && text[pos] >= '0' && text[pos] <= '9'; ++pos, ++digits) {
      if (digits < 3) millis = millis * 10 + (text[pos] - '0');
    }
    for (size_t i = digits; i < 3; ++i) millis *= 10;
    ok = digits > 0;
  }
  int64_t offset_minutes = 0;
  if (ok && pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
    ++pos;
  } else if (ok && pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    int sign = text[pos] == '-' ? -1 : 1;
    ++pos;
    int oh = 0, om = 0;
    ok = ReadDigits(text, &pos, 2, &oh);
    if (ok && pos < text.size() && text[pos] == ':') ++pos;  // "+01:00" or "+0100"
    ok = ok && ReadDigits(text, &pos, 2, &om) && oh <= 23 && om <= 59;
    offset_minutes = sign * (oh * 60 + om);
  } else {
    ok = false;  // a time without a zone is ambiguous
  }
  if (!ok || pos != text.size()) {
    // Quoted only when it cannot be a secret that landed in the wrong field.
    constexpr size_t kMaxQuoted = 40;
    bool quotable = text.size() <= kMaxQuoted &&
                    text.find_first_not_of("0123456789-:.,+ TtZz") == std::string::npos;
    return Status::InvalidArgument(
        "the expiration time " +
        (quotable ? "\"" + text + "\"" : "(" + std::to_string(text.size()) + " characters)") +
        " is not an ISO 8601 UTC time like 2026-11-22T07:00:00Z");
  }
  int64_t seconds = DaysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 +
                    second - offset_minutes * 60;
  return seconds * 1000 + millis;
}

StsClient::StsClient(Env& env, Clock& clock, BlockingHttp& http, std::string region)
    : env_(env), clock_(clock), http_(http), region_(std::move(region)) {
  std::string url;
  std::string source;
  for (const char* name : {"AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL"}) {
    url = env_.GetVar(name).value_or("");
    source = name;
    if (!url.empty()) break;
  }
  if (url.empty()) {
    url = region_.empty() ? kGlobalEndpoint : "https://sts." + region_ + ".amazonaws.com/";
    source = region_.empty() ? "the global STS endpoint (no region)" : "region " + region_;
  }
  auto parsed = ParseEndpointUrl(url);
  if (!parsed.ok()) {
    endpoint_status_ = Status::InvalidArgument(source + ": " + parsed.status().message());
    return;
  }
  endpoint_ = std::move(parsed).value();
  endpoint_.source = source;
}

StatusOr<SourcedCredentials> StsClient::AssumeRole(const Credentials& caller,
                                                   const std::string& role_arn,
                                                   const std::string& session_name,
                                                   const std::string& external_id) {
  const std::string what = "STS AssumeRole " + role_arn;
  if (!endpoint_status_.ok()) {
    return Status(endpoint_status_.code(), what + ": " + endpoint_status_.message());
  }
  if (caller.access_key_id.empty() || caller.secret_access_key.empty()) {
    return Status::InvalidArgument(what + ": there are no credentials to sign the call with");
  }
  Params params = {{"Action", "AssumeRole"},
                   {"Version", kApiVersion},
                   {"RoleArn", role_arn},
                   {"RoleSessionName", session_name},
                   {"DurationSeconds", std::to_string(kAssumeRoleSeconds)}};
  if (!external_id.empty()) params.push_back({"ExternalId", external_id});
  std::string body = FormBody(params);
  HttpResponse r = http_.Do(
      StsRequest(endpoint_, region_, clock_.NowUnixMillis() / 1000, body, &caller));
  if (r.transport_error != TransportError::kNone || r.status != 200) {
    return ErrorStatus(what, r, endpoint_, {caller.secret_access_key, caller.session_token});
  }
  auto out = ParseCredentials(what, r.body, endpoint_);
  if (out.ok()) out->source = "role " + role_arn + " assumed with STS";
  return out;
}

StatusOr<SourcedCredentials> StsClient::AssumeRoleWithWebIdentity(
    const std::string& role_arn, const std::string& session_name, const std::string& token) {
  const std::string what = "STS AssumeRoleWithWebIdentity " + role_arn;
  if (!endpoint_status_.ok()) {
    return Status(endpoint_status_.code(), what + ": " + endpoint_status_.message());
  }
  std::string body = FormBody({{"Action", "AssumeRoleWithWebIdentity"},
                               {"Version", kApiVersion},
                               {"RoleArn", role_arn},
                               {"RoleSessionName", session_name},
                               {"WebIdentityToken", token}});
  // Unsigned: the web identity token is the proof.
  HttpResponse r = http_.Do(StsRequest(endpoint_, region_, 0, body, nullptr));
  if (r.transport_error != TransportError::kNone || r.status != 200) {
    return ErrorStatus(what, r, endpoint_, {token});
  }
  auto out = ParseCredentials(what, r.body, endpoint_);
  if (out.ok()) out->source = "web identity for " + role_arn;
  return out;
}

StatusOr<CallerIdentity> StsClient::GetCallerIdentity(const Credentials& caller) {
  const std::string what = "STS GetCallerIdentity";
  if (!endpoint_status_.ok()) {
    return Status(endpoint_status_.code(), what + ": " + endpoint_status_.message());
  }
  std::string body = FormBody({{"Action", "GetCallerIdentity"}, {"Version", kApiVersion}});
  HttpResponse r = http_.Do(
      StsRequest(endpoint_, region_, clock_.NowUnixMillis() / 1000, body, &caller));
  if (r.transport_error != TransportError::kNone || r.status != 200) {
    return ErrorStatus(what, r, endpoint_, {caller.secret_access_key, caller.session_token});
  }
  CallerIdentity id;
  id.account = XmlElementText(r.body, "Account").value_or("");
  id.arn = XmlElementText(r.body, "Arn").value_or("");
  id.user_id = XmlElementText(r.body, "UserId").value_or("");
  if (id.arn.empty()) {
    return Status::Unavailable(what + ": the answer from " + endpoint_.url +
                               " has no Arn (is it an STS endpoint?)");
  }
  return id;
}

std::string DefaultSessionName(Env& env) {
  std::string host = env.HostName();
  if (host.empty()) return "edgelog";
  std::string name = "edgelog-";
  for (char c : host) {
    if (name.size() == kMaxSessionNameLength) break;
    bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                   std::string_view("_+=,.@-").find(c) != std::string_view::npos;
    name += allowed ? c : '-';
  }
  return name;
}

}  // namespace edgelog
