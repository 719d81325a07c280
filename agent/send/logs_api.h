// The CloudWatch Logs operations edgelog calls, as signed HTTP requests
// (JSON 1.1 protocol: POST /, X-Amz-Target names the operation).
#ifndef EDGELOG_AGENT_SEND_LOGS_API_H_
#define EDGELOG_AGENT_SEND_LOGS_API_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "agent/aws/endpoint.h"
#include "agent/aws/sigv4.h"
#include "agent/batch/log_stream.h"
#include "agent/net/http_client.h"

namespace edgelog {

enum class LogsOperation {
  kPutLogEvents,
  kCreateLogStream,
  kCreateLogGroup,
  kPutRetentionPolicy,
  kDescribeLogStreams,  // edgelog doctor: is the endpoint there, is the signature good
  kDescribeLogGroups,   // the retention of an existing group (GroupSetup)
};

// "PutLogEvents", ...
const char* OperationName(LogsOperation op);

enum class BodyEncoding { kIdentity, kGzip };

// The JSON bodies of the control operations.
std::string CreateLogStreamBody(const LogStreamTarget& target);
std::string CreateLogGroupBody(const LogStreamTarget& target);
std::string PutRetentionPolicyBody(const LogStreamTarget& target);
// The target's stream, at most one.
std::string DescribeLogStreamsBody(const LogStreamTarget& target);

// What every request shares.
struct LogsRequestContext {
  Endpoint endpoint;
  std::string region;
  std::string user_agent = "edgelog";
};

// A signed request for `op` carrying `body` (not copied; see HttpRequest).
HttpRequest BuildLogsRequest(const LogsRequestContext& context, LogsOperation op,
                             std::string_view body, BodyEncoding encoding,
                             const Credentials& credentials, int64_t unix_seconds);

}  // namespace edgelog

#endif  // EDGELOG_AGENT_SEND_LOGS_API_H_
