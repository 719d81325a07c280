#include "agent/aws/creds/imds.h"

#include <cstdint>
#include <string_view>
#include <utility>

#include "agent/aws/creds/credential_document.h"
#include "agent/aws/creds/sts.h"
#include "agent/text/ascii.h"

namespace edgelog {
namespace {

// IMDSv2.

constexpr char kImdsEndpoint[] = "http://169.254.169.254";
constexpr char kImdsEndpointIpv6[] = "http://[fd00:ec2::254]";
constexpr char kTokenPath[] = "/latest/api/token";
constexpr char kTokenTtlHeader[] = "X-aws-ec2-metadata-token-ttl-seconds";
constexpr char kTokenHeader[] = "X-aws-ec2-metadata-token";
// The longest session token IMDS grants: 6 hours.
constexpr int64_t kTokenTtlSeconds = 21600;
// A token is replaced this long before it expires, so none is used late.
constexpr int64_t kTokenRefreshMarginMs = 5 * 60 * 1000;
// IMDS is on the local link: it answers at once or not at all.
constexpr int64_t kImdsTimeoutMs = 1000;
constexpr char kCredentialsPath[] = "meta-data/iam/security-credentials/";
constexpr char kHopLimitFix[] =
    "aws ec2 modify-instance-metadata-options --instance-id ID "
    "--http-put-response-hop-limit 2";

BlockingRequest ImdsRequest(std::string method, std::string url) {
  BlockingRequest r;
  r.method = std::move(method);
  r.url = std::move(url);
  r.connect_timeout_ms = kImdsTimeoutMs;
  r.timeout_ms = kImdsTimeoutMs;
  r.direct = true;
  return r;
}

// The instance role source.

class ImdsSource final : public CredentialSource {
 public:
  explicit ImdsSource(ImdsClient& imds) : imds_(imds) {}

  StatusOr<SourcedCredentials> Fetch() override {
    if (imds_.disabled()) {
      return Status::NotFound("the instance metadata service is turned off "
                              "(AWS_EC2_METADATA_DISABLED=true)");
    }
    auto list = imds_.Get(kCredentialsPath);
    if (!list.ok()) {
      if (imds_.unreachable()) {
        return Status::NotFound("no instance metadata service at " + imds_.endpoint() +
                                " (not on EC2)");
      }
      if (list.status().code() == Code::kNotFound) return NoRole();
      return list.status();
    }
    std::string role = TrimAsciiSpace(std::string_view(*list).substr(0, list->find('\n')));
    if (role.empty()) return NoRole();
    const std::string what = "EC2 instance role " + role;
    auto document = imds_.Get(kCredentialsPath + role);
    if (!document.ok()) {
      if (document.status().code() == Code::kNotFound) {
        return Status::Unavailable(what + ": the instance metadata service names the role but "
                                          "has no credentials for it yet; try again shortly");
      }
      return document.status();
    }
    auto credentials = ParseCredentialDocument(*document, what);
    if (credentials.ok()) credentials->source = what;
    return credentials;
  }

  std::string Name() const override { return "EC2 instance metadata"; }

 private:
  static Status NoRole() {
    return Status::NotFound(
        "no IAM role is attached to this instance; attach an instance profile with "
        "`aws ec2 associate-iam-instance-profile`");
  }

