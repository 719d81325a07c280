#include "agent/net/curl_request.h"

#include <strings.h>

#include <algorithm>
#include <cstdlib>

namespace edgelog {
namespace {

// Answers from AWS are small; anything bigger is cut (and then fails to
// parse, which the caller reports).
constexpr size_t kMaxResponseBytes = 1 << 20;

TransportError ToTransportError(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
      return TransportError::kConnect;
    case CURLE_OPERATION_TIMEDOUT:
      return TransportError::kTimeout;
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_WEIRD_SERVER_REPLY:
      return TransportError::kConnection;
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
      return TransportError::kCertificate;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
      return TransportError::kTls;
    default:
      return TransportError::kOther;
  }
}

bool HeaderIs(std::string_view line, std::string_view name) {
  if (line.size() <= name.size() || line[name.size()] != ':') return false;
  return strncasecmp(line.data(), name.data(), name.size()) == 0;
}

std::string HeaderValue(std::string_view line, size_t name_length) {
  std::string_view v = line.substr(name_length + 1);
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == '\r' || v.back() == '\n' || v.back() == ' ')) {
    v.remove_suffix(1);
  }
  return std::string(v);
}

size_t OnBody(char* data, size_t size, size_t n, void* userp) {
  auto* r = static_cast<HttpResponse*>(userp);
  size_t bytes = size * n;
  size_t room = kMaxResponseBytes - std::min(kMaxResponseBytes, r->body.size());
  r->body.append(data, std::min(bytes, room));
  return bytes;
}

size_t OnHeader(char* data, size_t size, size_t n, void* userp) {
  auto* r = static_cast<HttpResponse*>(userp);
  std::string_view line(data, size * n);
  if (line.rfind("HTTP/", 0) == 0) {  // a new response (after 100, proxies)
    r->date.clear();
    r->amzn_error_type.clear();
    r->request_id.clear();
  } else if (HeaderIs(line, "date")) {
    r->date = HeaderValue(line, 4);
  } else if (HeaderIs(line, "x-amzn-errortype")) {
    r->amzn_error_type = HeaderValue(line, 16);
  } else if (HeaderIs(line, "x-amzn-requestid")) {
    r->request_id = HeaderValue(line, 16);
  }
  return size * n;
}

// The proxy for a plain-http URL from HTTP_PROXY, when only the upper-case
// variable is set. libcurl ignores HTTP_PROXY on purpose (the CGI
// "httpoxy" problem), while the AWS SDKs honour it. The one place outside
// platform/ that reads the environment: libcurl reads the same environment
// directly anyway, and no_proxy still applies to what is set here.
const char* UpperCaseHttpProxy() {
  const char* lower = std::getenv("http_proxy");
  if (lower != nullptr && *lower != '\0') return nullptr;
  const char* upper = std::getenv("HTTP_PROXY");
  return upper != nullptr && *upper != '\0' ? upper : nullptr;
}

}  // namespace

curl_slist* ConfigureCurlRequest(CURL* e, const CurlRequest& request, HttpResponse* response,
                                 char* error) {
  std::string url(request.url);
  curl_easy_setopt(e, CURLOPT_URL, url.c_str());
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_1_1);
  if (request.method == "GET") {
    curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
  } else {
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    if (request.method != "POST") {
      std::string method(request.method);
      curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, method.c_str());
    }
  }
  curl_slist* headers = nullptr;
  if (request.headers != nullptr) {
    for (const HttpHeader& h : *request.headers) {
      std::string line = h.name + ": " + h.value;
      headers = curl_slist_append(headers, line.c_str());
    }
  }
  headers = curl_slist_append(headers, "Expect:");  // no 100-continue round trip
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, headers);
  std::string user_agent(request.user_agent);
  curl_easy_setopt(e, CURLOPT_USERAGENT, user_agent.c_str());
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_SSLVERSION, static_cast<long>(CURL_SSLVERSION_TLSv1_2));
  curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!request.ca_file.empty()) {
    std::string ca(request.ca_file);
    curl_easy_setopt(e, CURLOPT_CAINFO, ca.c_str());
  }
  if (request.direct) {
    curl_easy_setopt(e, CURLOPT_PROXY, "");
    curl_easy_setopt(e, CURLOPT_NOPROXY, "*");
  } else if (strncasecmp(url.c_str(), "http://", 7) == 0) {
    if (const char* proxy = UpperCaseHttpProxy()) curl_easy_setopt(e, CURLOPT_PROXY, proxy);
  }
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(request.connect_timeout_ms));
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout_ms));
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &OnBody);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, response);
  curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, &OnHeader);
  curl_easy_setopt(e, CURLOPT_HEADERDATA, response);
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, error);
  return headers;
}

void FinishCurlResponse(CURL* easy, CURLcode code, const char* error, HttpResponse* response) {
  if (code == CURLE_OK) {
    long status = 0;
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
    response->status = static_cast<int>(status);
    return;
  }
  response->transport_error = ToTransportError(code);
  response->error_message = error[0] != '\0' ? error : curl_easy_strerror(code);
  if (response->transport_error == TransportError::kTls) {
    // A handshake cut short by the network (the connection reset or closed
    // under it: an endpoint restarting, a load balancer) is an outage, not a
    // refusal of edgelog's TLS: retried as long as any outage.
    long os_errno = 0;
    curl_easy_getinfo(easy, CURLINFO_OS_ERRNO, &os_errno);
    const std::string& m = response->error_message;
    if (os_errno != 0 || m.find("SSL_ERROR_SYSCALL") != std::string::npos ||
        m.find("unexpected eof") != std::string::npos ||
        m.find("Connection reset") != std::string::npos) {
      response->transport_error = TransportError::kConnection;
    }
  }
  response->body.clear();
}

}  // namespace edgelog
