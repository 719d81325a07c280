#include "agent/send/logs_api.h"

#include "agent/text/json_escape.h"

namespace edgelog {
namespace {

constexpr std::string_view kTargetPrefix = "Logs_20140328.";
constexpr std::string_view kContentType = "application/x-amz-json-1.1";
constexpr std::string_view kService = "logs";

}  // namespace

const char* OperationName(LogsOperation op) {
  switch (op) {
    case LogsOperation::kPutLogEvents: return "PutLogEvents";
    case LogsOperation::kCreateLogStream: return "CreateLogStream";
    case LogsOperation::kCreateLogGroup: return "CreateLogGroup";
    case LogsOperation::kPutRetentionPolicy: return "PutRetentionPolicy";
    case LogsOperation::kDescribeLogStreams: return "DescribeLogStreams";
    case LogsOperation::kDescribeLogGroups: return "DescribeLogGroups";
  }
  return "?";
}

std::string CreateLogStreamBody(const LogStreamTarget& target) {
  std::string out = "{\"logGroupName\":";
  AppendJsonString(target.group, &out);
  out += ",\"logStreamName\":";
  AppendJsonString(target.stream, &out);
  out += "}";
  return out;
}

std::string CreateLogGroupBody(const LogStreamTarget& target) {
  std::string out = "{\"logGroupName\":";
  AppendJsonString(target.group, &out);
  if (!target.group_class.empty()) {
    out += ",\"logGroupClass\":";
    AppendJsonString(target.group_class, &out);
  }
  out += "}";
  return out;
}

std::string PutRetentionPolicyBody(const LogStreamTarget& target) {
  std::string out = "{\"logGroupName\":";
  AppendJsonString(target.group, &out);
  out += ",\"retentionInDays\":" + std::to_string(target.retention_in_days) + "}";
  return out;
}

std::string DescribeLogStreamsBody(const LogStreamTarget& target) {
  std::string out = "{\"logGroupName\":";
  AppendJsonString(target.group, &out);
  out += ",\"logStreamNamePrefix\":";
  AppendJsonString(target.stream, &out);
  out += ",\"limit\":1}";
  return out;
}

HttpRequest BuildLogsRequest(const LogsRequestContext& context, LogsOperation op,
                             std::string_view body, BodyEncoding encoding,
                             const Credentials& credentials, int64_t unix_seconds) {
  RequestDescription description;
  description.method = "POST";
  description.path = context.endpoint.path;
  description.headers = {
      {"Host", context.endpoint.host},
      {"Content-Type", std::string(kContentType)},
      {"X-Amz-Target", std::string(kTargetPrefix) + OperationName(op)},
  };
  if (encoding == BodyEncoding::kGzip) {
    description.headers.push_back({"Content-Encoding", "gzip"});
  }
  description.body = body;
  SigningScope scope{context.region, std::string(kService), unix_seconds};
  SigningResult signed_parts = Sign(description, credentials, scope, SigningOptions{});

  HttpRequest request;
  request.method = "POST";
  request.url = context.endpoint.url;
  request.headers = std::move(description.headers);
  for (HttpHeader& h : signed_parts.headers_to_add) request.headers.push_back(std::move(h));
  request.headers.push_back({"User-Agent", context.user_agent});  // never signed
  request.body = body;
  return request;
}

}  // namespace edgelog
