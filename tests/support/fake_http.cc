#include "tests/support/fake_http.h"

#include <strings.h>

namespace edgelog::testing {

std::string SeenRequest::header(const std::string& name) const {
  for (const HttpHeader& h : request.headers) {
    if (strcasecmp(h.name.c_str(), name.c_str()) == 0) return h.value;
  }
  return "";
}

void FakeHttp::Start(HttpRequest request) {
  SeenRequest seen;
  seen.body = std::string(request.body);
  seen.request = std::move(request);
  seen.request.body = {};
  std::string target = seen.header("X-Amz-Target");
  seen.target = target.substr(target.find('.') + 1);
  seen_.push_back(std::move(seen));
  pending_.push_back(seen_.size() - 1);
}

std::vector<HttpResponse> FakeHttp::Poll() {
  std::vector<HttpResponse> done;
  std::deque<size_t> still;
  for (size_t index : pending_) {
    const SeenRequest& seen = seen_[index];
    std::optional<HttpResponse> answer = responder_ ? responder_(seen) : Ok();
    if (!answer) {
      still.push_back(index);
      continue;
    }
    answer->tag = seen.request.tag;
    done.push_back(std::move(*answer));
  }
  pending_ = std::move(still);
  return done;
}

std::vector<SeenRequest> FakeHttp::requests_for(const std::string& operation) const {
  std::vector<SeenRequest> out;
  for (const SeenRequest& s : seen_) {
    if (s.target == operation) out.push_back(s);
  }
  return out;
}

HttpResponse FakeHttp::Ok(const std::string& body) {
  HttpResponse r;
  r.status = 200;
  r.body = body;
  r.request_id = "fake-request-id";
  return r;
}

HttpResponse FakeHttp::AwsError(int status, const std::string& code,
                                const std::string& message) {
  HttpResponse r;
  r.status = status;
  r.request_id = "fake-request-id";
  r.body = "{\"__type\":\"" + code + "\",\"message\":\"" + message + "\"}";
  return r;
}

HttpResponse FakeHttp::Transport(TransportError error) {
  HttpResponse r;
  r.transport_error = error;
  r.error_message = "injected transport failure";
  return r;
}

}  // namespace edgelog::testing
