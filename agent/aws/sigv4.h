// AWS Signature Version 4, header variant, as a pure function.
//
// A description of the request, credentials and a scope go in; the headers
// to add come out. The signer never sees an HTTP client, never fetches
// credentials and never reads a clock: the caller passes the time.
//
// The three stages of the AWS specification are callable on their own so
// tests can check each against published vectors:
//   1. CanonicalRequest   (method, path, query, headers, payload hash)
//   2. StringToSign       (algorithm, date, scope, hash of 1)
//   3. Signature          (HMAC chain from the secret over 2)
#ifndef EDGELOG_AGENT_AWS_SIGV4_H_
#define EDGELOG_AGENT_AWS_SIGV4_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agent/net/http_header.h"

namespace edgelog {

struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // empty when the credentials are long-term
};

// What is signed. `path` and `query` are as they appear on the request line
// (query without the '?'). `headers` must include Host. `body` is not copied.
struct RequestDescription {
  std::string method;
  std::string path = "/";
  std::string query;
  std::vector<HttpHeader> headers;
  std::string_view body;
};

struct SigningScope {
  std::string region;   // "us-east-1"
  std::string service;  // "logs", "sts"
  int64_t unix_seconds = 0;  // the signing time
};

// How the path is put in canonical form.
enum class PathMode {
  kNormalize,  // remove "." and ".." segments and repeated slashes (not S3)
  kAsIs,       // keep the path as given, only percent-encode it
};

// Whether X-Amz-Content-SHA256 is sent (and signed) with the payload hash.
enum class PayloadHashHeader { kOmit, kAdd };

// Where a session token goes: into the signed headers (what AWS services
// expect), or added after signing (some older services, and the public
// suite's "omit_session_token" cases).
enum class SessionTokenPlacement { kSigned, kAfterSigning };

struct SigningOptions {
  PathMode path_mode = PathMode::kNormalize;
  PayloadHashHeader payload_hash_header = PayloadHashHeader::kOmit;
  SessionTokenPlacement token_placement = SessionTokenPlacement::kSigned;
};

// Everything Sign() produced: the headers to add, in order, and the
// intermediate strings (for tests and for explaining a refusal).
struct SigningResult {
  std::vector<HttpHeader> headers_to_add;  // X-Amz-Date, token, ..., Authorization
  std::string canonical_request;
  std::string string_to_sign;
  std::string signature;  // lower-case hex
};

// Headers never signed because proxies and clients change them.
bool IsUnsignedHeader(std::string_view lower_case_name);

// "20150830T123600Z" for `unix_seconds`.
std::string AmzDate(int64_t unix_seconds);

// Hex SHA-256 of `body`, as used for the payload hash.
std::string PayloadHash(std::string_view body);

// Stage 1. `request.headers` must already hold every header to sign,
// including X-Amz-Date (and the token, if signed).
std::string CanonicalRequest(const RequestDescription& request,
                             std::string_view payload_hash, PathMode path_mode);

// The "SignedHeaders" list of a canonical request: lower-case names of the
// signed headers, sorted, joined by ';'.
std::string SignedHeaderList(const std::vector<HttpHeader>& headers);

// Stage 2.
std::string StringToSign(std::string_view canonical_request,
                         const SigningScope& scope);

// Stage 3: lower-case hex signature of `string_to_sign`.
std::string Signature(std::string_view string_to_sign,
                      std::string_view secret_access_key,
                      const SigningScope& scope);

// All three stages plus the headers to add. Does not modify `request`.
SigningResult Sign(const RequestDescription& request,
                   const Credentials& credentials, const SigningScope& scope,
                   const SigningOptions& options);

}  // namespace edgelog

#endif  // EDGELOG_AGENT_AWS_SIGV4_H_
