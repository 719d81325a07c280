#include "agent/aws/creds/refresher.h"

#include <algorithm>
#include <chrono>
#include <utility>

namespace edgelog {

CachedCredentials::CachedCredentials(std::unique_ptr<CredentialSource> source, Clock& clock,
                                     Logger& log, uint64_t seed)
    : source_(std::move(source)), clock_(clock), log_(log), rng_(seed) {}

CachedCredentials::~CachedCredentials() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

Status CachedCredentials::Refresh() {
  // The fetch runs unlocked: Get() goes on answering with what is held.
  StatusOr<SourcedCredentials> got = source_->Fetch();
  int64_t now = clock_.NowUnixMillis();
  std::lock_guard<std::mutex> lock(mu_);
  invalidated_ = false;
  if (!got.ok()) {
    last_error_ = got.status();
    if (have_ && got.status().message() != last_logged_) {
      last_logged_ = got.status().message();
      log_.Error("cannot refresh the credentials: " + last_logged_ +
                 (held_.expires_unix_ms > 0 && held_.expires_unix_ms > now
                      ? "; the ones held are good for " +
                            std::to_string((held_.expires_unix_ms - now) / 60000) + " more min"
                      : ""));
    }
    ScheduleLocked(now, /*failed=*/true);
    return got.status();
  }
  // From here on, no message may show them.
  log_.Hide(got->credentials.secret_access_key);
  log_.Hide(got->credentials.session_token);
  if (have_ && !last_logged_.empty()) log_.Info("credentials refreshed from " + got->source);
  last_logged_.clear();
  last_error_ = Status::Ok();
  held_ = std::move(*got);
  have_ = true;
  retry_ms_ = kFirstRetryMs;
  ScheduleLocked(now, /*failed=*/false);
  return Status::Ok();
}

void CachedCredentials::ScheduleLocked(int64_t now, bool failed) {
  if (failed) {
    next_refresh_ms_ = now + retry_ms_;
    retry_ms_ = std::min(retry_ms_ * 2, kMaxRetryMs);
    return;
  }
  if (held_.expires_unix_ms == 0) {
    next_refresh_ms_ = now + kRecheckMs;
    return;
  }
  int64_t life = held_.expires_unix_ms - now;
  std::uniform_int_distribution<int64_t> jitter(0, kJitterMs);
  int64_t at = held_.expires_unix_ms - kAheadMs - jitter(rng_);
  // Short-lived credentials: halfway through their life.
  if (life <= 2 * (kAheadMs + kJitterMs)) at = now + life / 2;
  next_refresh_ms_ = std::max(at, now + 1000);
}

int64_t CachedCredentials::next_refresh_unix_ms() const {
  std::lock_guard<std::mutex> lock(mu_);
  return next_refresh_ms_;
}

void CachedCredentials::RefreshIfDue() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!invalidated_ && clock_.NowUnixMillis() < next_refresh_ms_) return;
  }
  Refresh().IgnoreError();  // a failure is kept in last_error_, logged, and retried
}

void CachedCredentials::StartThread() {
  thread_ = std::thread([this] { Run(); });
}

void CachedCredentials::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    int64_t wait_ms = std::max<int64_t>(0, next_refresh_ms_ - clock_.NowUnixMillis());
    // Wake at least once a minute: the wall clock may jump (suspend, NTP).
    wake_.wait_for(lock, std::chrono::milliseconds(std::min<int64_t>(wait_ms, 60000)),
                   [this] { return stopping_ || invalidated_; });
    if (stopping_) return;
    if (!invalidated_ && clock_.NowUnixMillis() < next_refresh_ms_) continue;
    lock.unlock();
    Refresh().IgnoreError();  // a failure is kept in last_error_, logged, and retried
    lock.lock();
  }
}

StatusOr<Credentials> CachedCredentials::Get() {
  std::lock_guard<std::mutex> lock(mu_);
  if (invalidated_) return Status::Unavailable("credentials are being refreshed");
  if (!have_) {
    return last_error_.ok() ? Status::Unavailable("credentials not fetched yet") : last_error_;
  }
  if (held_.expires_unix_ms > 0 && clock_.NowUnixMillis() >= held_.expires_unix_ms) {
    return Status::PermissionDenied(
        "the credentials from " + held_.source + " expired and could not be refreshed" +
        (last_error_.ok() ? std::string() : ": " + last_error_.message()));
  }
  return held_.credentials;
}

std::string CachedCredentials::Source() const {
  std::lock_guard<std::mutex> lock(mu_);
  return have_ ? held_.source : source_->Name();
}

int64_t CachedCredentials::ExpiresUnixMs() const {
  std::lock_guard<std::mutex> lock(mu_);
  return have_ ? held_.expires_unix_ms : 0;
}

void CachedCredentials::Invalidate() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!thread_.joinable()) return;  // nobody would refresh: keep what is held
    invalidated_ = true;
  }
  wake_.notify_all();
}

}  // namespace edgelog
