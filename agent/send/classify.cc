#include "agent/send/classify.h"

#include <cjson/cJSON.h>

#include <algorithm>
#include <memory>
#include <string_view>

#include "agent/aws/aws_error.h"

namespace edgelog {
namespace {

constexpr std::string_view kAuthCodes[] = {
    "UnrecognizedClientException", "InvalidSignatureException",
    "SignatureDoesNotMatch",       "IncompleteSignatureException",
    "IncompleteSignature",         "InvalidClientTokenId",
    "AccessDeniedException",       "AccessDenied",
    "ExpiredTokenException",       "ExpiredToken",
    "MissingAuthenticationToken",  "MissingAuthenticationTokenException",
    "InvalidAccessKeyId",          "NotAuthorized",
    "RequestExpired",              "SignatureExpired",
    "InvalidToken",
};

constexpr std::string_view kRetryCodes[] = {
    "ThrottlingException",      "Throttling",
    "TooManyRequestsException", "RequestLimitExceeded",
    "LimitExceededException",   "ServiceUnavailableException",
    "ServiceUnavailable",       "InternalFailure",
    "InternalServerError",      "OperationAbortedException",
    "RequestTimeout",           "RequestTimeoutException",
    "InvalidSequenceTokenException", "ServiceQuotaExceededException",
};

template <size_t N>
bool OneOf(const std::string& code, const std::string_view (&codes)[N]) {
  return std::find(std::begin(codes), std::end(codes), code) != std::end(codes);
}


// A success from CloudWatch Logs carries a request id and a JSON object
// (or nothing). A captive portal, a wrong endpoint_override or a middlebox
// answering 200 with a page of its own does not: its "success" must never
// mark events as delivered.
std::string WhyNotAnAnswer(const HttpResponse& response) {
  if (response.request_id.empty()) return "no x-amzn-RequestId header";
  if (response.body.empty()) return "";
  std::unique_ptr<cJSON, void (*)(cJSON*)> root(
      cJSON_ParseWithLength(response.body.data(), response.body.size()), cJSON_Delete);
  if (!cJSON_IsObject(root.get())) return "a body that is not a JSON object";
  return "";
}

}  // namespace

const char* TransportName(TransportError e) {
  switch (e) {
    case TransportError::kNone: return "none";
    case TransportError::kConnect: return "connection failed";
    case TransportError::kTimeout: return "timed out";
    case TransportError::kConnection: return "connection lost";
    case TransportError::kTls: return "TLS failed";
    case TransportError::kCertificate: return "TLS certificate not trusted";
    case TransportError::kOther: return "transfer failed";
  }
  return "transfer failed";
}

Classification Classify(const HttpResponse& response) {
  Classification c;
  if (response.transport_error != TransportError::kNone) {
    // An untrusted certificate, or a TLS handshake the endpoint refuses
    // (a version or cipher it does not speak), does not heal by waiting:
    // say so, like refused credentials, rather than call the endpoint down.
    bool tls = response.transport_error == TransportError::kCertificate ||
               response.transport_error == TransportError::kTls;
    c.verdict = tls ? Verdict::kUntrusted : Verdict::kRetry;
    c.code = TransportName(response.transport_error);
    c.detail = response.error_message;
    return c;
  }
  if (response.status >= 200 && response.status < 300) {
    std::string why = WhyNotAnAnswer(response);
    if (why.empty()) return c;
    c.verdict = Verdict::kRetry;
    c.code = "not a CloudWatch Logs answer";
    c.detail = "HTTP " + std::to_string(response.status) + " with " + why +
               ": check the endpoint and any proxy";
    return c;
  }
  AwsError error = ParseAwsError(response.body, response.amzn_error_type);
  c.code = error.code.empty() ? "HTTP " + std::to_string(response.status) : error.code;
  c.detail = error.message;
  if (error.code == "ResourceNotFoundException") {
    c.verdict = Verdict::kMissing;
  } else if (error.code == "ResourceAlreadyExistsException" ||
             error.code == "DataAlreadyAcceptedException") {
    c.verdict = error.code == "DataAlreadyAcceptedException" ? Verdict::kOk
                                                             : Verdict::kExists;
  } else if (error.code == "ExpiredTokenException" || error.code == "ExpiredToken") {
    c.verdict = Verdict::kExpired;
  } else if (error.code == "RequestExpired" || error.code == "SignatureExpired" ||
             error.code == "RequestTimeTooSkewed" ||
             (error.code == "InvalidSignatureException" &&
              error.message.find("Signature expired") != std::string::npos)) {
    c.verdict = Verdict::kSkewed;
  } else if (OneOf(error.code, kAuthCodes) ||
             (error.code.empty() && (response.status == 401 || response.status == 403))) {
    c.verdict = Verdict::kAuth;
  } else if (OneOf(error.code, kRetryCodes) || response.status == 429 ||
             response.status >= 500) {
    c.verdict = Verdict::kRetry;
  } else if (error.code == "InvalidParameterException") {
    c.verdict = Verdict::kInvalid;
  } else if (error.code.empty()) {
    // Not an answer from CloudWatch (a proxy, a wrong endpoint): never a
    // reason to give events up. Retry, and let the log say what came back.
    c.verdict = Verdict::kRetry;
    c.detail = "not a CloudWatch Logs answer (HTTP " + std::to_string(response.status) +
               "): check the endpoint and any proxy";
  } else {
    c.verdict = Verdict::kFinal;
  }
  return c;
}

Outcome OutcomeOf(const HttpResponse& response, const Classification& c) {
  static constexpr std::string_view kThrottleCodes[] = {
      "ThrottlingException", "Throttling", "TooManyRequestsException", "RequestLimitExceeded"};
  if (response.transport_error != TransportError::kNone) return Outcome::kTransportError;
  switch (c.verdict) {
    case Verdict::kOk:
      return Outcome::kOk;
    case Verdict::kAuth:
    case Verdict::kExpired:
    case Verdict::kSkewed:
      return Outcome::kAuthError;
    case Verdict::kUntrusted:
      return Outcome::kTransportError;
    case Verdict::kRetry:
      return OneOf(c.code, kThrottleCodes) || response.status == 429 ? Outcome::kThrottled
                                                                      : Outcome::kServerError;
    case Verdict::kMissing:
    case Verdict::kExists:
      return Outcome::kSetup;
    case Verdict::kInvalid:
    case Verdict::kFinal:
      return Outcome::kClientError;
  }
  return Outcome::kServerError;
}

const char* OutcomeName(Outcome outcome) {
  switch (outcome) {
    case Outcome::kOk: return "ok";
    case Outcome::kThrottled: return "throttled";
    case Outcome::kServerError: return "server_error";
    case Outcome::kSetup: return "setup";
    case Outcome::kClientError: return "client_error";
    case Outcome::kAuthError: return "auth_error";
    case Outcome::kTransportError: return "transport_error";
  }
  return "server_error";
}

std::string Describe(const Classification& c) {
  return c.detail.empty() ? c.code : c.code + ": " + c.detail;
}

const char* VerdictName(Verdict verdict) {
  switch (verdict) {
    case Verdict::kOk: return "ok";
    case Verdict::kRetry: return "retry";
    case Verdict::kMissing: return "missing";
    case Verdict::kExists: return "exists";
    case Verdict::kAuth: return "auth";
    case Verdict::kUntrusted: return "untrusted";
    case Verdict::kExpired: return "expired";
    case Verdict::kSkewed: return "skewed";
    case Verdict::kInvalid: return "invalid";
    case Verdict::kFinal: return "final";
  }
  return "?";
}

}  // namespace edgelog
