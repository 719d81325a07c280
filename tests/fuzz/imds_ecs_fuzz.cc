// The credential documents of the EC2 instance metadata service and the ECS
// container endpoint (agent/aws/creds/imds.h, ecs.h, credential_document.h),
// fetched through their sources from a scripted endpoint.
//
// Input: the first line is "imds STATUS" or "ecs STATUS"; the second is the
// role list (IMDS) or the container authorization token (ECS); the rest is
// the document. Checked: credentials come only with both keys and then say
// where they came from; no message quotes the authorization token or the
// document's secret key; QuoteRemote keeps to one line and its length and
// never shows a secret it was given.
#include <cjson/cJSON.h>

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "agent/aws/creds/credential_document.h"
#include "agent/aws/creds/ecs.h"
#include "agent/aws/creds/imds.h"
#include "tests/fuzz/fuzz_check.h"
#include "tests/support/fake_blocking_http.h"
#include "tests/support/fake_clock.h"
#include "tests/support/mem_env.h"

namespace edgelog {
namespace {

using testing::FakeBlockingHttp;

// The document's SecretAccessKey, when it has one as a string.
std::string SecretIn(const std::string& body) {
  std::unique_ptr<cJSON, void (*)(cJSON*)> root(cJSON_ParseWithLength(body.data(), body.size()),
                                                cJSON_Delete);
  const cJSON* item = cJSON_GetObjectItemCaseSensitive(root.get(), "SecretAccessKey");
  return cJSON_IsString(item) ? item->valuestring : "";
}

// `quoted` is what a message may show: the role name IMDS lists.
void CheckResult(const StatusOr<SourcedCredentials>& result, const std::string& token,
                 const std::string& body, const std::string& quoted) {
  if (result.ok()) {
    FUZZ_CHECK(!result->credentials.access_key_id.empty());
    FUZZ_CHECK(!result->credentials.secret_access_key.empty());
    FUZZ_CHECK(!result->source.empty());
    return;
  }
  const std::string& message = result.status().message();
  FUZZ_CHECK(!message.empty());
  if (fuzz::LooksLikeSecret(token)) FUZZ_CHECK(!fuzz::Contains(message, token));
  std::string secret = SecretIn(body);
  if (fuzz::LooksLikeSecret(secret) && !fuzz::Contains(quoted, secret)) {
    FUZZ_CHECK(!fuzz::Contains(message, secret));
  }
}

void CheckQuote(std::string_view text, const std::string& secret) {
  std::string quoted = QuoteRemote(text, kMaxQuotedBody, secret);
  FUZZ_CHECK(quoted.size() <= kMaxQuotedBody + 3);  // and "..."
  for (char c : quoted) FUZZ_CHECK(static_cast<unsigned char>(c) >= 0x20 && c != 0x7F);
  if (fuzz::LooksLikeSecret(secret)) FUZZ_CHECK(!fuzz::Contains(quoted, secret));
}

}  // namespace
}  // namespace edgelog

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace edgelog;
  std::string_view input = fuzz::AsView(data, size);
  std::string first(fuzz::TakeLine(&input));
  const std::string second(fuzz::TakeLine(&input));
  const std::string body(input);
  const bool ecs = first.rfind("ecs", 0) == 0;
  size_t space = first.find(' ');
  int status = space == std::string::npos
                   ? 200
                   : static_cast<int>(std::strtol(first.c_str() + space + 1, nullptr, 10) % 1000);

  testing::MemEnv env;
  FakeBlockingHttp http;
  StatusOr<SourcedCredentials> result = Status::NotFound("");
  if (ecs) {
    env.SetVar("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/6a3c");
    env.SetVar("AWS_CONTAINER_AUTHORIZATION_TOKEN", second);
    http.set_responder([&](const BlockingRequest&) { return FakeBlockingHttp::Answer(status, body); });
    result = NewEcsSource(env, http)->Fetch();
    CheckResult(result, second, body, "");
  } else {
    testing::FakeClock clock;
    http.set_responder([&](const BlockingRequest& request) {
      if (request.method == "PUT") return FakeBlockingHttp::Answer(200, "imds-session-token");
      if (request.url.size() > 0 && request.url.back() == '/') {
        return FakeBlockingHttp::Answer(200, second);  // the role list
      }
      return FakeBlockingHttp::Answer(status, body);
    });
    ImdsClient imds(env, clock, http);
    result = NewImdsSource(imds)->Fetch();
    CheckResult(result, "", body, second);
  }
  if (result.ok()) {
    StatusOr<SourcedCredentials> direct = ParseCredentialDocument(body, "document");
    FUZZ_CHECK(direct.ok());
    FUZZ_CHECK(direct->credentials.secret_access_key == result->credentials.secret_access_key);
    FUZZ_CHECK(direct->expires_unix_ms == result->expires_unix_ms);
  }
  ErrorMessageOf(body);
  CheckQuote(body, second);
  return 0;
}
