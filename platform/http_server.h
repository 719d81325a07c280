// HttpServer: a small HTTP/1.1 server on the main loop's Poller, for the
// operator's endpoints (/metrics, /health). It answers GET and HEAD, one
// request per connection (each answer says Connection: close), from a
// handler called on the loop. Bounded: a request head of at most
// kMaxRequestBytes, at most kMaxConnections open: for a new one, those
// silent for kHeadTimeoutMs are closed, what has arrived is served, then
// the oldest that sent nothing (else the oldest) is closed. A client that
// connects and says nothing costs a slot, never the loop. A request
// followed by a half-close (nc -N) is answered.
#ifndef EDGELOG_PLATFORM_HTTP_SERVER_H_
#define EDGELOG_PLATFORM_HTTP_SERVER_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "agent/base/status.h"
#include "platform/poller.h"

namespace edgelog {

struct ServedRequest {
  std::string method;  // "GET" or "HEAD"
  std::string target;  // as sent: "/metrics", "/health?x=1"
};

struct ServedResponse {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
};

using RequestHandler = std::function<ServedResponse(const ServedRequest&)>;

class HttpServer {
 public:
  static constexpr size_t kMaxRequestBytes = 8192;
  static constexpr size_t kMaxConnections = 16;
  // A connection without a whole request head this long after it was
  // accepted is closed when another one comes.
  static constexpr int64_t kHeadTimeoutMs = 5000;

  virtual ~HttpServer() = default;
  // The address listened on, "HOST:PORT" ("[::1]:PORT" for IPv6), with
  // the port the kernel chose when 0 was asked for.
  virtual std::string address() const = 0;
};

// Listens on `host` (a numeric IPv4 or IPv6 address, or "localhost") and
// `port`. kInvalidArgument for a host that is no address; the bind's
// error (address in use, ...) naming the address otherwise.
StatusOr<std::unique_ptr<HttpServer>> ListenHttp(Poller& poller, const std::string& host,
                                                 uint16_t port, RequestHandler handler);

// "HOST:PORT" → host and port: "127.0.0.1:2020", "[::1]:2020",
// "localhost:2020". kInvalidArgument saying what is wrong.
Status ParseListenAddress(const std::string& text, std::string* host, uint16_t* port);

// The parts of a request head (up to the blank line) the server needs:
// 400 for one that is not HTTP/1.x, 405 for another method than GET and
// HEAD, 0 when fine.
int ParseRequestHead(const std::string& head, ServedRequest* request);

}  // namespace edgelog

#endif  // EDGELOG_PLATFORM_HTTP_SERVER_H_
