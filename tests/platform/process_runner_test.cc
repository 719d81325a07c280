// The shell ProcessRunner against real processes.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <string>

#include "platform/process.h"
#include "tests/support/emulation.h"

namespace edgelog {
namespace {

constexpr int64_t kTimeoutMs = 10000;
constexpr size_t kMaxOutput = 64 * 1024;

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

class ShellProcessRunnerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    EDGELOG_SKIP_UNDER_EMULATION("a child forked by a dynamically linked program never "
                                 "finishes there, even one that only calls _exit");
  }

  StatusOr<std::string> Run(const std::string& command, int64_t timeout_ms = kTimeoutMs,
                            size_t max_output = kMaxOutput) {
    return runner_->Run(command, timeout_ms, max_output);
  }

  std::unique_ptr<ProcessRunner> runner_ = NewShellProcessRunner();
};

int64_t ElapsedMs(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now() - since)
      .count();
}

TEST_F(ShellProcessRunnerTest, ReturnsStandardOutput) {
  auto out = Run("echo hello; printf 'two\\nlines'");
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ("hello\ntwo\nlines", *out);
}

TEST_F(ShellProcessRunnerTest, StandardErrorIsNotPartOfTheOutput) {
  auto out = Run("echo to-stderr >&2; echo to-stdout");
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ("to-stdout\n", *out);
}

TEST_F(ShellProcessRunnerTest, ANonZeroExitNamesTheStatusAndTheStartOfStandardError) {
  auto out = Run("echo partial; printf 'token expired\\nrun login\\n' >&2; exit 3");
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(Code::kUnavailable, out.status().code());
  EXPECT_EQ("the command exited with status 3: token expired run login",
            out.status().message());
}

TEST_F(ShellProcessRunnerTest, ANonZeroExitWithoutStandardErrorSaysSo) {
  auto out = Run("exit 1");
  ASSERT_FALSE(out.ok());
  EXPECT_EQ("the command exited with status 1 and wrote nothing to standard error",
            out.status().message());
}

TEST_F(ShellProcessRunnerTest, OnlyTheStartOfALongStandardErrorIsQuoted) {
  auto out = Run("head -c 100000 /dev/zero | tr '\\0' x >&2; exit 2");
  ASSERT_FALSE(out.ok());
  EXPECT_LT(out.status().message().size(), 400u);
  EXPECT_TRUE(Contains(out.status().message(), "xxx...")) << out.status().message();
}

// Mixed-case base64, as a session token is.
std::string TokenLike(size_t size) {
  std::string token;
  while (token.size() < size) token += "IQoJb3Jp+Z2luX2/VjEMr";
  token.resize(size);
  return token;
}

TEST_F(ShellProcessRunnerTest, SecretsInStandardErrorAreNotQuoted) {
  // A credential_process run under `set -x` echoes what it prints.
  const std::string key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
  const std::string token = TokenLike(400);
  auto out = Run("set -x; echo '{\"AccessKeyId\":\"AKIAIOSFODNN7EXAMPLE\",\"SecretAccessKey\":\"" +
                 key + "\",\"SessionToken\":\"" + token + "\"}' >/dev/null; exit 1");
  ASSERT_FALSE(out.ok());
  const std::string& m = out.status().message();
  EXPECT_FALSE(Contains(m, key.substr(0, 12))) << m;
  EXPECT_FALSE(Contains(m, token.substr(0, 12))) << m;
  EXPECT_TRUE(Contains(m, "[redacted]")) << m;
  EXPECT_TRUE(Contains(m, "AKIAIOSFODNN7EXAMPLE")) << m;
}

TEST_F(ShellProcessRunnerTest, ASecretCutShortByTheLimitKeptIsNotQuotedInPart) {
  // Four tokens and the start of a fifth fill what is kept; redacted, the
  // four leave room in the quote for the start of the fifth.
  const std::string t = TokenLike(1000);
  auto out = Run("t='" + t + "'; printf '%s %s %s %s %s' $t $t $t $t $t >&2; exit 1");
  ASSERT_FALSE(out.ok());
  EXPECT_FALSE(Contains(out.status().message(), t.substr(0, 12))) << out.status().message();
}

