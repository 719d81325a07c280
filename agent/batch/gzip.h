// gzip (RFC 1952) compression of request bodies with zlib.
#ifndef EDGELOG_AGENT_BATCH_GZIP_H_
#define EDGELOG_AGENT_BATCH_GZIP_H_

#include <memory>
#include <string>
#include <string_view>

#include "agent/base/status.h"

namespace edgelog {

// Compresses one buffer at a time, reusing zlib's state between calls
// (deflateReset instead of a fresh 256 KiB allocation per body).
class GzipCompressor {
 public:
  // `level`: 1 (fastest) to 9 (smallest).
  explicit GzipCompressor(int level);
  ~GzipCompressor();
  GzipCompressor(const GzipCompressor&) = delete;
  GzipCompressor& operator=(const GzipCompressor&) = delete;

  // Replaces `*out` with the gzip member holding `input`. The header carries
  // no name and no time, so equal input gives equal output.
  Status Compress(std::string_view input, std::string* out);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// Decompresses a gzip member; kCorruption when `input` is not one. Refuses
// output larger than `max_output` bytes.
StatusOr<std::string> GunzipBody(std::string_view input, size_t max_output);

}  // namespace edgelog

#endif  // EDGELOG_AGENT_BATCH_GZIP_H_
