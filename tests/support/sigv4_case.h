// Reading SigV4 signing vectors from disk: the layout of the public AWS SigV4
// test suite (one directory per case with context.json, request.txt and the
// expected stages) and the CloudWatch Logs vectors file
// ({"vectors": [{name, method, path, headers, ...}]}).
#ifndef EDGELOG_TESTS_SUPPORT_SIGV4_CASE_H_
#define EDGELOG_TESTS_SUPPORT_SIGV4_CASE_H_

#include <cjson/cJSON.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "agent/aws/sigv4.h"
#include "agent/base/status.h"

namespace edgelog::testing {

// A parsed JSON document; the deleter is cJSON_Delete.
using Json = std::shared_ptr<cJSON>;

// A request.txt: "METHOD TARGET HTTP/1.1", then "Name:value" lines (a line
// starting with whitespace continues the previous value), an empty line and
// the body. Lines may end in CRLF or LF; the body is kept byte for byte.
struct ParsedRequest {
  std::string method;
  std::string path;   // the target up to '?'
  std::string query;  // the target after '?', without it
  std::vector<HttpHeader> headers;
  std::string body;

  // A description whose body points into this object.
  RequestDescription Description() const {
    return RequestDescription{method, path, query, headers, body};
  }
};

// What a vector or case says the signer must produce.
struct ExpectedSigning {
  std::string canonical_request;
  std::string string_to_sign;
  std::string signature;
  std::string authorization;
};

// Everything Sign() takes.
struct SigningInput {
  RequestDescription request;
  Credentials credentials;
  SigningScope scope;
  SigningOptions options;
};

// One entry of the logs vectors file, ready to sign.
struct LogsVector {
  SigningInput in;               // in.request.body points into `body`
  std::string body;              // decoded body_base64
  std::vector<HttpHeader> sent;  // every header of the vector, signed or not
  ExpectedSigning want;
};

// `s` with every character passed through std::tolower (in the default "C"
// locale, ASCII letters are lowered and other bytes kept).
std::string ToLower(std::string_view s);

// The pieces of `s` between occurrences of `separator`; always at least one
// (empty pieces are kept, so "" gives {""} and "a;" gives {"a", ""}).
std::vector<std::string> Split(std::string_view s, char separator);

// The whole file, byte for byte. NotFound when `path` is missing or not a
// regular file, IoError when it cannot be read.
StatusOr<std::string> ReadFile(const std::filesystem::path& path);

// An expected-result file as text: as ReadFile, but CRLF becomes LF (no stage
// contains a raw CR) and one trailing newline, which editors add, is dropped.
StatusOr<std::string> ReadExpected(const std::filesystem::path& path);

// Parses `text` as JSON. InvalidArgument naming `where` when it is not valid.
StatusOr<Json> ParseJson(const std::string& text, const std::string& where);

// Seconds since the epoch of a UTC time written as `format`, a sscanf format
// with six %d fields (year, month, day, hour, minute, second) ending in "%n",
// e.g. "%4d-%2d-%2dT%2d:%2d:%2dZ%n". InvalidArgument when `text` does not
// match the whole format or names no real time (e.g. February 30).
StatusOr<int64_t> ParseUtc(const std::string& text, const char* format);

// Parses the bytes of a request.txt (see ParsedRequest). InvalidArgument on
// an empty input, a bad request line or header line, or a continuation line
// before any header.
StatusOr<ParsedRequest> ParseRequest(std::string_view bytes);

// Fills credentials, scope and options of `*in` from a suite case's parsed
// context.json; leaves `in->request` alone. InvalidArgument naming the field
// when a required field is missing or has the wrong type.
Status ParseContext(const cJSON* context, SigningInput* in);

// Fills `*out` in place from one entry of the logs vectors file (its request
// views out->body, so `*out` must not move afterwards). The request gets the
// vector's headers that are in signed_headers, except the ones Sign() adds
// itself; every header goes to out->sent. InvalidArgument on a missing or
// mistyped field, a bad amz_date or bad body_base64.
Status ParseLogsVector(const cJSON* vector, LogsVector* out);

}  // namespace edgelog::testing

#endif  // EDGELOG_TESTS_SUPPORT_SIGV4_CASE_H_
