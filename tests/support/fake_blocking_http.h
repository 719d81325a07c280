// A scripted BlockingHttp: each request is recorded and answered by the
// responder (a 404 when there is none).
#ifndef EDGELOG_TESTS_SUPPORT_FAKE_BLOCKING_HTTP_H_
#define EDGELOG_TESTS_SUPPORT_FAKE_BLOCKING_HTTP_H_

#include <strings.h>

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "agent/net/blocking_http.h"

namespace edgelog {
namespace testing {

class FakeBlockingHttp : public BlockingHttp {
 public:
  using Responder = std::function<HttpResponse(const BlockingRequest&)>;

  void set_responder(Responder r) { responder_ = std::move(r); }
  HttpResponse Do(const BlockingRequest& request) override {
    requests_.push_back(request);
    if (responder_) return responder_(request);
    return Answer(404, "");
  }
  const std::vector<BlockingRequest>& requests() const { return requests_; }

  static HttpResponse Answer(int status, std::string body) {
    HttpResponse r;
    r.status = status;
    r.body = std::move(body);
    return r;
  }
  // The value of header `name` (any case) of `r`; "" when it has none.
  static std::string Header(const BlockingRequest& r, const std::string& name) {
    for (const HttpHeader& h : r.headers) {
      if (strcasecmp(h.name.c_str(), name.c_str()) == 0) return h.value;
    }
    return "";
  }
  static bool HasHeader(const BlockingRequest& r, const std::string& name) {
    for (const HttpHeader& h : r.headers) {
      if (strcasecmp(h.name.c_str(), name.c_str()) == 0) return true;
    }
    return false;
  }
  static HttpResponse Failure(TransportError error, std::string message = "injected") {
    HttpResponse r;
    r.transport_error = error;
    r.error_message = std::move(message);
    return r;
  }

 private:
  Responder responder_;
  std::vector<BlockingRequest> requests_;
};

}  // namespace testing
}  // namespace edgelog

#endif  // EDGELOG_TESTS_SUPPORT_FAKE_BLOCKING_HTTP_H_
