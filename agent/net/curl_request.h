// What edgelog's two libcurl clients (the event-loop one and the blocking
// one) share: how a request is put on an easy handle, and how libcurl's
// answer becomes an HttpResponse.
#ifndef EDGELOG_AGENT_NET_CURL_REQUEST_H_
#define EDGELOG_AGENT_NET_CURL_REQUEST_H_

#include <curl/curl.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "agent/net/http_client.h"

namespace edgelog {

struct CurlRequest {
  std::string_view method;
  std::string_view url;
  const std::vector<HttpHeader>* headers = nullptr;
  std::string_view body;  // must outlive the transfer
  std::string_view user_agent;
  std::string_view ca_file;  // "" : libcurl's default
  int64_t connect_timeout_ms = 0;
  int64_t timeout_ms = 0;
  bool direct = false;  // never through a proxy
};

// Sets every option of `request` on `easy`: method, URL, headers, body,
// TLS (1.2 at least, peer and host verified), proxy, timeouts, and the
// callbacks that fill `response` (body cut at 1 MiB; Date and
// x-amzn-ErrorType headers) and `error` (CURL_ERROR_SIZE bytes). Proxies:
// libcurl reads http_proxy, https_proxy / HTTPS_PROXY and no_proxy /
// NO_PROXY itself; HTTP_PROXY is applied here, as the AWS SDKs do. Returns
// the header list, to free with curl_slist_free_all after the transfer.
curl_slist* ConfigureCurlRequest(CURL* easy, const CurlRequest& request, HttpResponse* response,
                                 char* error);

// Fills the status (CURLE_OK) or the transport error of `response`.
void FinishCurlResponse(CURL* easy, CURLcode code, const char* error, HttpResponse* response);

}  // namespace edgelog

#endif  // EDGELOG_AGENT_NET_CURL_REQUEST_H_
