// Checks the SigV4 signer against signing vectors on disk.
//
//   sigv4_suite SUITE_DIR [--logs-vectors FILE]
//
// SUITE_DIR is laid out like the public AWS SigV4 test suite, one directory
// per case:
//   context.json                  credentials, region, service, timestamp,
//                                 normalize, sign_body, omit_session_token
//   request.txt                   request line, headers, empty line, body
//                                 (the body is the exact bytes on the wire)
//   header-canonical-request.txt  expected stage 1
//   header-string-to-sign.txt     expected stage 2
//   header-signature.txt          expected stage 3
//   header-signed-request.txt     optional: the request with added headers
// The query-* files (presigned URLs) are ignored. FILE is a JSON file of
// CloudWatch Logs vectors, {"vectors": [{name, method, path, headers, ...}]}.
//
// Each case is one test, SigV4Suite.<dir>, each vector one test,
// LogsVectors.<name>. The stages are checked separately: stage 2 is computed
// from the expected stage 1 and stage 3 from the expected stage 2, so the
// first failing stage is the one that is wrong. A case with a missing or
// malformed file fails; so does a suite with no cases. Reading and parsing
// the files is in tests/support/sigv4_case.h.
#include <cjson/cJSON.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "agent/aws/sigv4.h"
#include "agent/base/status.h"
#include "tests/support/sigv4_case.h"
#include "tests/support/summary_listener.h"

namespace edgelog {
namespace {

namespace fs = std::filesystem;
using testing::ExpectedSigning;
using testing::Json;
using testing::LogsVector;
using testing::ParseContext;
using testing::ParsedRequest;
using testing::ParseJson;
using testing::ParseLogsVector;
using testing::ParseRequest;
using testing::ReadExpected;
using testing::ReadFile;
using testing::SigningInput;
using testing::Split;
using testing::ToLower;

const HttpHeader* FindHeader(const std::vector<HttpHeader>& headers,
                             std::string_view lower_case_name) {
  for (const HttpHeader& h : headers) {
    if (ToLower(h.name) == lower_case_name) return &h;
  }
  return nullptr;
}

// Checks the three stages one by one, then what Sign() returns as a whole.
SigningResult CheckSigning(const SigningInput& in,
                           const ExpectedSigning& want) {
  SigningResult got = Sign(in.request, in.credentials, in.scope, in.options);
  EXPECT_EQ(want.canonical_request, got.canonical_request)
      << "stage 1: canonical request";
  EXPECT_EQ(want.string_to_sign, StringToSign(want.canonical_request, in.scope))
      << "stage 2: string to sign, computed from the expected stage 1";
  EXPECT_EQ(want.signature,
            Signature(want.string_to_sign, in.credentials.secret_access_key,
                      in.scope))
      << "stage 3: signature, computed from the expected stage 2";
  const HttpHeader* authorization =
      FindHeader(got.headers_to_add, "authorization");
  EXPECT_NE(authorization, nullptr) << "Sign() added no Authorization header";
  if (authorization != nullptr) {
    EXPECT_EQ(want.authorization, authorization->value)
        << "Authorization header";
  }
  return got;
}

// The Authorization header the expected stages imply: the scope is line 3 of
// the string to sign, the signed headers the next-to-last line of stage 1.
std::string ImpliedAuthorization(const std::string& access_key_id,
                                 const ExpectedSigning& want) {
  std::vector<std::string> sts = Split(want.string_to_sign, '\n');
  std::vector<std::string> cr = Split(want.canonical_request, '\n');
  std::string scope = sts.size() >= 3 ? sts[2] : "<no scope in string to sign>";
  std::string signed_headers = cr.size() >= 2 ? cr[cr.size() - 2] : "<none>";
  return "AWS4-HMAC-SHA256 Credential=" + access_key_id + "/" + scope +
         ", SignedHeaders=" + signed_headers + ", Signature=" + want.signature;
}

// "name:value" of every header, lower-case names, sorted.
std::vector<std::string> HeaderSet(const std::vector<HttpHeader>& headers) {
  std::vector<std::string> out;
  for (const HttpHeader& h : headers) {
    out.push_back(ToLower(h.name) + ":" + h.value);
  }
  std::sort(out.begin(), out.end());
  return out;
}

class SuiteCaseTest : public ::testing::Test {
 public:
  explicit SuiteCaseTest(fs::path dir) : dir_(std::move(dir)) {}

