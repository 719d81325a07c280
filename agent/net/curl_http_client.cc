#include "agent/net/curl_http_client.h"

#include "agent/net/curl_request.h"

#include <curl/curl.h>

#include <algorithm>
#include <cstring>
#include <unordered_map>

namespace edgelog {
struct CurlHttpClient::Impl {
  struct Transfer {
    CURL* easy = nullptr;
    curl_slist* headers = nullptr;
    HttpResponse response;
    char error[CURL_ERROR_SIZE] = {};
  };

  Impl(Poller& p, Clock& c, const CurlHttpOptions& o)
      : poller(p), clock(c), options(o) {}

  Poller& poller;
  Clock& clock;
  CurlHttpOptions options;
  CURLM* multi = nullptr;
  PollHandler* handler = nullptr;  // the owning client, for socket callbacks
  int64_t timer_deadline_ms = -1;
  std::unordered_map<CURL*, std::unique_ptr<Transfer>> transfers;
  std::vector<CURL*> idle_handles;
  std::vector<HttpResponse> finished;

  static int OnSocket(CURL*, curl_socket_t fd, int what, void* userp, void*) {
    auto* self = static_cast<Impl*>(userp);
    if (what == CURL_POLL_REMOVE) {
      self->poller.Unwatch(fd);
      return 0;
    }
    uint32_t interest = 0;
    if (what == CURL_POLL_IN || what == CURL_POLL_INOUT) interest |= kPollReadable;
    if (what == CURL_POLL_OUT || what == CURL_POLL_INOUT) interest |= kPollWritable;
    return self->poller.Watch(fd, interest, self->handler).ok() ? 0 : -1;
  }

  static int OnTimer(CURLM*, long timeout_ms, void* userp) {
    auto* self = static_cast<Impl*>(userp);
    self->timer_deadline_ms =
        timeout_ms < 0 ? -1 : self->clock.MonotonicMillis() + timeout_ms;
    return 0;
  }

  void Configure(Transfer* t, const HttpRequest& request) {
    CurlRequest r;
    r.method = request.method;
    r.url = request.url;
    r.headers = &request.headers;
    r.body = request.body;
    r.user_agent = options.user_agent;
    r.ca_file = options.ca_file;
    r.connect_timeout_ms = options.connect_timeout_ms;
    r.timeout_ms = options.request_timeout_ms;
    t->headers = ConfigureCurlRequest(t->easy, r, &t->response, t->error);
    curl_easy_setopt(t->easy, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(t->easy, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(t->easy, CURLOPT_PRIVATE, t);
  }

  void Finish(CURL* easy, CURLcode code) {
    auto it = transfers.find(easy);
    if (it == transfers.end()) return;
    std::unique_ptr<Transfer> t = std::move(it->second);
    transfers.erase(it);
    curl_multi_remove_handle(multi, easy);
    HttpResponse& r = t->response;
    FinishCurlResponse(easy, code, t->error, &r);
    curl_slist_free_all(t->headers);
    curl_easy_reset(easy);
    idle_handles.push_back(easy);
    finished.push_back(std::move(r));
  }

  void ReadFinished() {
    int pending = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi, &pending)) {
      if (msg->msg == CURLMSG_DONE) Finish(msg->easy_handle, msg->data.result);
    }
  }

  void Act(curl_socket_t fd, int mask) {
    int running = 0;
    curl_multi_socket_action(multi, fd, mask, &running);
    ReadFinished();
  }
};

StatusOr<std::unique_ptr<CurlHttpClient>> CurlHttpClient::Create(
    Poller& poller, Clock& clock, const CurlHttpOptions& options) {
  if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
    return Status::IoError("libcurl could not be initialised");
  }
  auto impl = std::make_unique<Impl>(poller, clock, options);
  impl->multi = curl_multi_init();
  if (impl->multi == nullptr) return Status::IoError("curl_multi_init failed");
  std::unique_ptr<CurlHttpClient> client(new CurlHttpClient(std::move(impl)));
  Impl* i = client->impl_.get();
  i->handler = client.get();
  curl_multi_setopt(i->multi, CURLMOPT_SOCKETFUNCTION, &Impl::OnSocket);
  curl_multi_setopt(i->multi, CURLMOPT_SOCKETDATA, i);
  curl_multi_setopt(i->multi, CURLMOPT_TIMERFUNCTION, &Impl::OnTimer);
  curl_multi_setopt(i->multi, CURLMOPT_TIMERDATA, i);
  curl_multi_setopt(i->multi, CURLMOPT_MAX_HOST_CONNECTIONS,
                    static_cast<long>(options.max_connections));
  curl_multi_setopt(i->multi, CURLMOPT_MAXCONNECTS,
                    static_cast<long>(options.max_connections));
  return client;
}

CurlHttpClient::CurlHttpClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

CurlHttpClient::~CurlHttpClient() {
  for (auto& [easy, t] : impl_->transfers) {
    curl_multi_remove_handle(impl_->multi, easy);
    curl_slist_free_all(t->headers);
    curl_easy_cleanup(easy);
  }
  for (CURL* easy : impl_->idle_handles) curl_easy_cleanup(easy);
  curl_multi_cleanup(impl_->multi);
  curl_global_cleanup();
}

void CurlHttpClient::Start(HttpRequest request) {
  auto t = std::make_unique<Impl::Transfer>();
  if (!impl_->idle_handles.empty()) {
    t->easy = impl_->idle_handles.back();
    impl_->idle_handles.pop_back();
  } else {
    t->easy = curl_easy_init();
  }
  t->response.tag = request.tag;
  impl_->Configure(t.get(), request);
  CURL* easy = t->easy;
  impl_->transfers[easy] = std::move(t);
  CURLMcode rc = curl_multi_add_handle(impl_->multi, easy);
  if (rc != CURLM_OK) {
    Impl::Transfer* failed = impl_->transfers[easy].get();
    std::snprintf(failed->error, sizeof(failed->error), "%s", curl_multi_strerror(rc));
    impl_->Finish(easy, CURLE_FAILED_INIT);
  }
}

std::vector<HttpResponse> CurlHttpClient::Poll() {
  if (impl_->timer_deadline_ms >= 0 &&
      impl_->clock.MonotonicMillis() >= impl_->timer_deadline_ms) {
    impl_->timer_deadline_ms = -1;
    impl_->Act(CURL_SOCKET_TIMEOUT, 0);
  }
  return std::exchange(impl_->finished, {});
}

int64_t CurlHttpClient::NextTimeoutMs() {
  if (impl_->timer_deadline_ms < 0) return -1;
  return std::max<int64_t>(0, impl_->timer_deadline_ms - impl_->clock.MonotonicMillis());
}

size_t CurlHttpClient::in_flight() const { return impl_->transfers.size(); }

void CurlHttpClient::OnPollEvent(int fd, uint32_t events) {
  int mask = 0;
  if (events & kPollReadable) mask |= CURL_CSELECT_IN;
  if (events & kPollWritable) mask |= CURL_CSELECT_OUT;
  if (events & kPollError) mask |= CURL_CSELECT_ERR;
  impl_->Act(fd, mask);
}

}  // namespace edgelog
