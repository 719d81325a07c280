#include "agent/run/last_error.h"

#include <gtest/gtest.h>

#include <string>

#include "tests/support/capture_logger.h"
#include "tests/support/fake_clock.h"
#include "tests/support/mem_env.h"

namespace edgelog {
namespace {

using testing::CaptureLogger;
using testing::FakeClock;
using testing::MemEnv;

constexpr char kState[] = "/state";
constexpr char kPath[] = "/state/last_error.json";
constexpr char kSecret[] = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

// Counts the files opened for writing: every save opens one.
class WriteCountingEnv : public EnvWrapper {
 public:
  explicit WriteCountingEnv(Env& target) : EnvWrapper(target) {}
  StatusOr<std::unique_ptr<WritableFile>> OpenWritable(const std::string& path,
                                                       WriteMode mode) override {
    ++opened;
    return EnvWrapper::OpenWritable(path, mode);
  }
  int opened = 0;
};

class LastErrorTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(mem_.CreateDirs(kState).ok()); }

  std::optional<LastError> Saved() {
    auto loaded = LoadLastError(mem_, kPath);
    EXPECT_TRUE(loaded.ok()) << loaded.status().ToString();
    return loaded.ok() ? *loaded : std::nullopt;
  }

  MemEnv mem_;
  WriteCountingEnv env_{mem_};
  FakeClock clock_;
  CaptureLogger inner_;
  ErrorRecordingLogger log_{inner_, clock_};
  LastErrorFile file_{env_, clock_, kState, log_};
};

TEST_F(LastErrorTest, EveryLineGoesOnAndOnlyErrorsAreRemembered) {
  log_.Info("starting");
  log_.Warning("a warning");
  EXPECT_FALSE(log_.last().has_value());
  log_.Error("first error");
  clock_.Advance(5000);
  log_.Error("second error");
  log_.Warning("a warning after it");
  ASSERT_TRUE(log_.last().has_value());
  EXPECT_EQ("second error", log_.last()->message);
  EXPECT_EQ(clock_.NowUnixMillis(), log_.last()->unix_ms);
  EXPECT_EQ(5u, inner_.lines().size());
}

TEST_F(LastErrorTest, SecretsHiddenHereAreRedactedBeforeTheyAreRemembered) {
  log_.Hide(kSecret);
  log_.Error(std::string("refused key ") + kSecret);
  ASSERT_TRUE(log_.last().has_value());
  EXPECT_EQ(std::string::npos, log_.last()->message.find(kSecret));
  EXPECT_NE(std::string::npos, log_.last()->message.find("[redacted]"));
  EXPECT_EQ(log_.last()->message, inner_.lines().back().text);
  file_.SaveNow();
  EXPECT_EQ(std::string::npos, mem_.ReadFile(kPath).find(kSecret));
}

TEST_F(LastErrorTest, NothingIsWrittenBeforeTheFirstError) {
  log_.Warning("only a warning");
  file_.SaveIfDue();
  file_.SaveNow();
  EXPECT_EQ(0, env_.opened);
  EXPECT_FALSE(mem_.Exists(kPath));
}

TEST_F(LastErrorTest, SavedAtMostOnceASecondAndOnlyWhenItChanged) {
  log_.Error("endpoint down");
  file_.SaveIfDue();
  EXPECT_EQ(1, env_.opened);
  ASSERT_TRUE(Saved().has_value());
  EXPECT_EQ("endpoint down", Saved()->message);

  file_.SaveIfDue();  // unchanged
  clock_.Advance(3000);
  file_.SaveIfDue();  // still unchanged
  EXPECT_EQ(1, env_.opened);

  log_.Error("credentials refused");
  file_.SaveIfDue();
  EXPECT_EQ(2, env_.opened);
  log_.Error("throttled");
  clock_.Advance(400);
  file_.SaveIfDue();  // within the second: waits
  EXPECT_EQ(2, env_.opened);
  EXPECT_EQ("credentials refused", Saved()->message);
  clock_.Advance(600);
  file_.SaveIfDue();
  EXPECT_EQ(3, env_.opened);
  EXPECT_EQ("throttled", Saved()->message);
  EXPECT_EQ(clock_.NowUnixMillis() - 1000, Saved()->unix_ms) << "the time it was logged";
  EXPECT_FALSE(mem_.Exists(std::string(kPath) + ".tmp"));
}

TEST_F(LastErrorTest, SaveNowWritesAChangeAtOnceAtTheEndOfARun) {
  log_.Error("one");
  file_.SaveIfDue();
  log_.Error("giving up");
  file_.SaveNow();
  EXPECT_EQ("giving up", Saved()->message);
  file_.SaveNow();
  EXPECT_EQ(2, env_.opened) << "unchanged: not written again";
}

TEST_F(LastErrorTest, AFailedSaveIsTriedAgainLater) {
  MemEnv other;  // no state directory at all: the write fails
  LastErrorFile file(other, clock_, "/missing", log_);
  log_.Error("lost for now");
  file.SaveIfDue();
  EXPECT_FALSE(other.Exists("/missing/last_error.json"));
  ASSERT_TRUE(other.CreateDirs("/missing").ok());
  clock_.Advance(1000);
  file.SaveIfDue();
  EXPECT_TRUE(other.Exists("/missing/last_error.json"));
}

TEST(LastErrorFormatTest, GoldenBytes) {
  LastError e{1765130000123, "PutLogEvents for /app / web failed: \"refused\"\n\x01"};
  EXPECT_EQ(
      "{\"version\":1,\"time\":\"1765130000123\",\"message\":"
      "\"PutLogEvents for /app / web failed: \\\"refused\\\"\\n\\u0001\"}\n",
      LastErrorToJson(e));
}

TEST(LastErrorFormatTest, ReadsBackWhatIsWrittenAndNamesAFileThatIsNotOne) {
  MemEnv env;
  EXPECT_FALSE(LoadLastError(env, kPath)->has_value()) << "none saved yet";
  LastError e{42, "caf\xc3\xa9 \xe2\x98\x83"};
  env.WriteFile(kPath, LastErrorToJson(e));
  auto loaded = LoadLastError(env, kPath);
  ASSERT_TRUE(loaded.ok() && loaded->has_value());
  EXPECT_EQ(e, **loaded);
  for (const std::string bad : {"", "{\"time\":\"12\"}", "{\"time\":12,\"message\":\"m\"}",
                                "{\"time\":\"-1\",\"message\":\"m\"}", "{\"time\":\"1"}) {
    env.WriteFile(kPath, bad);
    auto r = LoadLastError(env, kPath);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(Code::kCorruption, r.status().code()) << bad;
    EXPECT_NE(std::string::npos, r.status().message().find(kPath));
  }
}

}  // namespace
}  // namespace edgelog
