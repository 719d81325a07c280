// The limits of the CloudWatch Logs API that shape what edgelog sends.
// Source: https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutLogEvents.html
#ifndef EDGELOG_AGENT_BASE_CLOUDWATCH_LIMITS_H_
#define EDGELOG_AGENT_BASE_CLOUDWATCH_LIMITS_H_

#include <cstddef>
#include <cstdint>

namespace edgelog {

// Each event counts as its UTF-8 message bytes plus this overhead.
inline constexpr size_t kEventOverheadBytes = 26;
// At most this many bytes (messages + overhead) in one PutLogEvents call.
inline constexpr size_t kMaxRequestBytes = 1048576;
// At most this many events in one PutLogEvents call.
inline constexpr size_t kMaxEventsPerRequest = 10000;
// One event, overhead included, is at most 1 MiB (raised from 256 KiB).
inline constexpr size_t kMaxEventBytes = 1048576;
// So one message is at most this many bytes; longer lines are split.
inline constexpr size_t kMaxEventMessageBytes = kMaxEventBytes - kEventOverheadBytes;
// The events of one call must not span more than 24 hours.
inline constexpr int64_t kMaxRequestSpanMillis = 24LL * 3600 * 1000;
// Events older than this (or the group's retention) are rejected.
inline constexpr int64_t kMaxEventAgeMillis = 14LL * 24 * 3600 * 1000;
// Events further in the future than this are rejected.
inline constexpr int64_t kMaxEventFutureMillis = 2LL * 3600 * 1000;

// Log group names: 1-512 characters of [.\-_/#A-Za-z0-9].
inline constexpr size_t kMaxLogGroupNameLength = 512;
// Log stream names: 1-512 characters, no ':' or '*'.
inline constexpr size_t kMaxLogStreamNameLength = 512;

}  // namespace edgelog

#endif  // EDGELOG_AGENT_BASE_CLOUDWATCH_LIMITS_H_
