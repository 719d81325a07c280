#include "agent/aws/creds/web_identity.h"

#include "agent/text/ascii.h"

#include <string>

#include "agent/io/file_util.h"

namespace edgelog {
namespace {

constexpr char kTokenFileVar[] = "AWS_WEB_IDENTITY_TOKEN_FILE";
constexpr char kRoleArnVar[] = "AWS_ROLE_ARN";
constexpr char kSessionNameVar[] = "AWS_ROLE_SESSION_NAME";
// STS AssumeRoleWithWebIdentity takes tokens of up to 20,000 characters;
// a bigger file is not a token.
constexpr size_t kMaxTokenFileBytes = 64 * 1024;

class WebIdentitySource final : public CredentialSource {
 public:
  WebIdentitySource(Env& env, StsClient& sts) : env_(env), sts_(sts) {}

  StatusOr<SourcedCredentials> Fetch() override {
    std::string file = env_.GetVar(kTokenFileVar).value_or("");
    std::string role_arn = env_.GetVar(kRoleArnVar).value_or("");
    if (file.empty()) {
      return Status::NotFound(std::string(kTokenFileVar) + " is not set" +
                              (role_arn.empty() ? ""
                                                : std::string(" (") + kRoleArnVar +
                                                      " is, but needs it too)"));
    }
    if (role_arn.empty()) {
      return Status::InvalidArgument(std::string(kTokenFileVar) + " is set but " + kRoleArnVar +
                                     " is not; set it to the role to assume with the token");
    }
    auto token = ReadToken(file);
    if (!token.ok()) return token.status();
    std::string session = env_.GetVar(kSessionNameVar).value_or("");
    if (session.empty()) session = DefaultSessionName(env_);
    auto credentials = sts_.AssumeRoleWithWebIdentity(role_arn, session, *token);
    if (credentials.ok()) credentials->source = "web identity for " + role_arn;
    return credentials;
  }

  std::string Name() const override { return "web identity"; }

 private:
  // The token, read afresh on every fetch: it is rotated under the agent.
  StatusOr<std::string> ReadToken(const std::string& file) {
    auto contents = ReadWholeFile(env_, file, kMaxTokenFileBytes);
    if (!contents.ok()) {
      // Set up but failing: never kNotFound, which would move the chain on.
      Code code = contents.status().code() == Code::kNotFound ? Code::kInvalidArgument
                                                              : contents.status().code();
      return Status(code, "cannot read the web identity token file " + file + " (" +
                              kTokenFileVar + "): " + contents.status().message());
    }
    std::string token = TrimAsciiSpace(*contents);
    if (token.empty()) {
      return Status::InvalidArgument("the web identity token file " + file + " (" +
                                     kTokenFileVar + ") is empty");
    }
    return token;
  }

  Env& env_;
  StsClient& sts_;
};

}  // namespace

std::unique_ptr<CredentialSource> NewWebIdentitySource(Env& env, StsClient& sts) {
  return std::make_unique<WebIdentitySource>(env, sts);
}

}  // namespace edgelog
