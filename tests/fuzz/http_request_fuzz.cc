// The operator's endpoints' parsers (platform/http_server.h): a request
// head from any client that can connect, and a listen address from the
// config.
//
// Input: the head. Checked: a head is accepted (0) only for GET or HEAD, a
// target starting with '/' and holding no space, control byte or DEL, and
// HTTP/1.0 or 1.1; otherwise 400 or 405, nothing else. The first line read
// as a listen address gives a port from 1 to 65535 and a host with no
// bracket, or a reason.
#include <cstdint>
#include <string>

#include "platform/http_server.h"
#include "tests/fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace edgelog;
  const std::string head(reinterpret_cast<const char*>(data), size);
  ServedRequest request;
  int status = ParseRequestHead(head, &request);
  FUZZ_CHECK(status == 0 || status == 400 || status == 405);
  if (status == 0) {
    FUZZ_CHECK(request.method == "GET" || request.method == "HEAD");
    FUZZ_CHECK(!request.target.empty() && request.target[0] == '/');
    for (char c : request.target) {
      FUZZ_CHECK(static_cast<unsigned char>(c) > 0x20 && c != 0x7f);
    }
    // The target as sent, or the path of its absolute form.
    std::string line = head.substr(0, head.find('\n'));
    std::string sent = line.substr(request.method.size() + 1);
    sent = sent.substr(0, sent.find(' '));
    bool absolute = sent.rfind("http://", 0) == 0 || sent.rfind("https://", 0) == 0;
    FUZZ_CHECK(absolute ? (request.target == "/" ||
                           sent.compare(sent.size() - request.target.size(),
                                        std::string::npos, request.target) == 0)
                        : sent == request.target);
    FUZZ_CHECK(line.compare(0, request.method.size() + 1, request.method + " ") == 0);
  }

  const std::string address = head.substr(0, head.find('\n'));
  std::string host;
  uint16_t port = 0;
  Status s = ParseListenAddress(address, &host, &port);
  if (s.ok()) {
    FUZZ_CHECK(port >= 1);
    FUZZ_CHECK(!host.empty());
    FUZZ_CHECK(host.find('[') == std::string::npos && host.find(']') == std::string::npos);
    FUZZ_CHECK(address.size() > host.size() + 1);
  } else {
    FUZZ_CHECK(!s.message().empty());
  }
  return 0;
}
