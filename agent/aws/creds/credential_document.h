// The JSON credential documents of the instance metadata service and the
// container endpoints (AccessKeyId, SecretAccessKey, Token, Expiration), and
// quoting of remote text in messages without leaking a secret.
#ifndef EDGELOG_AGENT_AWS_CREDS_CREDENTIAL_DOCUMENT_H_
#define EDGELOG_AGENT_AWS_CREDS_CREDENTIAL_DOCUMENT_H_

#include <string>
#include <string_view>

#include "agent/aws/creds/source.h"
#include "agent/base/status.h"

namespace edgelog {

// How much of a remote answer a message quotes.
inline constexpr size_t kMaxQuotedBody = 200;

// The credentials in `body` (Code, when present, must be "Success").
// `what` names the document's origin for messages, which never quote the
// document: it holds the secret.
StatusOr<SourcedCredentials> ParseCredentialDocument(const std::string& body,
                                                     const std::string& what);

// The explanation in an error answer: its message (or Message, error,
// Error) field when it is a JSON object, else the whole body. Unquoted.
std::string ErrorMessageOf(const std::string& body);

// `s` on one line, control characters as spaces, at most `max` bytes, with
// `secret` (when not empty) and anything shaped like a secret replaced by
// "[redacted]" (RedactSecrets).
std::string QuoteRemote(std::string_view s, size_t max, const std::string& secret);

}  // namespace edgelog

#endif  // EDGELOG_AGENT_AWS_CREDS_CREDENTIAL_DOCUMENT_H_
