// Reading AWS error answers, whatever their shape: JSON with "__type"
// (CloudWatch Logs), the x-amzn-ErrorType header, or XML with <Code>
// (STS, and authentication failures of some endpoints).
#ifndef EDGELOG_AGENT_AWS_AWS_ERROR_H_
#define EDGELOG_AGENT_AWS_AWS_ERROR_H_

#include <string>
#include <string_view>

namespace edgelog {

struct AwsError {
  std::string code;     // "ResourceNotFoundException", "" when unknown
  std::string message;  // the service's explanation, may be empty
};

// Extracts the error code and message of a non-2xx answer. The code loses
// any namespace ("com.amazonaws.logs#X" → "X") and suffix ("X:http://..."
// → "X"). The message has anything shaped like a secret removed
// (RedactSecrets): endpoints may quote the request's session token.
AwsError ParseAwsError(std::string_view body, std::string_view error_type_header);

}  // namespace edgelog

#endif  // EDGELOG_AGENT_AWS_AWS_ERROR_H_
