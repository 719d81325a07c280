// The output of a profile's credential_process (agent/aws/creds/profile.h):
// {"Version": 1, "AccessKeyId": ..., "SecretAccessKey": ...,
// "SessionToken": ..., "Expiration": ...}, read from a scripted process.
//
// Input: what the process prints. Checked: credentials come only with
// Version 1 and both keys, and are the printed strings; a refusal never
// quotes the secret key or the session token.
#include <cjson/cJSON.h>

#include <cstdint>
#include <memory>
#include <string>

#include "agent/aws/creds/profile.h"
#include "agent/aws/creds/sts.h"
#include "platform/process.h"
#include "tests/fuzz/fuzz_check.h"
#include "tests/support/fake_blocking_http.h"
#include "tests/support/fake_clock.h"
#include "tests/support/mem_env.h"

namespace edgelog {
namespace {

// A process that prints the fuzzer's input.
class PrintingProcess : public ProcessRunner {
 public:
  explicit PrintingProcess(const std::string& output) : output_(output) {}
  StatusOr<std::string> Run(const std::string&, int64_t, size_t max_output) override {
    return output_.substr(0, max_output);
  }

 private:
  const std::string& output_;
};

std::string StringIn(const cJSON* root, const char* key) {
  const cJSON* item = cJSON_GetObjectItemCaseSensitive(root, key);
  return cJSON_IsString(item) ? item->valuestring : "";
}

}  // namespace
}  // namespace edgelog

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace edgelog;
  const std::string output(reinterpret_cast<const char*>(data), size);
  testing::MemEnv env;
  env.SetVar("HOME", "/home/u");
  env.WriteFile("/home/u/.aws/config", "[default]\ncredential_process = /usr/bin/get-creds\n");
  testing::FakeClock clock;
  testing::FakeBlockingHttp http;
  StsClient sts(env, clock, http, "eu-west-1");
  PrintingProcess process(output);
  StatusOr<SourcedCredentials> result = NewProfileSource(env, sts, process)->Fetch();

  std::unique_ptr<cJSON, void (*)(cJSON*)> root(
      cJSON_ParseWithLength(output.data(), output.size()), cJSON_Delete);
  const std::string secret = StringIn(root.get(), "SecretAccessKey");
  const std::string token = StringIn(root.get(), "SessionToken");
  if (result.ok()) {
    const cJSON* version = cJSON_GetObjectItemCaseSensitive(root.get(), "Version");
    FUZZ_CHECK(cJSON_IsNumber(version) && version->valuedouble == 1);
    FUZZ_CHECK(!result->credentials.access_key_id.empty());
    FUZZ_CHECK(result->credentials.access_key_id == StringIn(root.get(), "AccessKeyId"));
    FUZZ_CHECK(result->credentials.secret_access_key == secret);
    FUZZ_CHECK(result->credentials.session_token == token);
    FUZZ_CHECK(!secret.empty());
    return 0;
  }
  const std::string& message = result.status().message();
  if (fuzz::LooksLikeSecret(secret)) FUZZ_CHECK(!fuzz::Contains(message, secret));
  if (fuzz::LooksLikeSecret(token)) FUZZ_CHECK(!fuzz::Contains(message, token));
  return 0;
}
