#include "tests/support/sigv4_case.h"

#include <cctype>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iterator>
#include <set>
#include <system_error>
#include <utility>

#include "tests/support/base64.h"

namespace edgelog::testing {
namespace {

namespace fs = std::filesystem;

// Sets `*out` to the string field `name` of `object`.
Status StringField(const cJSON* object, const char* name, std::string* out) {
  const cJSON* item = cJSON_GetObjectItemCaseSensitive(object, name);
  if (!cJSON_IsString(item)) {
    return Status::InvalidArgument(std::string("\"") + name +
                                   "\" is missing or not a string");
  }
  *out = item->valuestring;
  return Status::Ok();
}

// As StringField, but an absent or null field gives "".
Status OptionalStringField(const cJSON* object, const char* name,
                           std::string* out) {
  const cJSON* item = cJSON_GetObjectItemCaseSensitive(object, name);
  if (item == nullptr || cJSON_IsNull(item)) {
    out->clear();
    return Status::Ok();
  }
  return StringField(object, name, out);
}

// Sets `*out` to the boolean field `name`; an absent field gives false.
Status BoolField(const cJSON* object, const char* name, bool* out) {
  const cJSON* item = cJSON_GetObjectItemCaseSensitive(object, name);
  *out = false;
  if (item == nullptr) return Status::Ok();
  if (!cJSON_IsBool(item)) {
    return Status::InvalidArgument(std::string("\"") + name +
                                   "\" is not a boolean");
  }
  *out = cJSON_IsTrue(item) != 0;
  return Status::Ok();
}

// Sets method, path and query of `*request` from "METHOD TARGET HTTP/...".
Status ParseRequestLine(std::string_view line, ParsedRequest* request) {
  size_t first = line.find(' ');
  size_t last = line.rfind(' ');
  if (first == std::string_view::npos || first == last ||
      line.substr(last + 1).substr(0, 5) != "HTTP/") {
    return Status::InvalidArgument("bad request line \"" + std::string(line) +
                                   "\"");
  }
  request->method = line.substr(0, first);
  std::string_view target = line.substr(first + 1, last - first - 1);
  size_t question = target.find('?');
  request->path = target.substr(0, question);
  if (question != std::string_view::npos) {
    request->query = target.substr(question + 1);
  }
  return Status::Ok();
}

}  // namespace

std::string ToLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

std::vector<std::string> Split(std::string_view s, char separator) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (size_t end; (end = s.find(separator, start)) != std::string_view::npos;
       start = end + 1) {
    parts.emplace_back(s.substr(start, end - start));
  }
  parts.emplace_back(s.substr(start));
  return parts;
}

StatusOr<std::string> ReadFile(const std::filesystem::path& path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) {
    return Status::NotFound(path.string() + ": missing or not a regular file");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in.is_open()) return Status::IoError(path.string() + ": cannot open");
  std::string bytes{std::istreambuf_iterator<char>(in),
                    std::istreambuf_iterator<char>()};
  if (in.bad()) return Status::IoError(path.string() + ": cannot read");
  return bytes;
}

StatusOr<std::string> ReadExpected(const std::filesystem::path& path) {
  StatusOr<std::string> bytes = ReadFile(path);
  if (!bytes.ok()) return bytes.status();
  std::string text;
  for (size_t i = 0; i < bytes->size(); ++i) {
    if ((*bytes)[i] == '\r' && i + 1 < bytes->size() &&
        (*bytes)[i + 1] == '\n') {
      continue;
    }
    text.push_back((*bytes)[i]);
  }
  if (!text.empty() && text.back() == '\n') text.pop_back();
  return text;
}

StatusOr<Json> ParseJson(const std::string& text, const std::string& where) {
  Json root(cJSON_Parse(text.c_str()), cJSON_Delete);
  if (root == nullptr) {
    return Status::InvalidArgument(where + ": not valid JSON");
  }
  return root;
}