  ImdsClient& imds_;
};

// The container credential source.

}  // namespace

ImdsClient::ImdsClient(Env& env, Clock& clock, BlockingHttp& http)
    : env_(env), clock_(clock), http_(http) {
  disabled_ = AsciiLower(TrimAsciiSpace(env_.GetVar("AWS_EC2_METADATA_DISABLED").value_or(""))) == "true";
  endpoint_ = TrimAsciiSpace(env_.GetVar("AWS_EC2_METADATA_SERVICE_ENDPOINT").value_or(""));
  if (endpoint_.empty()) {
    std::string mode = AsciiLower(env_.GetVar("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE").value_or(""));
    endpoint_ = mode == "ipv6" ? kImdsEndpointIpv6 : kImdsEndpoint;
  }
  while (!endpoint_.empty() && endpoint_.back() == '/') endpoint_.pop_back();
}

HttpResponse ImdsClient::DoWithRetry(const BlockingRequest& request) {
  HttpResponse r = http_.Do(request);
  if (r.transport_error != TransportError::kNone) r = http_.Do(request);
  return r;
}

bool ImdsClient::Answers() {
  HttpResponse r = http_.Do(ImdsRequest("GET", endpoint_ + "/latest/meta-data/"));
  return r.transport_error == TransportError::kNone;
}

Status ImdsClient::EnsureToken() {
  if (!token_.empty() && clock_.MonotonicMillis() < token_expires_ms_) return Status::Ok();
  token_.clear();
  BlockingRequest put = ImdsRequest("PUT", endpoint_ + kTokenPath);
  put.headers.push_back({kTokenTtlHeader, std::to_string(kTokenTtlSeconds)});
  int64_t asked_ms = clock_.MonotonicMillis();
  HttpResponse r = DoWithRetry(put);
  if (r.transport_error != TransportError::kNone) {
    if (!Answers()) {
      unreachable_ = true;
      return Status::Unavailable("no instance metadata service at " + endpoint_ +
                                 " (not on EC2?): " + r.error_message);
    }
    if (r.transport_error == TransportError::kTimeout) {
      return Status::Unavailable(
          "the instance metadata service did not answer the token request (PUT " +
          std::string(kTokenPath) + ") within " + std::to_string(kImdsTimeoutMs / 1000) +
          " s: in a container this is the IMDSv2 hop limit of 1; raise it with `" +
          kHopLimitFix + "`");
    }
    return Status::Unavailable("the instance metadata service at " + endpoint_ +
                               " answers, but the token request (PUT " + kTokenPath +
                               ") failed: " + r.error_message);
  }
  if (r.status == 403) {
    return Status::PermissionDenied(
        "the instance metadata service at " + endpoint_ +
        " refused a session token (HTTP 403): it is turned off for this instance; turn it on "
        "with `aws ec2 modify-instance-metadata-options --instance-id ID --http-endpoint "
        "enabled`");
  }
  std::string token = TrimAsciiSpace(r.body);
  if (r.status != 200 || token.empty()) {
    return Status::Unavailable("the instance metadata service at " + endpoint_ +
                               " answered the token request (PUT " + kTokenPath +
                               ") with HTTP " + std::to_string(r.status) +
                               (r.status == 200 ? " and no token" : ""));
  }
  token_ = std::move(token);
  token_expires_ms_ = asked_ms + kTokenTtlSeconds * 1000 - kTokenRefreshMarginMs;
  return Status::Ok();
}

StatusOr<std::string> ImdsClient::Get(const std::string& path) {
  unreachable_ = false;
  if (disabled_) {
    return Status::NotFound(
        "the instance metadata service is turned off (AWS_EC2_METADATA_DISABLED=true)");
  }
  size_t first = path.find_first_not_of('/');
  const std::string relative =
      "/latest/" + (first == std::string::npos ? std::string() : path.substr(first));
  HttpResponse r;
  for (int attempt = 0; attempt < 2; ++attempt) {
    EDGELOG_RETURN_IF_ERROR(EnsureToken());
    BlockingRequest get = ImdsRequest("GET", endpoint_ + relative);
    get.headers.push_back({kTokenHeader, token_});
    r = DoWithRetry(get);
    if (r.transport_error != TransportError::kNone) {
      return Status::Unavailable("the instance metadata service at " + endpoint_ +
                                 " did not answer GET " + relative + ": " + r.error_message);
    }
    if (r.status != 401) break;
    token_.clear();  // expired or revoked early: one more try with a new one
  }
  switch (r.status) {
    case 200:
      return std::move(r.body);
    case 404:
      return Status::NotFound("the instance metadata service has no " + relative +
                              " (HTTP 404)");
    case 401:
    case 403:
      return Status::PermissionDenied("the instance metadata service refused GET " + relative +
                                      " (HTTP " + std::to_string(r.status) + ")");
    default:
      return Status::Unavailable("the instance metadata service answered GET " + relative +
                                 " with HTTP " + std::to_string(r.status));
  }
}

std::unique_ptr<CredentialSource> NewImdsSource(ImdsClient& imds) {
  return std::make_unique<ImdsSource>(imds);
}

}  // namespace edgelog
