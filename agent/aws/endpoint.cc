#include "agent/aws/endpoint.h"

#include <algorithm>

#include "agent/io/file_util.h"

namespace edgelog {
namespace {

std::string NonEmptyVar(Env& env, const char* name) {
  auto value = env.GetVar(name);
  return value ? *value : "";
}

// `url` as an error may show it: a password given in it (user:password@,
// which edgelog refuses) replaced.
std::string Shown(const std::string& url) {
  size_t scheme_end = url.find("://");
  size_t start = scheme_end == std::string::npos ? 0 : scheme_end + 3;
  size_t at = url.find('@', start);
  size_t end = url.find_first_of("/?#", start);
  if (at == std::string::npos || (end != std::string::npos && at > end)) return url;
  size_t colon = url.find(':', start);
  if (colon == std::string::npos || colon > at) return url;
  return url.substr(0, colon + 1) + "[redacted]" + url.substr(at);
}

}  // namespace

StatusOr<Endpoint> ParseEndpointUrl(const std::string& url) {
  size_t scheme_end = url.find("://");
  if (scheme_end == std::string::npos) {
    return Status::InvalidArgument("\"" + Shown(url) + "\" is not a URL (scheme://host)");
  }
  std::string scheme = url.substr(0, scheme_end);
  if (scheme != "https" && scheme != "http") {
    return Status::InvalidArgument("\"" + Shown(url) + "\": only http and https are supported");
  }
  size_t host_start = scheme_end + 3;
  size_t path_start = url.find('/', host_start);
  Endpoint e;
  e.host = url.substr(host_start, path_start == std::string::npos
                                      ? std::string::npos
                                      : path_start - host_start);
  if (e.host.empty() || e.host.find_first_of("?#@ ") != std::string::npos) {
    return Status::InvalidArgument("\"" + Shown(url) + "\" has no usable host");
  }
  e.path = path_start == std::string::npos ? "/" : url.substr(path_start);
  e.url = scheme + "://" + e.host + e.path;
  e.plaintext = scheme == "http";
  return e;
}

bool IsLoopbackHost(const std::string& host) {
  std::string name = host;
  if (!name.empty() && name[0] == '[') {  // [::1]:port
    size_t close = name.find(']');
    name = close == std::string::npos ? name : name.substr(1, close - 1);
  } else if (std::count(name.begin(), name.end(), ':') == 1) {
    name = name.substr(0, name.find(':'));  // host:port
  }
  if (name == "localhost" || name == "::1") return true;
  if (name.rfind("127.", 0) != 0) return false;
  int dots = 0;
  for (char c : name) {
    if (c == '.') {
      ++dots;
    } else if (c < '0' || c > '9') {
      return false;
    }
  }
  return dots == 3;
}

StatusOr<std::string> ResolveRegion(const std::string& configured, Env& env) {
  if (!configured.empty()) return configured;
  for (const char* name : {"AWS_REGION", "AWS_DEFAULT_REGION"}) {
    std::string value = NonEmptyVar(env, name);
    if (!value.empty()) return value;
  }
  return Status::NotFound(
      "no region: set agent.region in the config, or AWS_REGION");
}

StatusOr<Endpoint> ResolveLogsEndpoint(const std::string& override_url,
                                       const std::string& region, Env& env,
                                       bool allow_plaintext) {
  std::string url = override_url;
  std::string source = "logs.endpoint_override";
  for (const char* name : {"AWS_ENDPOINT_URL_CLOUDWATCH_LOGS", "AWS_ENDPOINT_URL"}) {
    if (!url.empty()) break;
    url = NonEmptyVar(env, name);
    source = name;
  }
  if (url.empty()) {
    url = "https://logs." + region + ".amazonaws.com/";
    source = "region " + region;
  }
  auto endpoint = ParseEndpointUrl(url);
  if (!endpoint.ok()) {
    return Status::InvalidArgument(source + ": " + endpoint.status().message());
  }
  Status clear = CheckPlaintext(*endpoint, allow_plaintext);
  if (!clear.ok()) return Status::InvalidArgument(source + ": " + clear.message());
  endpoint->source = source;
  return endpoint;
}

StatusOr<Endpoint> ResolveStsEndpoint(const std::string& region, Env& env,
                                      bool allow_plaintext) {
  std::string url;
  std::string source;
  for (const char* name : {"AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL"}) {
    url = NonEmptyVar(env, name);
    source = name;
    if (!url.empty()) break;
  }
  if (url.empty()) {
    url = region.empty() ? kGlobalStsEndpoint : "https://sts." + region + ".amazonaws.com/";
    source = region.empty() ? "the global STS endpoint (no region)" : "region " + region;
  }
  auto endpoint = ParseEndpointUrl(url);
  if (!endpoint.ok()) {
    return Status::InvalidArgument(source + ": " + endpoint.status().message());
  }
  Status clear = CheckPlaintext(*endpoint, allow_plaintext);
  if (!clear.ok()) return Status::InvalidArgument(source + ": " + clear.message());
  endpoint->source = source;
  return endpoint;
}

Status CheckPlaintext(const Endpoint& endpoint, bool allow_plaintext) {
  if (!endpoint.plaintext || allow_plaintext || IsLoopbackHost(endpoint.host)) {
    return Status::Ok();
  }
  return Status::InvalidArgument(
      endpoint.url + " is plain http to another host: log lines, the signed Authorization "
      "header and any session token would cross the network in clear text. Use https://, "
      "or set edgelog.http.allow_plaintext to true if the network is yours");
}

CaBundle ResolveCaBundle(const std::string& configured, Env& env,
                         const std::string& executable_dir) {
  if (!configured.empty()) return {configured, "edgelog.http.ca_bundle"};
  for (const char* var : {"SSL_CERT_FILE", "AWS_CA_BUNDLE"}) {
    std::string value = NonEmptyVar(env, var);
    if (!value.empty()) return {value, var};
  }
  for (const char* path : kSystemCaBundles) {
    if (env.Stat(path).ok()) return {path, "system"};
  }
  if (!executable_dir.empty()) {
    std::string beside = JoinPath(executable_dir, kBundledCaName);
    if (env.Stat(beside).ok()) return {beside, "beside the binary"};
  }
  return {"", "none found"};
}

}  // namespace edgelog
