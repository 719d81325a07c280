// Where requests go: region and endpoint resolution as the AWS SDKs do it.
#ifndef EDGELOG_AGENT_AWS_ENDPOINT_H_
#define EDGELOG_AGENT_AWS_ENDPOINT_H_

#include <string>

#include "agent/base/status.h"
#include "platform/env.h"

namespace edgelog {

struct Endpoint {
  std::string url;   // "https://logs.us-east-1.amazonaws.com/"
  std::string host;  // the Host header: host, plus ":port" when given
  std::string path;  // "/" unless the URL has a path
  std::string source;  // where it came from, for messages
  bool plaintext = false;  // http://
};

// Splits "scheme://host[:port][/path]". kInvalidArgument for anything else.
StatusOr<Endpoint> ParseEndpointUrl(const std::string& url);

// Region: `configured` when set, else AWS_REGION, else AWS_DEFAULT_REGION.
// kNotFound when none is set.
StatusOr<std::string> ResolveRegion(const std::string& configured, Env& env);

// CloudWatch Logs endpoint: `override_url` (logs.endpoint_override), else
// AWS_ENDPOINT_URL_CLOUDWATCH_LOGS, else AWS_ENDPOINT_URL, else
// https://logs.REGION.amazonaws.com. An http:// URL is refused unless its
// host is this one (loopback) or `allow_plaintext`: log lines, the
// Authorization header and session tokens would cross the network in
// clear text.
StatusOr<Endpoint> ResolveLogsEndpoint(const std::string& override_url,
                                       const std::string& region, Env& env,
                                       bool allow_plaintext = false);

// STS endpoint: AWS_ENDPOINT_URL_STS, else AWS_ENDPOINT_URL, else
// https://sts.REGION.amazonaws.com (the global endpoint without a region).
// Plain http follows the same rule as ResolveLogsEndpoint.
StatusOr<Endpoint> ResolveStsEndpoint(const std::string& region, Env& env,
                                      bool allow_plaintext = false);

// OK unless `endpoint` is http:// to a host that is not loopback and
// `allow_plaintext` is false; then kInvalidArgument saying why and how to
// fix it (https://, or edgelog.http.allow_plaintext), without the source.
Status CheckPlaintext(const Endpoint& endpoint, bool allow_plaintext);

// True for localhost, 127.0.0.0/8 and ::1, with or without a port.
bool IsLoopbackHost(const std::string& host);

// STS answers at this endpoint when no region is known; it signs as us-east-1.
inline constexpr char kGlobalStsEndpoint[] = "https://sts.amazonaws.com/";

// The PEM file of trusted CAs, and where that choice came from.
struct CaBundle {
  std::string path;    // "" when none was found
  std::string source;  // "edgelog.http.ca_bundle", "SSL_CERT_FILE", "system", ...
};

// The usual system places, in the order they are tried.
inline constexpr const char* kSystemCaBundles[] = {
    "/etc/ssl/certs/ca-certificates.crt",  // Debian, Ubuntu, Alpine
    "/etc/pki/tls/certs/ca-bundle.crt",    // Amazon Linux, RHEL, Fedora
    "/etc/ssl/cert.pem",                   // macOS-style layouts, some minimal images
};
// The name of a bundle shipped beside the binary (FROM scratch images, tarballs).
inline constexpr char kBundledCaName[] = "ca-bundle.pem";

// `configured` (edgelog.http.ca_bundle), else SSL_CERT_FILE, else
// AWS_CA_BUNDLE (each taken as given: a missing file is then an error the
// TLS layer reports), else the first system bundle that exists, else
// ca-bundle.pem in `executable_dir` when that exists.
CaBundle ResolveCaBundle(const std::string& configured, Env& env,
                         const std::string& executable_dir);

}  // namespace edgelog

#endif  // EDGELOG_AGENT_AWS_ENDPOINT_H_