  void TestBody() override {
    SCOPED_TRACE("case " + dir_.string());
    StatusOr<std::string> context_text = ReadFile(dir_ / "context.json");
    StatusOr<std::string> request_bytes = ReadFile(dir_ / "request.txt");
    StatusOr<std::string> cr =
        ReadExpected(dir_ / "header-canonical-request.txt");
    StatusOr<std::string> sts =
        ReadExpected(dir_ / "header-string-to-sign.txt");
    StatusOr<std::string> signature =
        ReadExpected(dir_ / "header-signature.txt");
    for (const Status* s : {&context_text.status(), &request_bytes.status(),
                            &cr.status(), &sts.status(), &signature.status()}) {
      ASSERT_TRUE(s->ok()) << s->ToString();
    }
    StatusOr<Json> context = ParseJson(*context_text, "context.json");
    ASSERT_TRUE(context.ok()) << context.status().ToString();
    SigningInput in;
    Status parsed = ParseContext(context->get(), &in);
    ASSERT_TRUE(parsed.ok()) << "context.json: " << parsed.ToString();
    StatusOr<ParsedRequest> request = ParseRequest(*request_bytes);
    ASSERT_TRUE(request.ok()) << "request.txt: " << request.status().ToString();
    in.request = request->Description();
    ExpectedSigning want = {*cr, *sts, *signature, ""};
    want.authorization =
        ImpliedAuthorization(in.credentials.access_key_id, want);

    SigningResult got = CheckSigning(in, want);
    CheckSignedRequest(*request, got);
  }

 private:
  // When header-signed-request.txt is there, the request plus the headers
  // Sign() added must be exactly its headers (this is where a session token
  // added after signing shows up).
  void CheckSignedRequest(const ParsedRequest& request,
                          const SigningResult& got) {
    fs::path path = dir_ / "header-signed-request.txt";
    if (!fs::exists(path)) return;
    StatusOr<std::string> bytes = ReadFile(path);
    ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
    StatusOr<ParsedRequest> signed_request = ParseRequest(*bytes);
    ASSERT_TRUE(signed_request.ok())
        << "header-signed-request.txt: " << signed_request.status().ToString();
    std::vector<HttpHeader> all = request.headers;
    all.insert(all.end(), got.headers_to_add.begin(), got.headers_to_add.end());
    EXPECT_EQ(HeaderSet(signed_request->headers), HeaderSet(all))
        << "headers of header-signed-request.txt vs request.txt + Sign()";
  }

  fs::path dir_;
};

class LogsVectorTest : public ::testing::Test {
 public:
  LogsVectorTest(Json file, const cJSON* vector)
      : file_(std::move(file)), vector_(vector) {}

  void TestBody() override {
    LogsVector v;
    Status parsed = ParseLogsVector(vector_, &v);
    ASSERT_TRUE(parsed.ok()) << parsed.ToString();
    SigningResult got = CheckSigning(v.in, v.want);
    // What Sign() adds must be what the vector's request carried
    // (Authorization was compared above).
    for (const HttpHeader& added : got.headers_to_add) {
      if (ToLower(added.name) == "authorization") continue;
      const HttpHeader* sent = FindHeader(v.sent, ToLower(added.name));
      EXPECT_NE(sent, nullptr) << added.name << " added by Sign() but not sent";
      if (sent != nullptr) {
        EXPECT_EQ(sent->value, added.value) << added.name;
      }
    }
  }

