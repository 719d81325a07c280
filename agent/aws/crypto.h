// SHA-256 and HMAC-SHA-256. The only file in edgelog that uses mbedTLS's
// digest API (mbedtls_md / mbedtls_md_hmac, identical in mbedTLS 2.28 and 3.x).
#ifndef EDGELOG_AGENT_AWS_CRYPTO_H_
#define EDGELOG_AGENT_AWS_CRYPTO_H_

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace edgelog {

using Digest = std::array<uint8_t, 32>;

Digest Sha256(std::string_view data);
Digest HmacSha256(std::string_view key, std::string_view data);

// Lower-case hexadecimal of `bytes`, as SigV4 writes hashes and signatures.
std::string HexLower(const uint8_t* bytes, size_t n);
inline std::string HexLower(const Digest& d) { return HexLower(d.data(), d.size()); }

// Views a digest as bytes, e.g. to use it as the next HMAC key.
inline std::string_view AsBytes(const Digest& d) {
  return std::string_view(reinterpret_cast<const char*>(d.data()), d.size());
}

}  // namespace edgelog

#endif  // EDGELOG_AGENT_AWS_CRYPTO_H_
