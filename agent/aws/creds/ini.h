// The INI files of the AWS CLI and SDKs (~/.aws/credentials, ~/.aws/config),
// in the dialect of Python's configparser that botocore reads.
#ifndef EDGELOG_AGENT_AWS_CREDS_INI_H_
#define EDGELOG_AGENT_AWS_CREDS_INI_H_

#include <map>
#include <string>

#include "agent/base/status.h"

namespace edgelog {

// One file parsed: section name → key → value. Section names as written
// between the brackets, trimmed ("profile x", "default"); keys lower-cased;
// values trimmed. Comments (# and ;) and blank lines skipped; nested
// (indented) sub-keys folded into "parent.sub". kInvalidArgument naming the
// file and the line for a line that is none of these.
using IniFile = std::map<std::string, std::map<std::string, std::string>>;
StatusOr<IniFile> ParseIni(const std::string& text, const std::string& path);

}  // namespace edgelog

#endif  // EDGELOG_AGENT_AWS_CREDS_INI_H_
