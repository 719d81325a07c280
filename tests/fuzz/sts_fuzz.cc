// STS answers (agent/aws/creds/sts.h, xml.h): AssumeRole and
// AssumeRoleWithWebIdentity read back from a scripted endpoint.
//
// Input: the first line is the HTTP status; the second is the secret the
// call carries (the web identity token, and the caller's secret key); the
// rest is the XML body. Checked: credentials come only with every field and
// a valid expiration, and are the text of their elements; an error message
// never quotes the secret, as it is or form-encoded; expiration times that
// parse lie within the years they can write.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "agent/aws/creds/sts.h"
#include "agent/aws/creds/xml.h"
#include "agent/aws/uri.h"
#include "tests/fuzz/fuzz_check.h"
#include "tests/support/fake_blocking_http.h"
#include "tests/support/fake_clock.h"
#include "tests/support/mem_env.h"

namespace edgelog {
namespace {

constexpr char kRole[] = "arn:aws:iam::123456789012:role/fuzz";

void Check(const StatusOr<SourcedCredentials>& result, const std::string& body,
           const std::string& secret) {
  if (result.ok()) {
    FUZZ_CHECK(result->credentials.access_key_id == XmlElementText(body, "AccessKeyId"));
    FUZZ_CHECK(result->credentials.secret_access_key ==
               XmlElementText(body, "SecretAccessKey"));
    FUZZ_CHECK(!result->credentials.session_token.empty());
    FUZZ_CHECK(ParseExpirationMillis(XmlElementText(body, "Expiration").value_or("")).ok());
    return;
  }
  if (fuzz::LooksLikeSecret(secret)) {
    const std::string& message = result.status().message();
    FUZZ_CHECK(!fuzz::Contains(message, secret));
    FUZZ_CHECK(!fuzz::Contains(message, UriEncode(secret, SlashMode::kEncode)));
  }
}

}  // namespace
}  // namespace edgelog

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace edgelog;
  std::string_view input = fuzz::AsView(data, size);
  std::string status_line(fuzz::TakeLine(&input));
  const std::string secret(fuzz::TakeLine(&input));
  const std::string body(input);
  const int status = static_cast<int>(std::strtol(status_line.c_str(), nullptr, 10) % 1000);

  testing::MemEnv env;
  testing::FakeClock clock;
  testing::FakeBlockingHttp http;
  http.set_responder(
      [&](const BlockingRequest&) { return testing::FakeBlockingHttp::Answer(status, body); });
  StsClient sts(env, clock, http, "eu-west-1");

  Check(sts.AssumeRoleWithWebIdentity(kRole, "edgelog-fuzz", secret), body, secret);
  Credentials caller{"AKIAFUZZCALLER", secret, ""};
  if (!secret.empty()) Check(sts.AssumeRole(caller, kRole, "edgelog-fuzz", ""), body, secret);

  StatusOr<int64_t> expires = ParseExpirationMillis(status_line);
  if (expires.ok()) {
    // 0000-01-01 to 9999-12-31, give or take a day of zone offset.
    FUZZ_CHECK(*expires >= -62167219200000 - 86400000);
    FUZZ_CHECK(*expires <= 253402300800000 + 86400000);
  }
  return 0;
}
