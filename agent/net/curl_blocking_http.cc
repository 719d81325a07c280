#include <curl/curl.h>
#include <strings.h>

#include <algorithm>
#include <cstdlib>
#include <string_view>

#include "agent/net/blocking_http.h"
#include "agent/net/curl_request.h"

namespace edgelog {
namespace {

class CurlBlockingHttp final : public BlockingHttp {
 public:
  CurlBlockingHttp(std::string ca_file, std::string user_agent)
      : ca_file_(std::move(ca_file)), user_agent_(std::move(user_agent)) {
    initialised_ = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
    if (initialised_) easy_ = curl_easy_init();
  }
  ~CurlBlockingHttp() override {
    if (easy_ != nullptr) curl_easy_cleanup(easy_);
    if (initialised_) curl_global_cleanup();
  }
  CurlBlockingHttp(const CurlBlockingHttp&) = delete;
  CurlBlockingHttp& operator=(const CurlBlockingHttp&) = delete;

  HttpResponse Do(const BlockingRequest& request) override {
    HttpResponse response;
    if (easy_ == nullptr) {
      response.transport_error = TransportError::kOther;
      response.error_message = "libcurl could not be initialised";
      return response;
    }
    // The handle is kept between calls so its connection cache is reused.
    curl_easy_reset(easy_);
    char error[CURL_ERROR_SIZE] = {};
    CurlRequest r;
    r.method = request.method;
    r.url = request.url;
    r.headers = &request.headers;
    r.body = request.body;
    r.user_agent = user_agent_;
    r.ca_file = ca_file_;
    r.connect_timeout_ms = request.connect_timeout_ms;
    r.timeout_ms = request.timeout_ms;
    r.direct = request.direct;
    curl_slist* headers = ConfigureCurlRequest(easy_, r, &response, error);
    CURLcode code = curl_easy_perform(easy_);
    curl_slist_free_all(headers);
    FinishCurlResponse(easy_, code, error, &response);
    // Nothing below may point at this call's stack once it returns.
    curl_easy_setopt(easy_, CURLOPT_ERRORBUFFER, nullptr);
    return response;
  }

 private:
  std::string ca_file_;
  std::string user_agent_;
  bool initialised_ = false;
  CURL* easy_ = nullptr;
};

}  // namespace

std::unique_ptr<BlockingHttp> NewCurlBlockingHttp(const std::string& ca_file,
                                                  const std::string& user_agent) {
  return std::make_unique<CurlBlockingHttp>(ca_file, user_agent);
}

}  // namespace edgelog
