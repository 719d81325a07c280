// HttpClient: starts HTTP requests and reports them when they finish.
//
// Requests run concurrently; nothing blocks. The main loop calls Poll()
// after each wait to collect finished requests, and asks NextTimeoutMs()
// how long it may wait. Implementations: CurlHttpClient (libcurl's multi
// interface over the platform Poller) and the scripted fake of the tests.
#ifndef EDGELOG_AGENT_NET_HTTP_CLIENT_H_
#define EDGELOG_AGENT_NET_HTTP_CLIENT_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "agent/net/http_header.h"

namespace edgelog {

struct HttpRequest {
  uint64_t tag = 0;  // returned with the response
  std::string method = "POST";
  std::string url;
  std::vector<HttpHeader> headers;
  // Not copied: must stay valid until the response is returned by Poll().
  std::string_view body;
};

// Why a request got no HTTP answer.
enum class TransportError {
  kNone,        // there is an HTTP status
  kConnect,     // refused, unreachable, DNS failure
  kTimeout,     // connect or transfer took too long
  kConnection,  // reset or closed mid-request, or a malformed answer
  kTls,         // the TLS handshake failed
  kCertificate,  // the server's certificate did not verify against the trusted CAs
  kOther,
};

struct HttpResponse {
  uint64_t tag = 0;
  int status = 0;  // 0 when transport_error != kNone
  TransportError transport_error = TransportError::kNone;
  std::string error_message;  // transport failure detail
  std::string body;
  std::string date;           // the Date header, for clock-skew checks
  std::string amzn_error_type;  // the x-amzn-ErrorType header
  std::string request_id;       // the x-amzn-RequestId header: AWS answered
};

class HttpClient {
 public:
  virtual ~HttpClient() = default;
  // Starts `request`. Its response comes out of a later Poll().
  virtual void Start(HttpRequest request) = 0;
  // Does timer work that is due and returns every request finished since
  // the last call.
  virtual std::vector<HttpResponse> Poll() = 0;
  // Milliseconds until Poll() has timer work to do; -1 when none.
  virtual int64_t NextTimeoutMs() = 0;
  virtual size_t in_flight() const = 0;
};

}  // namespace edgelog

#endif  // EDGELOG_AGENT_NET_HTTP_CLIENT_H_
