// The shared files of the AWS CLI and SDKs: credentials
// (AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/credentials) and config
// (AWS_CONFIG_FILE, else ~/.aws/config), profile AWS_PROFILE or "default"
// ("[profile x]" in config, "[x]" in credentials; "[default]" in both).
// A profile gives static keys, or role_arn with source_profile (STS
// AssumeRole with that profile's credentials; external_id and
// role_session_name honoured), or credential_process (run, its JSON
// output read: Version 1, AccessKeyId, SecretAccessKey, SessionToken,
// Expiration). The files are read again when they change.
#ifndef EDGELOG_AGENT_AWS_CREDS_PROFILE_H_
#define EDGELOG_AGENT_AWS_CREDS_PROFILE_H_

#include <map>
#include <memory>
#include <string>

#include "agent/aws/creds/ini.h"
#include "agent/aws/creds/source.h"
#include "agent/aws/creds/sts.h"
#include "agent/base/status.h"
#include "platform/env.h"
#include "platform/process.h"

namespace edgelog {


// kNotFound when no file defines the profile (and AWS_PROFILE is unset);
// an error naming file, profile and key when the profile is there but
// unusable (a key without its partner, a source_profile loop, ...).
std::unique_ptr<CredentialSource> NewProfileSource(Env& env, StsClient& sts,
                                                   ProcessRunner& processes);

// The profile's `region`, "" when none (or no files).
std::string ProfileRegion(Env& env);

}  // namespace edgelog

#endif  // EDGELOG_AGENT_AWS_CREDS_PROFILE_H_
