// EnvCredentials: a CredentialsProvider that reads AWS_ACCESS_KEY_ID,
// AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN from an Env at every Get(),
// so a test can change them between requests.
#ifndef EDGELOG_TESTS_SUPPORT_ENV_CREDENTIALS_H_
#define EDGELOG_TESTS_SUPPORT_ENV_CREDENTIALS_H_

#include <memory>
#include <string>

#include "agent/aws/credentials.h"
#include "agent/aws/creds/chain.h"
#include "platform/env.h"

namespace edgelog::testing {

class EnvCredentials : public CredentialsProvider {
 public:
  explicit EnvCredentials(Env& env) : source_(NewEnvironmentSource(env)) {}
  StatusOr<Credentials> Get() override {
    auto got = source_->Fetch();
    if (!got.ok()) return got.status();
    return got->credentials;
  }
  std::string Source() const override { return "environment"; }

 private:
  std::unique_ptr<CredentialSource> source_;
};

}  // namespace edgelog::testing

#endif  // EDGELOG_TESTS_SUPPORT_ENV_CREDENTIALS_H_
