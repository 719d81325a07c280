#include "agent/aws/creds/ecs.h"

#include <cstdint>
#include <string_view>
#include <utility>

#include "agent/aws/creds/credential_document.h"
#include "agent/io/file_util.h"
#include "agent/text/ascii.h"

namespace edgelog {
namespace {

// The ECS / container credential endpoint.

constexpr char kEcsEndpoint[] = "http://169.254.170.2";
constexpr char kRelativeUriVar[] = "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI";
constexpr char kFullUriVar[] = "AWS_CONTAINER_CREDENTIALS_FULL_URI";
constexpr char kTokenVar[] = "AWS_CONTAINER_AUTHORIZATION_TOKEN";
constexpr char kTokenFileVar[] = "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE";
// Plain-http hosts the SDKs accept besides loopback: the ECS agent and the
// EKS Pod Identity agent (IPv4 and IPv6).
constexpr const char* kContainerAgentHosts[] = {"169.254.170.2", "169.254.170.23",
                                                "[fd00:ec2::23]"};
constexpr int64_t kEcsConnectTimeoutMs = 2000;
constexpr int64_t kEcsTimeoutMs = 5000;
constexpr size_t kMaxTokenFileBytes = 16 * 1024;

bool IsLoopbackIpv4(const std::string& host) {
  int parts = 0;
  size_t pos = 0;
  while (parts < 4) {
    size_t end = host.find('.', pos);
    std::string part = host.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
    if (part.empty() || part.size() > 3 ||
        part.find_first_not_of("0123456789") != std::string::npos || std::stoi(part) > 255) {
      return false;
    }
    if (parts == 0 && part != "127") return false;
    ++parts;
    if (end == std::string::npos) break;
    pos = end + 1;
  }
  return parts == 4 && host.find('.', pos) == std::string::npos;
}

// "scheme://host[:port]" of an acceptable AWS_CONTAINER_CREDENTIALS_FULL_URI
// (https anywhere; plain http only to loopback or a container agent).
StatusOr<std::string> CheckFullUri(const std::string& uri) {
  size_t scheme_end = uri.find("://");
  std::string scheme = AsciiLower(uri.substr(0, scheme_end));
  if (scheme_end == std::string::npos || (scheme != "http" && scheme != "https")) {
    return Status::InvalidArgument(std::string(kFullUriVar) +
                                   " is not an http:// or https:// URL; set it to the "
                                   "credential endpoint's URL");
  }
  size_t start = scheme_end + 3;
  std::string authority = uri.substr(start, uri.find_first_of("/?#", start) - start);
  if (authority.empty() || authority.find('@') != std::string::npos) {
    return Status::InvalidArgument(std::string(kFullUriVar) +
                                   " has no usable host (user information is not allowed)");
  }
  std::string host = authority[0] == '['
                         ? authority.substr(0, authority.find(']') + 1)
                         : authority.substr(0, authority.find(':'));
  host = AsciiLower(host);
  std::string shown = scheme + "://" + authority;
  if (scheme == "https" || host == "localhost" || host == "[::1]" || IsLoopbackIpv4(host)) {
    return shown;
  }
  for (const char* agent : kContainerAgentHosts) {
    if (host == agent) return shown;
  }
  return Status::InvalidArgument(
      std::string(kFullUriVar) + " " + shown +
      ": plain http is allowed only to a loopback host (127.0.0.0/8, [::1], localhost) or "
      "the ECS and EKS agents (169.254.170.2, 169.254.170.23); use https for other hosts");
}

class EcsSource final : public CredentialSource {
 public:
  EcsSource(Env& env, BlockingHttp& http) : env_(env), http_(http) {}

  StatusOr<SourcedCredentials> Fetch() override {
    std::string relative = env_.GetVar(kRelativeUriVar).value_or("");
    std::string full = env_.GetVar(kFullUriVar).value_or("");
    BlockingRequest request;
    std::string shown;  // the endpoint for messages, without its path
    if (!relative.empty()) {
      request.url = kEcsEndpoint + std::string(relative[0] == '/' ? "" : "/") + relative;
      shown = std::string(kEcsEndpoint) + " (" + kRelativeUriVar + ")";
    } else if (!full.empty()) {
      auto checked = CheckFullUri(full);
      if (!checked.ok()) return checked.status();
      request.url = full;
      shown = *checked + " (" + kFullUriVar + ")";
    } else {
      return Status::NotFound(std::string("neither ") + kRelativeUriVar + " nor " +
                              kFullUriVar + " is set");
    }
    auto token = AuthorizationToken();
    if (!token.ok()) return token.status();
    if (!token->empty()) request.headers.push_back({"Authorization", *token});
    request.connect_timeout_ms = kEcsConnectTimeoutMs;
    request.timeout_ms = kEcsTimeoutMs;
    request.direct = true;

    const std::string what = "the ECS credential endpoint " + shown;
    HttpResponse r = http_.Do(request);
    if (r.transport_error != TransportError::kNone || r.status >= 500) r = http_.Do(request);
    if (r.transport_error != TransportError::kNone) {
      return Status::Unavailable("no answer from " + what + ": " +
                                 QuoteRemote(r.error_message, kMaxQuotedBody, *token));
    }
    if (r.status != 200) return ErrorStatus(what, r, *token);
    auto credentials = ParseCredentialDocument(r.body, what);
    if (credentials.ok()) credentials->source = "ECS container credentials";
    return credentials;
  }

  std::string Name() const override { return "ECS"; }

 private:
  // The Authorization header's value: the token file's contents (read
  // afresh: it is rotated), else the token variable, else "".
  StatusOr<std::string> AuthorizationToken() {
    std::string file = env_.GetVar(kTokenFileVar).value_or("");
    std::string token;
    const char* origin = kTokenVar;
    if (!file.empty()) {
      origin = kTokenFileVar;
      auto contents = ReadWholeFile(env_, file, kMaxTokenFileBytes);
      if (!contents.ok()) {
        Code code = contents.status().code() == Code::kNotFound ? Code::kInvalidArgument
                                                                : contents.status().code();
        return Status(code, "cannot read the container authorization token file " + file +
                                " (" + kTokenFileVar + "): " + contents.status().message());
      }
      token = TrimAsciiSpace(*contents);
      if (token.empty()) {
        return Status::InvalidArgument("the container authorization token file " + file +
                                       " (" + kTokenFileVar + ") is empty");
      }
    } else {
      token = env_.GetVar(kTokenVar).value_or("");
    }
    if (token.find_first_of("\r\n") != std::string::npos) {
      return Status::InvalidArgument(std::string("the container authorization token (") +
                                     origin + ") holds a line break, which an HTTP header "
                                     "cannot carry");
    }
    return token;
  }

  static Status ErrorStatus(const std::string& what, const HttpResponse& r,
                            const std::string& token) {
    std::string message = ErrorMessageOf(r.body);
    std::string text = what + " answered HTTP " + std::to_string(r.status);
    message = QuoteRemote(message, kMaxQuotedBody, token);
    if (!message.empty()) text += ": " + message;
    if (r.status == 401 || r.status == 403) return Status::PermissionDenied(text);
    if (r.status == 429 || r.status >= 500) return Status::Unavailable(text);
    return Status::InvalidArgument(text);
  }

  Env& env_;
  BlockingHttp& http_;
};

}  // namespace

std::unique_ptr<CredentialSource> NewEcsSource(Env& env, BlockingHttp& http) {
  return std::make_unique<EcsSource>(env, http);
}

}  // namespace edgelog
