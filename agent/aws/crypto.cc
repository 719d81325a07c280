#include "agent/aws/crypto.h"

#include <mbedtls/md.h>

#include <cstdlib>

namespace edgelog {
namespace {

const mbedtls_md_info_t* Sha256Info() {
  static const mbedtls_md_info_t* info =
      mbedtls_md_info_from_type(MBEDTLS_MD_SHA256);
  if (info == nullptr) std::abort();  // mbedTLS built without SHA-256
  return info;
}

const unsigned char* Bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

}  // namespace

Digest Sha256(std::string_view data) {
  Digest out;
  if (mbedtls_md(Sha256Info(), Bytes(data), data.size(), out.data()) != 0) {
    std::abort();  // only fails on bad arguments
  }
  return out;
}

Digest HmacSha256(std::string_view key, std::string_view data) {
  Digest out;
  if (mbedtls_md_hmac(Sha256Info(), Bytes(key), key.size(), Bytes(data),
                      data.size(), out.data()) != 0) {
    std::abort();
  }
  return out;
}

std::string HexLower(const uint8_t* bytes, size_t n) {
  static const char kHex[] = "0123456789abcdef";
  std::string out(n * 2, '0');
  for (size_t i = 0; i < n; ++i) {
    out[2 * i] = kHex[bytes[i] >> 4];
    out[2 * i + 1] = kHex[bytes[i] & 0xf];
  }
  return out;
}

}  // namespace edgelog