StatusOr<int64_t> ParseUtc(const std::string& text, const char* format) {
  std::tm tm{};
  int consumed = -1;
  int fields =
      std::sscanf(text.c_str(), format, &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                  &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &consumed);
  if (fields != 6 || consumed != static_cast<int>(text.size())) {
    return Status::InvalidArgument("bad UTC time \"" + text + "\"");
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  std::tm fields_in = tm;
  std::time_t seconds = timegm(&tm);  // normalizes out-of-range fields
  if (tm.tm_year != fields_in.tm_year || tm.tm_mon != fields_in.tm_mon ||
      tm.tm_mday != fields_in.tm_mday || tm.tm_hour != fields_in.tm_hour ||
      tm.tm_min != fields_in.tm_min || tm.tm_sec != fields_in.tm_sec) {
    return Status::InvalidArgument("no such UTC time \"" + text + "\"");
  }
  return static_cast<int64_t>(seconds);
}

StatusOr<ParsedRequest> ParseRequest(std::string_view bytes) {
  ParsedRequest request;
  bool request_line_seen = false;
  size_t pos = 0;
  while (pos < bytes.size()) {
    size_t newline = bytes.find('\n', pos);
    size_t next =
        newline == std::string_view::npos ? bytes.size() : newline + 1;
    std::string_view line = bytes.substr(pos, next - pos);
    pos = next;
    if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!request_line_seen) {
      EDGELOG_RETURN_IF_ERROR(ParseRequestLine(line, &request));
      request_line_seen = true;
    } else if (line.empty()) {
      request.body = bytes.substr(pos);
      break;
    } else if (line.front() == ' ' || line.front() == '\t') {
      if (request.headers.empty()) {
        return Status::InvalidArgument("continuation line before any header");
      }
      request.headers.back().value += "\n" + std::string(line);
    } else {
      size_t colon = line.find(':');
      if (colon == std::string_view::npos || colon == 0) {
        return Status::InvalidArgument("bad header line \"" +
                                       std::string(line) + "\"");
      }
      request.headers.push_back({std::string(line.substr(0, colon)),
                                 std::string(line.substr(colon + 1))});
    }
  }
  if (!request_line_seen) return Status::InvalidArgument("empty request");
  return request;
}

Status ParseContext(const cJSON* context, SigningInput* in) {
  const cJSON* credentials =
      cJSON_GetObjectItemCaseSensitive(context, "credentials");
  if (!cJSON_IsObject(credentials)) {
    return Status::InvalidArgument(
        "\"credentials\" is missing or not an object");
  }
  Credentials& c = in->credentials;
  EDGELOG_RETURN_IF_ERROR(
      StringField(credentials, "access_key_id", &c.access_key_id));
  EDGELOG_RETURN_IF_ERROR(
      StringField(credentials, "secret_access_key", &c.secret_access_key));
  EDGELOG_RETURN_IF_ERROR(
      OptionalStringField(credentials, "token", &c.session_token));
  EDGELOG_RETURN_IF_ERROR(StringField(context, "region", &in->scope.region));
  EDGELOG_RETURN_IF_ERROR(StringField(context, "service", &in->scope.service));
  std::string timestamp;
  EDGELOG_RETURN_IF_ERROR(StringField(context, "timestamp", &timestamp));
  StatusOr<int64_t> seconds = ParseUtc(timestamp, "%4d-%2d-%2dT%2d:%2d:%2dZ%n");
  if (!seconds.ok()) return seconds.status();
  in->scope.unix_seconds = *seconds;

  bool normalize, sign_body, omit_session_token;
  EDGELOG_RETURN_IF_ERROR(BoolField(context, "normalize", &normalize));
  EDGELOG_RETURN_IF_ERROR(BoolField(context, "sign_body", &sign_body));
  EDGELOG_RETURN_IF_ERROR(
      BoolField(context, "omit_session_token", &omit_session_token));
  in->options.path_mode = normalize ? PathMode::kNormalize : PathMode::kAsIs;
  in->options.payload_hash_header =
      sign_body ? PayloadHashHeader::kAdd : PayloadHashHeader::kOmit;
  in->options.token_placement = omit_session_token
                                    ? SessionTokenPlacement::kAfterSigning
                                    : SessionTokenPlacement::kSigned;
  return Status::Ok();
}

