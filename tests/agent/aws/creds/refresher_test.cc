#include "agent/aws/creds/refresher.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <deque>
#include <set>
#include <thread>

#include "tests/support/capture_logger.h"
#include "tests/support/emulation.h"
#include "tests/support/fake_clock.h"

namespace edgelog {
namespace {

using testing::CaptureLogger;
using testing::FakeClock;

// Answers from a script; counts fetches. Safe to fetch from another thread.
class ScriptedSource : public CredentialSource {
 public:
  StatusOr<SourcedCredentials> Fetch() override {
    int n = ++fetches;
    if (failing) return Status::Unavailable("the metadata service does not answer");
    SourcedCredentials c;
    c.credentials = {"ASIA" + std::to_string(n), "secret" + std::to_string(n), "token"};
    c.expires_unix_ms = lifetime_ms > 0 ? now_for_expiry + lifetime_ms : 0;
    c.source = "scripted";
    return c;
  }
  std::string Name() const override { return "scripted"; }

  std::atomic<int> fetches{0};
  std::atomic<bool> failing{false};
  int64_t lifetime_ms = 0;
  int64_t now_for_expiry = 0;
};

class CachedCredentialsTest : public ::testing::Test {
 protected:
  CachedCredentialsTest() {
    auto s = std::make_unique<ScriptedSource>();
    source_ = s.get();
    source_->now_for_expiry = clock_.NowUnixMillis();
    cached_ = std::make_unique<CachedCredentials>(std::move(s), clock_, log_, 7);
  }
  FakeClock clock_;
  CaptureLogger log_;
  ScriptedSource* source_;
  std::unique_ptr<CachedCredentials> cached_;
};

TEST_F(CachedCredentialsTest, GetAnswersFromTheCacheWithoutFetching) {
  ASSERT_TRUE(cached_->Refresh().ok());
  for (int i = 0; i < 5; ++i) ASSERT_EQ("ASIA1", cached_->Get()->access_key_id);
  EXPECT_EQ(1, source_->fetches.load());
  EXPECT_EQ("scripted", cached_->Source());
}

TEST_F(CachedCredentialsTest, ExpiringCredentialsAreFetchedAgainFiveToTenMinutesAhead) {
  source_->lifetime_ms = 60 * 60 * 1000;  // one hour, as STS and IMDS give
  int64_t start = clock_.NowUnixMillis();
  ASSERT_TRUE(cached_->Refresh().ok());
  int64_t at = cached_->next_refresh_unix_ms();
  EXPECT_GE(at, start + 50 * 60 * 1000);
  EXPECT_LE(at, start + 55 * 60 * 1000);
  clock_.Advance(at - start - 1);
  cached_->RefreshIfDue();
  EXPECT_EQ(1, source_->fetches.load()) << "not due yet";
  clock_.Advance(1);
  source_->now_for_expiry = clock_.NowUnixMillis();
  cached_->RefreshIfDue();
  EXPECT_EQ(2, source_->fetches.load());
  EXPECT_EQ("ASIA2", cached_->Get()->access_key_id);
}

TEST_F(CachedCredentialsTest, TheJitterSpreadsAgents) {
  source_->lifetime_ms = 60 * 60 * 1000;
  std::set<int64_t> seen;
  for (uint64_t seed = 1; seed <= 10; ++seed) {
    auto s = std::make_unique<ScriptedSource>();
    s->lifetime_ms = source_->lifetime_ms;
    s->now_for_expiry = clock_.NowUnixMillis();
    CachedCredentials c(std::move(s), clock_, log_, seed);
    ASSERT_TRUE(c.Refresh().ok());
    seen.insert(c.next_refresh_unix_ms());
  }
  EXPECT_GT(seen.size(), 5u);
}

TEST_F(CachedCredentialsTest, AFailedRefreshKeepsWhatIsHeldUntilItExpiresAndSaysSoOnce) {
  source_->lifetime_ms = 20 * 60 * 1000;
  ASSERT_TRUE(cached_->Refresh().ok());
  source_->failing = true;
  int64_t expires = clock_.NowUnixMillis() + source_->lifetime_ms;
  clock_.Advance(cached_->next_refresh_unix_ms() - clock_.NowUnixMillis());
  cached_->RefreshIfDue();
  cached_->RefreshIfDue();  // not due again: the retry waits
  EXPECT_EQ(2, source_->fetches.load());
  EXPECT_EQ("ASIA1", cached_->Get()->access_key_id) << "still good";
  EXPECT_EQ(1, log_.Count(LogLevel::kError, "cannot refresh the credentials"));
  // Retries back off, and the same failure is not logged again.
  int64_t first_retry = cached_->next_refresh_unix_ms() - clock_.NowUnixMillis();
  clock_.Advance(first_retry);
  cached_->RefreshIfDue();
  EXPECT_GT(cached_->next_refresh_unix_ms() - clock_.NowUnixMillis(), first_retry);
  EXPECT_EQ(1, log_.Count(LogLevel::kError, "cannot refresh the credentials"));
  // Past expiry: Get says why.
  clock_.SetWall(expires);
  auto got = cached_->Get();
  ASSERT_FALSE(got.ok());
  EXPECT_NE(std::string::npos, got.status().message().find("expired"));
  EXPECT_NE(std::string::npos, got.status().message().find("does not answer"));
  // It comes back.
  source_->failing = false;
  source_->now_for_expiry = clock_.NowUnixMillis();
  ASSERT_TRUE(cached_->Refresh().ok());
  EXPECT_TRUE(cached_->Get().ok());
  EXPECT_EQ(1, log_.Count(LogLevel::kInfo, "credentials refreshed"));
}

TEST_F(CachedCredentialsTest, LongTermCredentialsAreLookedAtAgainEveryFiveMinutes) {
  ASSERT_TRUE(cached_->Refresh().ok());
  EXPECT_EQ(clock_.NowUnixMillis() + CachedCredentials::kRecheckMs,
            cached_->next_refresh_unix_ms());
}

TEST_F(CachedCredentialsTest, TheFirstFailureIsTheCallersToReport) {
  source_->failing = true;
  Status s = cached_->Refresh();
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(0, log_.Count(LogLevel::kError, ""));
  EXPECT_FALSE(cached_->Get().ok());
}

// The refresh thread, with the real clock: an invalidation is answered at
// once and Get() never waits for the fetch.
TEST(CachedCredentialsThreadTest, InvalidateFetchesAgainOnTheRefreshThread) {
  EDGELOG_SKIP_UNDER_EMULATION(
      "a dynamically linked program never gets its first thread started there");
  std::unique_ptr<Clock> clock = NewSystemClock();
  CaptureLogger log;
  auto s = std::make_unique<ScriptedSource>();
  ScriptedSource* source = s.get();
  CachedCredentials cached(std::move(s), *clock, log, 1);
  ASSERT_TRUE(cached.Refresh().ok());
  cached.StartThread();
  cached.Invalidate();
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (source->fetches.load() < 2 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_EQ(2, source->fetches.load());
  deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!cached.Get().ok() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_EQ("ASIA2", cached.Get()->access_key_id);
}

// Secrets long enough to be looked for, different at every fetch.
class RotatingSource : public CredentialSource {
 public:
  StatusOr<SourcedCredentials> Fetch() override {
    std::string n = std::to_string(++fetches_);
    SourcedCredentials c;
    c.credentials = {"ASIAROTATING" + n, "rotating-secret-" + n, "rotating-token-" + n};
    c.source = "rotating";
    return c;
  }
  std::string Name() const override { return "rotating"; }

 private:
  int fetches_ = 0;
};

TEST(CachedCredentialsHidingTest, TheSecretsOfEveryFetchAreHiddenFromTheLog) {
  FakeClock clock;
  CaptureLogger log;
  CachedCredentials cached(std::make_unique<RotatingSource>(), clock, log, 7);
  ASSERT_TRUE(cached.Refresh().ok());
  ASSERT_TRUE(cached.Refresh().ok());
  log.Error("quoted: rotating-secret-1 rotating-token-1 rotating-secret-2 rotating-token-2 "
            "ASIAROTATING2");
  EXPECT_EQ("quoted: [redacted] [redacted] [redacted] [redacted] ASIAROTATING2",
            log.lines().back().text);
}

}  // namespace
}  // namespace edgelog
