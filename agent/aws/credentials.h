// CredentialsProvider: what the sender signs with. The AWS SDKs' default
// chain (agent/aws/creds/) is behind it, cached and refreshed by
// agent/aws/creds/refresher.h.
#ifndef EDGELOG_AGENT_AWS_CREDENTIALS_H_
#define EDGELOG_AGENT_AWS_CREDENTIALS_H_

#include <cstdint>
#include <memory>
#include <string>

#include "agent/aws/sigv4.h"
#include "agent/base/status.h"
#include "platform/env.h"

namespace edgelog {

class CredentialsProvider {
 public:
  virtual ~CredentialsProvider() = default;
  // Current credentials, or kNotFound / kPermissionDenied saying why none;
  // kUnavailable while new ones are being fetched after Invalidate().
  // Never blocks.
  virtual StatusOr<Credentials> Get() = 0;
  // Where the credentials come from, for messages ("environment").
  virtual std::string Source() const = 0;
  // CloudWatch said the credentials expired: fetch new ones now.
  virtual void Invalidate() {}
  // Unix ms at which the credentials held expire; 0 when they do not
  // (long-term keys) or none are held.
  virtual int64_t ExpiresUnixMs() const { return 0; }
};

// "AKIA…WXYZ": an access key id shortened for messages.
std::string MaskAccessKeyId(const std::string& access_key_id);

}  // namespace edgelog

#endif  // EDGELOG_AGENT_AWS_CREDENTIALS_H_