TEST_F(ShellProcessRunnerTest, AMissingCommandIsAFailureNamingIt) {
  auto out = Run("edgelog-no-such-command-here");
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(Code::kUnavailable, out.status().code());
  EXPECT_TRUE(Contains(out.status().message(), "status 127")) << out.status().message();
  EXPECT_TRUE(Contains(out.status().message(), "edgelog-no-such-command-here"))
      << out.status().message();
}

TEST_F(ShellProcessRunnerTest, DeathBySignalIsReported) {
  auto out = Run("kill -9 $$");
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(Code::kUnavailable, out.status().code());
  EXPECT_TRUE(Contains(out.status().message(), "killed by signal 9")) << out.status().message();
}

TEST_F(ShellProcessRunnerTest, ACommandRunningPastTheTimeoutIsKilled) {
  auto start = std::chrono::steady_clock::now();
  auto out = Run("echo started; sleep 30", 300);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(Code::kUnavailable, out.status().code());
  EXPECT_EQ("the command ran longer than 300 ms and was killed", out.status().message());
  EXPECT_LT(ElapsedMs(start), 5000);
}

TEST_F(ShellProcessRunnerTest, TheTimeoutKillsChildrenThatHoldTheOutputOpen) {
  auto start = std::chrono::steady_clock::now();
  auto out = Run("sleep 30 & sleep 30 & wait", 300);
  ASSERT_FALSE(out.ok());
  EXPECT_TRUE(Contains(out.status().message(), "killed")) << out.status().message();
  EXPECT_LT(ElapsedMs(start), 5000);
}

TEST_F(ShellProcessRunnerTest, AProcessThatClosesItsOutputButLivesOnStillTimesOut) {
  auto start = std::chrono::steady_clock::now();
  auto out = Run("exec >&- 2>&-; sleep 30", 300);
  ASSERT_FALSE(out.ok());
  EXPECT_TRUE(Contains(out.status().message(), "killed")) << out.status().message();
  EXPECT_LT(ElapsedMs(start), 5000);
}

TEST_F(ShellProcessRunnerTest, OutputUpToTheLimitIsReturnedAndMoreIsAnError) {
  auto out = Run("printf 12345", kTimeoutMs, 5);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ("12345", *out);

  auto start = std::chrono::steady_clock::now();
  out = Run("yes", kTimeoutMs, 1000);
  ASSERT_FALSE(out.ok());
  EXPECT_TRUE(Contains(out.status().message(), "more than 1000 bytes")) << out.status().message();
  EXPECT_LT(ElapsedMs(start), 5000);
}

TEST_F(ShellProcessRunnerTest, MuchStandardErrorDoesNotBlockTheCommand) {
  auto out = Run("head -c 1000000 /dev/zero >&2; echo done");
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ("done\n", *out);
}

TEST_F(ShellProcessRunnerTest, TheEnvironmentIsInheritedAndStandardInputIsEmpty) {
  ASSERT_EQ(0, ::setenv("EDGELOG_PROCESS_RUNNER_TEST", "inherited", 1));
  auto out = Run("printf %s \"$EDGELOG_PROCESS_RUNNER_TEST\"; cat");
  ::unsetenv("EDGELOG_PROCESS_RUNNER_TEST");
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ("inherited", *out);
}

TEST_F(ShellProcessRunnerTest, NoDescriptorOfTheCallerLeaksIntoTheCommand) {
  // Opened without O_CLOEXEC, as a careless library might.
  int leaky = ::open("/dev/null", O_RDONLY);
  ASSERT_GE(leaky, 3);
  auto out = Run("ls /proc/$$/fd");
  ::close(leaky);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ("0\n1\n2\n", *out);
}

}  // namespace
}  // namespace edgelog
