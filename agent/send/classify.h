// What to do about an answer from CloudWatch Logs.
#ifndef EDGELOG_AGENT_SEND_CLASSIFY_H_
#define EDGELOG_AGENT_SEND_CLASSIFY_H_

#include <string>

#include "agent/net/http_client.h"

namespace edgelog {

enum class Verdict {
  kOk,       // accepted
  kRetry,    // throttled, unavailable, 5xx, no answer: back off and retry
  kMissing,  // ResourceNotFoundException: create the group or stream
  kExists,   // ResourceAlreadyExistsException: as good as created
  kAuth,     // signature or credentials refused: explain, back off, retry
  kUntrusted,  // the TLS handshake failed (certificate not trusted, version or cipher refused): the same
  kExpired,  // the session token expired: refresh the credentials, send again
  kSkewed,   // the signature's time is too far off: correct the clock, send again
  kInvalid,  // InvalidParameterException: split the request, or reject
  kFinal,    // any other refusal: keep the events in the rejected file
};

struct Classification {
  Verdict verdict = Verdict::kOk;
  std::string code;    // AWS error code, or the transport failure
  std::string detail;  // human explanation, one line
};

Classification Classify(const HttpResponse& response);

const char* VerdictName(Verdict verdict);

// What became of a request, as the metrics count it.
enum class Outcome {
  kOk,              // accepted
  kThrottled,       // ThrottlingException and the like, or HTTP 429
  kServerError,     // 5xx and other answers that are not CloudWatch's
  kSetup,           // ResourceNotFound, ResourceAlreadyExists: steps of creating a stream
  kClientError,     // refused for what it asked (invalid, or a final refusal)
  kAuthError,       // credentials, signature or its time refused
  kTransportError,  // no answer: connection, timeout, TLS
};
inline constexpr size_t kOutcomeCount = 7;
Outcome OutcomeOf(const HttpResponse& response, const Classification& c);
// "ok", "throttled", "server_error", "setup", "client_error", "auth_error",
// "transport_error".
const char* OutcomeName(Outcome outcome);
// A transport failure in a few words: "TLS failed", "timed out", ...
const char* TransportName(TransportError e);

// "Code: detail", or the code alone: for messages.
std::string Describe(const Classification& c);

}  // namespace edgelog

#endif  // EDGELOG_AGENT_SEND_CLASSIFY_H_