 private:
  Json file_;  // owns `vector_`
  const cJSON* vector_;
};

// Stands for a test that could not be set up, so the run cannot pass.
class SetupFailure : public ::testing::Test {
 public:
  explicit SetupFailure(std::string message) : message_(std::move(message)) {}
  void TestBody() override { ADD_FAILURE() << message_; }

 private:
  std::string message_;
};

// gtest filters treat '-' specially; keep names to [A-Za-z0-9_].
std::string TestName(std::string_view name) {
  std::string out(name);
  for (char& c : out) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return out.empty() ? "unnamed" : out;
}

template <typename Factory>
void Register(const char* suite, const std::string& name, Factory factory) {
  ::testing::RegisterTest(suite, TestName(name).c_str(), nullptr, nullptr,
                          __FILE__, __LINE__, std::move(factory));
}

void RegisterSetupFailure(const char* suite, const char* name,
                          std::string message) {
  Register(suite, name, [message]() -> ::testing::Test* {
    return new SetupFailure(message);
  });
}

void RegisterSuiteCases(const fs::path& suite_dir) {
  std::error_code ec;
  std::vector<fs::path> cases;
  for (fs::directory_iterator it(suite_dir, ec), end; !ec && it != end;
       it.increment(ec)) {
    if (it->is_directory()) cases.push_back(it->path());
  }
  if (ec || cases.empty()) {
    RegisterSetupFailure("SigV4Suite", "SuiteDirectoryHasCases",
                         suite_dir.string() + ": " +
                             (ec ? ec.message() : "no case directories"));
    return;
  }
  std::sort(cases.begin(), cases.end());
  for (const fs::path& dir : cases) {
    Register("SigV4Suite", dir.filename().string(),
             [dir]() -> ::testing::Test* { return new SuiteCaseTest(dir); });
  }
}

void RegisterLogsVectors(const fs::path& path) {
  StatusOr<std::string> text = ReadFile(path);
  StatusOr<Json> root =
      text.ok() ? ParseJson(*text, path.string()) : text.status();
  const cJSON* vectors =
      root.ok() ? cJSON_GetObjectItemCaseSensitive(root->get(), "vectors")
                : nullptr;
  if (!cJSON_IsArray(vectors) || cJSON_GetArraySize(vectors) == 0) {
    RegisterSetupFailure(
        "LogsVectors", "FileHasVectors",
        root.ok() ? path.string() + ": no \"vectors\" array or it is empty"
                  : root.status().ToString());
    return;
  }
  int index = 0;
  for (const cJSON* v = vectors->child; v != nullptr; v = v->next, ++index) {
    const cJSON* name = cJSON_GetObjectItemCaseSensitive(v, "name");
    Json file = *root;
    Register("LogsVectors",
             cJSON_IsString(name) ? name->valuestring
                                  : "vector_" + std::to_string(index),
             [file, v]() -> ::testing::Test* {
               return new LogsVectorTest(file, v);
             });
  }
}

}  // namespace
}  // namespace edgelog

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  std::string suite_dir;
  std::string logs_vectors;
  bool usage_error = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--logs-vectors" && i + 1 < argc) {
      logs_vectors = argv[++i];
    } else if (arg.rfind("--logs-vectors=", 0) == 0) {
      logs_vectors = arg.substr(sizeof("--logs-vectors=") - 1);
    } else if (suite_dir.empty() && arg.rfind("--", 0) != 0) {
      suite_dir = arg;
    } else {
      usage_error = true;
    }
  }
  if (usage_error || suite_dir.empty()) {
    std::fprintf(stderr,
                 "usage: %s SUITE_DIR [--logs-vectors FILE] [gtest flags]\n",
                 argv[0]);
    return 2;
  }
  edgelog::RegisterSuiteCases(suite_dir);
  if (!logs_vectors.empty()) edgelog::RegisterLogsVectors(logs_vectors);
  edgelog::testing::InstallSummaryListener();
  return RUN_ALL_TESTS();
}
