// CachedCredentials: the CredentialsProvider the sender signs with. It
// holds what a CredentialSource (the default chain, maybe with a role on
// top) fetched, and fetches again before they expire, and at once when
// CloudWatch says they did. Fetching (IMDS, STS, a credential_process) can
// take seconds, so it happens on a refresh thread of its own: Get() never
// waits.
//
// Get() and Invalidate() may be called from the main loop while the refresh
// thread runs; everything else is for the thread that owns the object.
#ifndef EDGELOG_AGENT_AWS_CREDS_REFRESHER_H_
#define EDGELOG_AGENT_AWS_CREDS_REFRESHER_H_

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>

#include "agent/aws/credentials.h"
#include "agent/aws/creds/source.h"
#include "agent/base/logger.h"
#include "platform/clock.h"

namespace edgelog {

class CachedCredentials final : public CredentialsProvider {
 public:
  // Expiring credentials are fetched again this long before they expire,
  // plus up to kJitterMs (so many agents do not all call at once).
  static constexpr int64_t kAheadMs = 5 * 60 * 1000;
  static constexpr int64_t kJitterMs = 5 * 60 * 1000;
  // Long-term credentials (environment, shared files) are looked at again
  // this often: the files may have changed.
  static constexpr int64_t kRecheckMs = 5 * 60 * 1000;
  // After a failed fetch, the next try waits this long, doubling up to kMaxRetryMs.
  static constexpr int64_t kFirstRetryMs = 5000;
  static constexpr int64_t kMaxRetryMs = 5 * 60 * 1000;

  CachedCredentials(std::unique_ptr<CredentialSource> source, Clock& clock, Logger& log,
                    uint64_t seed);
  ~CachedCredentials() override;  // stops the refresh thread

  // Fetches now, on the calling thread. The first call's error is the
  // caller's to report; later failures keep the credentials held (while
  // they have not expired) and are logged once per distinct message.
  // The secret access key and session token fetched are handed to the
  // logger's Hide(), so no message shows them.
  Status Refresh();
  // Unix ms at which RefreshIfDue() will fetch.
  int64_t next_refresh_unix_ms() const;
  // Fetches if due (or invalidated). The refresh thread calls this.
  void RefreshIfDue();
  // Starts the refresh thread (after a first successful Refresh()).
  void StartThread();

  // CredentialsProvider.
  StatusOr<Credentials> Get() override;
  std::string Source() const override;
  void Invalidate() override;
  int64_t ExpiresUnixMs() const override;

 private:
  void Run();
  void ScheduleLocked(int64_t now, bool failed);

  std::unique_ptr<CredentialSource> source_;
  Clock& clock_;
  Logger& log_;
  std::mt19937_64 rng_;

  mutable std::mutex mu_;
  std::condition_variable wake_;
  bool have_ = false;
  SourcedCredentials held_;
  Status last_error_;
  std::string last_logged_;
  bool invalidated_ = false;
  bool stopping_ = false;
  int64_t next_refresh_ms_ = 0;  // unix
  int64_t retry_ms_ = kFirstRetryMs;
  std::thread thread_;
};

}  // namespace edgelog

#endif  // EDGELOG_AGENT_AWS_CREDS_REFRESHER_H_
