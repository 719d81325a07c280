#include "agent/aws/credentials.h"

namespace edgelog {
namespace {

class EnvironmentCredentials final : public CredentialsProvider {
 public:
  explicit EnvironmentCredentials(Env& env) : env_(env) {}

  StatusOr<Credentials> Get() override {
    Credentials c;
    c.access_key_id = env_.GetVar("AWS_ACCESS_KEY_ID").value_or("");
    c.secret_access_key = env_.GetVar("AWS_SECRET_ACCESS_KEY").value_or("");
    c.session_token = env_.GetVar("AWS_SESSION_TOKEN").value_or("");
    if (c.access_key_id.empty() && c.secret_access_key.empty()) {
      return Status::NotFound(
          "no credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY");
    }
    if (c.access_key_id.empty() || c.secret_access_key.empty()) {
      return Status::NotFound(std::string(c.access_key_id.empty()
                                              ? "AWS_ACCESS_KEY_ID"
                                              : "AWS_SECRET_ACCESS_KEY") +
                              " is set but its partner is not");
    }
    return c;
  }

  std::string Source() const override { return "environment"; }

 private:
  Env& env_;
};

}  // namespace

std::unique_ptr<CredentialsProvider> NewEnvironmentCredentials(Env& env) {
  return std::make_unique<EnvironmentCredentials>(env);
}

std::string MaskAccessKeyId(const std::string& id) {
  if (id.size() <= 8) return std::string(id.size(), '*');
  return id.substr(0, 4) + std::string(id.size() - 8, '*') + id.substr(id.size() - 4);
}

}  // namespace edgelog
