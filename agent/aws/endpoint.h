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
};

// Splits "scheme://host[:port][/path]". kInvalidArgument for anything else.
StatusOr<Endpoint> ParseEndpointUrl(const std::string& url);

// Region: `configured` when set, else AWS_REGION, else AWS_DEFAULT_REGION.
// kNotFound when none is set.
StatusOr<std::string> ResolveRegion(const std::string& configured, Env& env);

// CloudWatch Logs endpoint: `override_url` (logs.endpoint_override), else
// AWS_ENDPOINT_URL_CLOUDWATCH_LOGS, else AWS_ENDPOINT_URL, else
// https://logs.REGION.amazonaws.com.
StatusOr<Endpoint> ResolveLogsEndpoint(const std::string& override_url,
                                       const std::string& region, Env& env);

// CA bundle: `configured` (edgelog.http.ca_bundle), else SSL_CERT_FILE, else
// AWS_CA_BUNDLE; "" lets the TLS library use its default.
std::string ResolveCaBundle(const std::string& configured, Env& env);

}  // namespace edgelog

#endif  // EDGELOG_AGENT_AWS_ENDPOINT_H_