Status ParseLogsVector(const cJSON* vector, LogsVector* out) {
  SigningInput& in = out->in;
  ExpectedSigning& want = out->want;
  std::string path, body_base64, amz_date, signed_headers;
  EDGELOG_RETURN_IF_ERROR(StringField(vector, "method", &in.request.method));
  EDGELOG_RETURN_IF_ERROR(StringField(vector, "path", &path));
  EDGELOG_RETURN_IF_ERROR(StringField(vector, "body_base64", &body_base64));
  EDGELOG_RETURN_IF_ERROR(
      StringField(vector, "access_key", &in.credentials.access_key_id));
  EDGELOG_RETURN_IF_ERROR(
      StringField(vector, "secret_key", &in.credentials.secret_access_key));
  EDGELOG_RETURN_IF_ERROR(OptionalStringField(vector, "session_token",
                                              &in.credentials.session_token));
  EDGELOG_RETURN_IF_ERROR(StringField(vector, "region", &in.scope.region));
  EDGELOG_RETURN_IF_ERROR(StringField(vector, "service", &in.scope.service));
  EDGELOG_RETURN_IF_ERROR(StringField(vector, "amz_date", &amz_date));
  EDGELOG_RETURN_IF_ERROR(
      StringField(vector, "signed_headers", &signed_headers));
  EDGELOG_RETURN_IF_ERROR(
      StringField(vector, "canonical_request", &want.canonical_request));
  EDGELOG_RETURN_IF_ERROR(
      StringField(vector, "string_to_sign", &want.string_to_sign));
  EDGELOG_RETURN_IF_ERROR(StringField(vector, "signature", &want.signature));
  EDGELOG_RETURN_IF_ERROR(
      StringField(vector, "authorization", &want.authorization));

  StatusOr<int64_t> seconds = ParseUtc(amz_date, "%4d%2d%2dT%2d%2d%2dZ%n");
  if (!seconds.ok()) return seconds.status();
  in.scope.unix_seconds = *seconds;
  StatusOr<std::string> body = Base64Decode(body_base64);
  if (!body.ok()) return body.status();
  out->body = std::move(*body);
  in.request.body = out->body;
  size_t question = path.find('?');
  in.request.path = path.substr(0, question);
  if (question != std::string::npos) {
    in.request.query = path.substr(question + 1);
  }

  std::vector<std::string> list = Split(signed_headers, ';');
  std::set<std::string> signed_names(list.begin(), list.end());
  const std::set<std::string> kAddedBySign = {
      "x-amz-date", "x-amz-security-token", "x-amz-content-sha256"};
  const cJSON* headers = cJSON_GetObjectItemCaseSensitive(vector, "headers");
  if (!cJSON_IsObject(headers)) {
    return Status::InvalidArgument("\"headers\" is missing or not an object");
  }
  for (const cJSON* h = headers->child; h != nullptr; h = h->next) {
    if (!cJSON_IsString(h)) {
      return Status::InvalidArgument(std::string("header ") + h->string +
                                     " is not a string");
    }
    out->sent.push_back({h->string, h->valuestring});
    std::string name = ToLower(h->string);
    if (signed_names.count(name) != 0 && kAddedBySign.count(name) == 0) {
      in.request.headers.push_back(out->sent.back());
    }
  }
  if (signed_names.count("x-amz-content-sha256") != 0) {
    in.options.payload_hash_header = PayloadHashHeader::kAdd;
  }
  if (signed_names.count("x-amz-security-token") == 0) {
    in.options.token_placement = SessionTokenPlacement::kAfterSigning;
  }
  return Status::Ok();
}

}  // namespace edgelog::testing
