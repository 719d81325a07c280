// HttpServer over a non-blocking listening socket and epoll.
#include "platform/http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <deque>
#include <map>
#include <vector>

#include "platform/posix/errno_status.h"
#include "platform/posix/unique_fd.h"

namespace edgelog {
namespace {

const char* Reason(int status) {
  switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 431: return "Request Header Fields Too Large";
    case 503: return "Service Unavailable";
    default: return "Unknown";
  }
}

std::string Serialize(const ServedResponse& r, bool head_only) {
  std::string out = "HTTP/1.1 " + std::to_string(r.status) + " " + Reason(r.status) + "\r\n";
  out += "Content-Type: " + r.content_type + "\r\n";
  out += "Content-Length: " + std::to_string(r.body.size()) + "\r\n";
  if (r.status == 405) out += "Allow: GET, HEAD\r\n";
  out += "Connection: close\r\n\r\n";
  if (!head_only) out += r.body;
  return out;
}

int64_t MonotonicMs() {
  timespec ts;
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

ServedResponse Plain(int status, const std::string& body) {
  ServedResponse r;
  r.status = status;
  r.body = body;
  return r;
}

class PosixHttpServer final : public HttpServer, public PollHandler {
 public:
  PosixHttpServer(Poller& poller, UniqueFd listener, std::string address,
                  RequestHandler handler)
      : poller_(poller),
        listener_(std::move(listener)),
        address_(std::move(address)),
        handler_(std::move(handler)) {}

  ~PosixHttpServer() override {
    for (auto& [fd, c] : connections_) poller_.Unwatch(fd);
    poller_.Unwatch(listener_.get());
  }

  Status Start() { return poller_.Watch(listener_.get(), kPollReadable, this); }

  std::string address() const override { return address_; }

  void OnPollEvent(int fd, uint32_t events) override {
    if (fd == listener_.get()) {
      Accept();
      return;
    }
    auto it = connections_.find(fd);
    if (it == connections_.end()) return;
    Connection& c = it->second;
    if (c.out.empty() && (events & (kPollReadable | kPollError))) Read(fd, c);
    // Read may have closed it (c is gone then), or answered: written at once.
    if (connections_.count(fd) > 0 && !c.out.empty()) Write(fd, c);
  }

 private:
  struct Connection {
    UniqueFd fd;
    int64_t accepted_ms = 0;  // monotonic
    std::string in;
    std::string out;  // the answer, once there is one
    size_t written = 0;
  };

  void Accept() {
    for (;;) {
      int fd = ::accept4(listener_.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) return;  // EAGAIN, or an error of one connection: the next try
      CloseSilent(MonotonicMs());
      if (connections_.size() >= kMaxConnections) MakeRoom();
      Connection c;
      c.fd = UniqueFd(fd);
      c.accepted_ms = MonotonicMs();
      if (!poller_.Watch(fd, kPollReadable, this).ok()) continue;  // c closes it
      connections_.emplace(fd, std::move(c));
      order_.push_back(fd);
    }
  }

  // Connections that have not sent a whole request head within
  // kHeadTimeoutMs are closed when the next one comes (no timer: a silent
  // client costs nothing until then), so that a flood of silent ones goes
  // before the oldest live one.
  void CloseSilent(int64_t now) {
    std::vector<int> silent;
    for (int fd : order_) {
      const Connection& c = connections_.at(fd);
      if (c.out.empty() && now - c.accepted_ms >= kHeadTimeoutMs) silent.push_back(fd);
    }
    for (int fd : silent) Close(fd);
  }

  // At kMaxConnections, for a new connection: first whatever has arrived
  // is served (a probe queued behind a flood is answered, not cut off),
  // then the oldest connection that has sent nothing goes, else the oldest.
  void MakeRoom() {
    std::vector<int> open(order_.begin(), order_.end());
    for (int fd : open) {
      auto it = connections_.find(fd);
      if (it == connections_.end()) continue;
      if (it->second.out.empty()) Read(fd, it->second);
      it = connections_.find(fd);  // Read may have closed it
      if (it != connections_.end() && !it->second.out.empty()) Write(fd, it->second);
    }
    if (connections_.size() < kMaxConnections) return;
    for (int fd : order_) {
      const Connection& c = connections_.at(fd);
      if (c.in.empty() && c.out.empty()) {
        Close(fd);
        return;
      }
    }
    Close(order_.front());
  }

  void Read(int fd, Connection& c) {
    char buf[2048];
    bool ended = false;  // the client closed (or half-closed) its side
    for (;;) {
      ssize_t n = ::read(fd, buf, sizeof(buf));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
      if (n < 0) {
        Close(fd);
        return;
      }
      if (n == 0) {
        ended = true;
        break;
      }
      c.in.append(buf, static_cast<size_t>(n));
      if (c.in.size() > kMaxRequestBytes) break;
    }
    size_t end = c.in.find("\r\n\r\n");
    if (end == std::string::npos) end = c.in.find("\n\n");
    if (end == std::string::npos && c.in.size() <= kMaxRequestBytes) {
      if (ended) Close(fd);  // closed before a whole request
      return;                // else more to come
    }
    if (end == std::string::npos || end > kMaxRequestBytes) {
      c.out = Serialize(Plain(431, "request head too large\n"), false);
    } else {
      ServedRequest request;
      int refused = ParseRequestHead(c.in.substr(0, end), &request);
      if (refused == 405) {
        c.out = Serialize(Plain(405, "only GET and HEAD\n"), false);
      } else if (refused != 0) {
        c.out = Serialize(Plain(refused, "not an HTTP/1 request\n"), false);
      } else {
        c.out = Serialize(handler_(request), request.method == "HEAD");
      }
    }
    c.in.clear();
    if (!poller_.Watch(fd, kPollWritable, this).ok()) Close(fd);
  }

  void Write(int fd, Connection& c) {
    while (c.written < c.out.size()) {
      ssize_t n = ::send(fd, c.out.data() + c.written, c.out.size() - c.written, MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;  // when writable
      if (n <= 0) break;
      c.written += static_cast<size_t>(n);
    }
    Close(fd);
  }

  void Close(int fd) {
    poller_.Unwatch(fd);
    connections_.erase(fd);
    for (auto it = order_.begin(); it != order_.end(); ++it) {
      if (*it == fd) {
        order_.erase(it);
        break;
      }
    }
  }

  Poller& poller_;
  UniqueFd listener_;
  std::string address_;
  RequestHandler handler_;
  std::map<int, Connection> connections_;
  std::deque<int> order_;  // oldest first
};

}  // namespace

StatusOr<std::unique_ptr<HttpServer>> ListenHttp(Poller& poller, const std::string& host,
                                                 uint16_t port, RequestHandler handler) {
  std::string numeric = host == "localhost" ? "127.0.0.1" : host;
  sockaddr_storage addr = {};
  socklen_t addr_len = 0;
  bool v6 = numeric.find(':') != std::string::npos;
  if (v6) {
    auto* a = reinterpret_cast<sockaddr_in6*>(&addr);
    a->sin6_family = AF_INET6;
    a->sin6_port = htons(port);
    if (::inet_pton(AF_INET6, numeric.c_str(), &a->sin6_addr) != 1) {
      return Status::InvalidArgument("\"" + host + "\" is not an IPv6 address");
    }
    addr_len = sizeof(sockaddr_in6);
  } else {
    auto* a = reinterpret_cast<sockaddr_in*>(&addr);
    a->sin_family = AF_INET;
    a->sin_port = htons(port);
    if (::inet_pton(AF_INET, numeric.c_str(), &a->sin_addr) != 1) {
      return Status::InvalidArgument("\"" + host + "\" is not an IPv4 address (nor "
                                     "localhost, nor [IPv6])");
    }
    addr_len = sizeof(sockaddr_in);
  }
  std::string shown = (v6 ? "[" + numeric + "]" : numeric) + ":" + std::to_string(port);
  UniqueFd fd(::socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return ErrnoStatus(errno, "socket", shown);
  int one = 1;
  ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), addr_len) != 0) {
    return ErrnoStatus(errno, "bind", shown);
  }
  if (::listen(fd.get(), 128) != 0) return ErrnoStatus(errno, "listen", shown);
  sockaddr_storage bound = {};
  socklen_t bound_len = sizeof(bound);
  if (::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&bound), &bound_len) == 0) {
    uint16_t p = v6 ? ntohs(reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port)
                    : ntohs(reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
    shown = (v6 ? "[" + numeric + "]" : numeric) + ":" + std::to_string(p);
  }
  auto server = std::make_unique<PosixHttpServer>(poller, std::move(fd), shown,
                                                  std::move(handler));
  EDGELOG_RETURN_IF_ERROR(server->Start());
  return std::unique_ptr<HttpServer>(std::move(server));
}

}  // namespace edgelog
