// The parts of platform/http_server.h that touch no socket: reading a
// listen address and a request head (also linked into the fuzz targets).
#include "platform/http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <string>

namespace edgelog {

Status ParseListenAddress(const std::string& text, std::string* host, uint16_t* port) {
  auto refuse = [](const char* why) { return Status::InvalidArgument(why); };
  if (!text.empty() && text.back() == ']') {
    return refuse("has no port: HOST:PORT, e.g. [::1]:2020");
  }
  size_t colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == text.size()) {
    return refuse("is not HOST:PORT (e.g. 127.0.0.1:2020)");
  }
  std::string h = text.substr(0, colon);
  std::string p = text.substr(colon + 1);
  bool bracketed = h.front() == '[';
  if (bracketed) {
    if (h.size() < 3 || h.back() != ']') {
      return refuse("needs its IPv6 address in brackets, e.g. [::1]:2020");
    }
    h = h.substr(1, h.size() - 2);
  } else if (h.find(':') != std::string::npos) {
    return refuse("needs its IPv6 address in brackets, e.g. [::1]:2020");
  }
  if (h.find_first_of("[]") != std::string::npos) {
    return refuse("has a stray bracket (an IPv6 address goes in brackets, e.g. [::1]:2020)");
  }
  // Numeric, as the socket is bound: no name is looked up (but localhost).
  unsigned char address[sizeof(in6_addr)];
  bool numeric = bracketed ? ::inet_pton(AF_INET6, h.c_str(), address) == 1
                           : h == "localhost" || ::inet_pton(AF_INET, h.c_str(), address) == 1;
  if (!numeric) {
    return refuse(bracketed ? "has no IPv6 address in its brackets"
                            : "names a host that is not an IPv4 address (like 127.0.0.1), "
                              "localhost, or an IPv6 address in brackets");
  }
  uint32_t value = 0;
  for (char ch : p) {
    if (ch < '0' || ch > '9' || value > 65535) {
      return refuse("has a port that is not a number from 1 to 65535");
    }
    value = value * 10 + static_cast<uint32_t>(ch - '0');
  }
  if (value == 0 || value > 65535) return refuse("has a port that is not a number from 1 to 65535");
  *host = h;
  *port = static_cast<uint16_t>(value);
  return Status::Ok();
}

int ParseRequestHead(const std::string& head, ServedRequest* request) {
  size_t line_end = head.find('\n');
  std::string line = head.substr(0, line_end);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  size_t sp1 = line.find(' ');
  size_t sp2 = sp1 == std::string::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp1 == std::string::npos || sp2 == std::string::npos || sp1 == 0 || sp2 == sp1 + 1) {
    return 400;
  }
  std::string version = line.substr(sp2 + 1);
  if (version != "HTTP/1.1" && version != "HTTP/1.0") return 400;
  std::string target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  // The absolute form (a proxy's): the path of http://host:port/path.
  for (const char* scheme : {"http://", "https://"}) {
    size_t n = std::char_traits<char>::length(scheme);
    if (target.size() > n && target.compare(0, n, scheme) == 0) {
      size_t path = target.find('/', n);
      target = path == std::string::npos ? "/" : target.substr(path);
      break;
    }
  }
  if (target.empty() || target[0] != '/') return 400;
  for (char ch : target) {
    if (static_cast<unsigned char>(ch) <= 0x20 || ch == 0x7f) return 400;
  }
  std::string method = line.substr(0, sp1);
  if (method != "GET" && method != "HEAD") return 405;
  request->method = method;
  request->target = target;
  return 0;
}

}  // namespace edgelog
