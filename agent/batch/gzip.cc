#include "agent/batch/gzip.h"

#include <zlib.h>

#include <cstring>

namespace edgelog {
namespace {

constexpr int kGzipWindowBits = 15 + 16;  // 32 KiB window, gzip wrapper
constexpr int kMemLevel = 8;

Bytef* InputBytes(std::string_view s) {
  return reinterpret_cast<Bytef*>(const_cast<char*>(s.data()));
}

}  // namespace

struct GzipCompressor::State {
  z_stream zs;
  bool ready = false;
  std::string scratch;
};

GzipCompressor::GzipCompressor(int level) : state_(std::make_unique<State>()) {
  std::memset(&state_->zs, 0, sizeof(state_->zs));
  state_->ready = deflateInit2(&state_->zs, level, Z_DEFLATED, kGzipWindowBits,
                               kMemLevel, Z_DEFAULT_STRATEGY) == Z_OK;
}

GzipCompressor::~GzipCompressor() {
  if (state_->ready) deflateEnd(&state_->zs);
}

Status GzipCompressor::Compress(std::string_view input, std::string* out) {
  if (!state_->ready) return Status::IoError("zlib could not be initialised");
  z_stream& zs = state_->zs;
  if (deflateReset(&zs) != Z_OK) return Status::IoError("deflateReset failed");
  // Compress into reusable scratch, then copy: the result keeps no slack
  // (bodies wait in queues, and deflateBound is about the input's size).
  std::string& scratch = state_->scratch;
  scratch.resize(deflateBound(&zs, input.size()));
  zs.next_in = InputBytes(input);
  zs.avail_in = static_cast<uInt>(input.size());
  zs.next_out = reinterpret_cast<Bytef*>(scratch.data());
  zs.avail_out = static_cast<uInt>(scratch.size());
  int rc = deflate(&zs, Z_FINISH);
  if (rc != Z_STREAM_END) {
    return Status::IoError("deflate failed: " + std::to_string(rc));
  }
  out->assign(scratch.data(), zs.total_out);
  return Status::Ok();
}

StatusOr<std::string> GunzipBody(std::string_view input, size_t max_output) {
  z_stream zs;
  std::memset(&zs, 0, sizeof(zs));
  if (inflateInit2(&zs, kGzipWindowBits) != Z_OK) {
    return Status::IoError("inflateInit failed");
  }
  zs.next_in = InputBytes(input);
  zs.avail_in = static_cast<uInt>(input.size());
  std::string out;
  int rc = Z_OK;
  char buf[65536];
  while (rc == Z_OK) {
    zs.next_out = reinterpret_cast<Bytef*>(buf);
    zs.avail_out = sizeof(buf);
    rc = inflate(&zs, Z_NO_FLUSH);
    out.append(buf, sizeof(buf) - zs.avail_out);
    if (out.size() > max_output) rc = Z_BUF_ERROR;
    if (rc == Z_OK && zs.avail_in == 0 && zs.avail_out != 0) rc = Z_DATA_ERROR;
  }
  bool trailing_bytes = rc == Z_STREAM_END && zs.avail_in != 0;
  inflateEnd(&zs);
  if (rc != Z_STREAM_END) return Status::Corruption("not a complete gzip body");
  if (trailing_bytes) return Status::Corruption("bytes after the end of the gzip body");
  return out;
}

}  // namespace edgelog
