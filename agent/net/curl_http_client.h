// CurlHttpClient: HttpClient over libcurl's multi interface, driven by the
// platform Poller (libcurl tells which sockets to watch; the Poller calls
// back when they are ready). Connections are kept alive and reused.
#ifndef EDGELOG_AGENT_NET_CURL_HTTP_CLIENT_H_
#define EDGELOG_AGENT_NET_CURL_HTTP_CLIENT_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "agent/base/status.h"
#include "agent/net/http_client.h"
#include "platform/clock.h"
#include "platform/poller.h"

namespace edgelog {

struct CurlHttpOptions {
  std::string ca_file;  // empty: libcurl's built-in default
  int64_t connect_timeout_ms = 10000;
  int64_t request_timeout_ms = 60000;
  int max_connections = 8;
  std::string user_agent = "edgelog";
};

class CurlHttpClient final : public HttpClient, public PollHandler {
 public:
  // `poller` and `clock` must outlive the client.
  static StatusOr<std::unique_ptr<CurlHttpClient>> Create(
      Poller& poller, Clock& clock, const CurlHttpOptions& options);
  ~CurlHttpClient() override;

  void Start(HttpRequest request) override;
  std::vector<HttpResponse> Poll() override;
  int64_t NextTimeoutMs() override;
  size_t in_flight() const override;

  void OnPollEvent(int fd, uint32_t events) override;

 private:
  struct Impl;
  explicit CurlHttpClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace edgelog

#endif  // EDGELOG_AGENT_NET_CURL_HTTP_CLIENT_H_
