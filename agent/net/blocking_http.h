// BlockingHttp: one request at a time, waited for. For the credential
// sources (IMDS, the ECS endpoint, STS) and `edgelog doctor`, which run
// before the main loop or on the credential refresh thread, never on the
// main loop itself.
#ifndef EDGELOG_AGENT_NET_BLOCKING_HTTP_H_
#define EDGELOG_AGENT_NET_BLOCKING_HTTP_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "agent/net/http_client.h"

namespace edgelog {

struct BlockingRequest {
  std::string method = "GET";
  std::string url;
  std::vector<HttpHeader> headers;
  std::string body;
  int64_t connect_timeout_ms = 1000;
  int64_t timeout_ms = 5000;  // the whole request
  // Never through a proxy, whatever HTTPS_PROXY or HTTP_PROXY say: the
  // instance metadata service and the ECS credential endpoint are local.
  bool direct = false;
};

class BlockingHttp {
 public:
  virtual ~BlockingHttp() = default;
  // Performs `request` and returns its answer, or a transport error in the
  // response (tag is 0). Safe to call from any thread; calls do not overlap
  // within one object (the credential refresher is the only caller).
  virtual HttpResponse Do(const BlockingRequest& request) = 0;
};

// libcurl's easy interface. `ca_file`: as CurlHttpOptions::ca_file. Proxies
// as the main client: HTTPS_PROXY / https_proxy, HTTP_PROXY / http_proxy,
// NO_PROXY / no_proxy.
std::unique_ptr<BlockingHttp> NewCurlBlockingHttp(const std::string& ca_file,
                                                  const std::string& user_agent);

}  // namespace edgelog

#endif  // EDGELOG_AGENT_NET_BLOCKING_HTTP_H_
