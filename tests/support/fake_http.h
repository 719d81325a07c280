// FakeHttp: an HttpClient whose answers a test scripts, and a Poller that
// only moves a FakeClock, so the main loop runs deterministically.
#ifndef EDGELOG_TESTS_SUPPORT_FAKE_HTTP_H_
#define EDGELOG_TESTS_SUPPORT_FAKE_HTTP_H_

#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "agent/net/http_client.h"
#include "platform/poller.h"
#include "tests/support/fake_clock.h"

namespace edgelog::testing {

// A started request, with its body copied.
struct SeenRequest {
  HttpRequest request;
  std::string body;
  std::string target;   // the X-Amz-Target operation, e.g. "PutLogEvents"
  std::string header(const std::string& name) const;
};

class FakeHttp : public HttpClient {
 public:
  // Decides the answer to each request; std::nullopt keeps it in flight
  // (asked again at the next Poll).
  using Responder = std::function<std::optional<HttpResponse>(const SeenRequest&)>;

  // Without a responder every request gets 200 "{}".
  void set_responder(Responder responder) { responder_ = std::move(responder); }

  void Start(HttpRequest request) override;
  std::vector<HttpResponse> Poll() override;
  int64_t NextTimeoutMs() override { return pending_.empty() ? -1 : held_poll_ms_; }
  // How long the loop may sleep while requests are held (0 by default: it
  // polls again at once). A slow endpoint lets time pass between polls.
  void set_held_poll_ms(int64_t ms) { held_poll_ms_ = ms; }
  size_t in_flight() const override { return pending_.size(); }

  // Every request started so far, in order.
  const std::vector<SeenRequest>& requests() const { return seen_; }
  // Forgets the requests seen so far, when none waits for an answer (a
  // long run that only counts them keeps memory flat).
  void ForgetAnswered() {
    if (pending_.empty()) seen_.clear();
  }
  // Requests whose X-Amz-Target is `operation`.
  std::vector<SeenRequest> requests_for(const std::string& operation) const;

  // Handy answers.
  static HttpResponse Ok(const std::string& body = "{}");
  static HttpResponse AwsError(int status, const std::string& code,
                               const std::string& message = "");
  static HttpResponse Transport(TransportError error);

 private:
  Responder responder_;
  std::vector<SeenRequest> seen_;
  std::deque<size_t> pending_;  // indexes into seen_
  int64_t held_poll_ms_ = 0;
};

// A Poller for FakeHttp tests: Wait(t) advances `clock` by t and returns.
class FakePoller : public Poller {
 public:
  explicit FakePoller(FakeClock& clock) : clock_(clock) {}
  Status Watch(int, uint32_t, PollHandler*) override { return Status::Ok(); }
  void Unwatch(int) override {}
  StatusOr<int> Wait(int64_t timeout_ms) override {
    if (timeout_ms > 0) clock_.Advance(timeout_ms);
    waited_ms_ += timeout_ms > 0 ? timeout_ms : 0;
    return 0;
  }
  int64_t waited_ms() const { return waited_ms_; }

 private:
  FakeClock& clock_;
  int64_t waited_ms_ = 0;
};

}  // namespace edgelog::testing

#endif  // EDGELOG_TESTS_SUPPORT_FAKE_HTTP_H_
