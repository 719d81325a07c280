#include "agent/aws/creds/chain.h"

#include <utility>

#include "agent/aws/creds/sts.h"
#include "platform/env.h"

namespace edgelog {
namespace {

class ChainSource final : public CredentialSource {
 public:
  explicit ChainSource(std::vector<std::unique_ptr<CredentialSource>> sources)
      : sources_(std::move(sources)) {}

  StatusOr<SourcedCredentials> Fetch() override {
    std::string tried;
    for (auto& source : sources_) {
      StatusOr<SourcedCredentials> got = source->Fetch();
      if (got.ok() || got.status().code() != Code::kNotFound) return got;
      tried += (tried.empty() ? "" : "; ") + source->Name() + ": " + got.status().message();
    }
    return Status::NotFound("no credentials found (tried " + tried + ")");
  }
  std::string Name() const override { return "default chain"; }

 private:
  std::vector<std::unique_ptr<CredentialSource>> sources_;
};

class AssumeRoleSource final : public CredentialSource {
 public:
  AssumeRoleSource(std::unique_ptr<CredentialSource> base, StsClient& sts, std::string role_arn,
                   std::string session_name, std::string external_id)
      : base_(std::move(base)),
        sts_(sts),
        role_arn_(std::move(role_arn)),
        session_name_(std::move(session_name)),
        external_id_(std::move(external_id)) {}

  StatusOr<SourcedCredentials> Fetch() override {
    StatusOr<SourcedCredentials> base = base_->Fetch();
    if (!base.ok()) {
      // Without credentials to call STS with, the role cannot be assumed:
      // never kNotFound here, the chain is already behind us.
      return Status(base.status().code() == Code::kNotFound ? Code::kPermissionDenied
                                                            : base.status().code(),
                    base.status().message());
    }
    StatusOr<SourcedCredentials> role =
        sts_.AssumeRole(base->credentials, role_arn_, session_name_, external_id_);
    if (!role.ok()) {
      return Status(role.status().code(), role.status().message() + " (calling with " +
                                              base->source + ")");
    }
    role->source = "role " + role_arn_ + " assumed with " + base->source;
    return role;
  }
  std::string Name() const override { return "assumed role"; }

 private:
  std::unique_ptr<CredentialSource> base_;
  StsClient& sts_;
  std::string role_arn_;
  std::string session_name_;
  std::string external_id_;
};

class EnvironmentSource final : public CredentialSource {
 public:
  explicit EnvironmentSource(Env& env) : env_(env) {}

  StatusOr<SourcedCredentials> Fetch() override {
    SourcedCredentials out;
    Credentials& c = out.credentials;
    c.access_key_id = env_.GetVar("AWS_ACCESS_KEY_ID").value_or("");
    c.secret_access_key = env_.GetVar("AWS_SECRET_ACCESS_KEY").value_or("");
    c.session_token = env_.GetVar("AWS_SESSION_TOKEN").value_or("");
    if (c.access_key_id.empty() && c.secret_access_key.empty()) {
      return Status::NotFound("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set");
    }
    if (c.access_key_id.empty() || c.secret_access_key.empty()) {
      return Status::InvalidArgument(
          std::string(c.access_key_id.empty() ? "AWS_SECRET_ACCESS_KEY is set but not "
                                                "AWS_ACCESS_KEY_ID"
                                              : "AWS_ACCESS_KEY_ID is set but not "
                                                "AWS_SECRET_ACCESS_KEY") +
          ": set both, or neither to use the other sources");
    }
    out.source = "environment";
    return out;
  }
  std::string Name() const override { return "environment"; }

 private:
  Env& env_;
};

}  // namespace

std::unique_ptr<CredentialSource> NewChainSource(
    std::vector<std::unique_ptr<CredentialSource>> sources) {
  return std::make_unique<ChainSource>(std::move(sources));
}

std::unique_ptr<CredentialSource> NewAssumeRoleSource(std::unique_ptr<CredentialSource> base,
                                                      StsClient& sts, std::string role_arn,
                                                      std::string session_name,
                                                      std::string external_id) {
  return std::make_unique<AssumeRoleSource>(std::move(base), sts, std::move(role_arn),
                                            std::move(session_name), std::move(external_id));
}

std::unique_ptr<CredentialSource> NewEnvironmentSource(Env& env) {
  return std::make_unique<EnvironmentSource>(env);
}

}  // namespace edgelog
