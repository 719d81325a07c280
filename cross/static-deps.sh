#!/usr/bin/env bash
# Builds the static libraries a fully static edgelog needs and Debian does
# not ship in a linkable form, all from Debian's own sources: a minimal
# libcurl (HTTP and HTTPS only, over mbedTLS, with zlib), cJSON, and an
# mbedTLS cut down to what a TLS 1.2 client needs (no server side, no DTLS,
# no legacy ciphers), built for size. Debian's libcurl.a pulls in Kerberos,
# p11-kit and more; Debian ships no libcjson.a. zlib and RE2 come from
# Debian's -dev packages as they are.
#
# usage: cross/static-deps.sh OUT [TRIPLE]
#   OUT     where to put include/, lib/ and the unpacked sources (under build/)
#   TRIPLE  the target, e.g. aarch64-linux-gnu; empty for this machine
# Needs deb-src entries (make deps STATIC=1 adds them), dpkg-dev, quilt,
# autoconf, automake, libtool.
set -euo pipefail
out=$(realpath -m "$1")
triple=${2:-}
if [ -f "$out/lib/libcurl.a" ] && [ -f "$out/lib/libcjson.a" ] &&
   [ -f "$out/lib/libmbedtls.a" ]; then exit 0; fi

cc=gcc
ar=ar
host_args=()
if [ -n "$triple" ]; then
  cc=$triple-gcc
  ar=$triple-ar
  host_args=(--host="$triple")
fi
jobs=$(nproc)
mkdir -p "$out/src" "$out/lib" "$out/include"
cd "$out/src"

say() { echo "edgelog static: $*"; }

# Sources, unpacked once and shared by every target.
sources=$(realpath -m "$out/../src")
mkdir -p "$sources"
if [ ! -d "$sources/curl" ]; then
  say "fetching Debian's curl and cjson sources"
  (cd "$sources" && apt-get source -qq curl cjson mbedtls >/dev/null 2>&1 ||
     { echo "apt-get source failed: enable deb-src (make deps STATIC=1)" >&2; exit 1; })
  (cd "$sources" && mv curl-*/ curl && mv cjson-*/ cjson && mv mbedtls-*/ mbedtls)
  # Debian's last two patches switch the build to GnuTLS and NSS flavours.
  (cd "$sources/curl" && QUILT_PATCHES=debian/patches quilt pop -q 2 >/dev/null &&
     autoreconf -fi >/dev/null 2>&1)
fi

say "building a client-only mbedTLS${triple:+ for $triple}"
rm -rf mbedtls-build && cp -r "$sources/mbedtls" mbedtls-build
(
  cd mbedtls-build
  for option in MBEDTLS_SSL_SRV_C MBEDTLS_SSL_PROTO_DTLS MBEDTLS_SSL_DTLS_ANTI_REPLAY \
      MBEDTLS_SSL_DTLS_HELLO_VERIFY MBEDTLS_SSL_DTLS_CLIENT_PORT_REUSE \
      MBEDTLS_SSL_DTLS_BADMAC_LIMIT MBEDTLS_SSL_DTLS_CONNECTION_ID MBEDTLS_SSL_COOKIE_C \
      MBEDTLS_SSL_CACHE_C MBEDTLS_SSL_TICKET_C MBEDTLS_CAMELLIA_C MBEDTLS_ARIA_C \
      MBEDTLS_DES_C MBEDTLS_BLOWFISH_C MBEDTLS_XTEA_C MBEDTLS_RIPEMD160_C MBEDTLS_ARC4_C \
      MBEDTLS_PKCS12_C MBEDTLS_DHM_C MBEDTLS_KEY_EXCHANGE_DHE_PSK_ENABLED \
      MBEDTLS_KEY_EXCHANGE_DHE_RSA_ENABLED MBEDTLS_KEY_EXCHANGE_PSK_ENABLED \
      MBEDTLS_KEY_EXCHANGE_RSA_PSK_ENABLED MBEDTLS_KEY_EXCHANGE_ECDHE_PSK_ENABLED \
      MBEDTLS_KEY_EXCHANGE_RSA_ENABLED MBEDTLS_X509_CSR_PARSE_C MBEDTLS_X509_CSR_WRITE_C \
      MBEDTLS_X509_CRT_WRITE_C MBEDTLS_X509_CREATE_C MBEDTLS_PEM_WRITE_C \
      MBEDTLS_DEBUG_C MBEDTLS_SELF_TEST MBEDTLS_VERSION_FEATURES MBEDTLS_NET_C \
      MBEDTLS_TIMING_C MBEDTLS_CERTS_C MBEDTLS_SSL_RENEGOTIATION MBEDTLS_NIST_KW_C \
      MBEDTLS_CMAC_C MBEDTLS_HKDF_C MBEDTLS_ECJPAKE_C MBEDTLS_KEY_EXCHANGE_ECJPAKE_ENABLED \
      MBEDTLS_PSA_CRYPTO_C MBEDTLS_PSA_CRYPTO_STORAGE_C MBEDTLS_PSA_ITS_FILE_C \
      MBEDTLS_LMS_C MBEDTLS_PKCS5_C; do
    python3 scripts/config.py unset "$option" 2>/dev/null || true
  done
  CC=$cc AR=$ar CFLAGS="-Os -ffunction-sections -fdata-sections" \
    make -j"$jobs" lib >make.log 2>&1 || { tail -n 30 make.log; exit 1; }
)
cp mbedtls-build/library/libmbed*.a "$out/lib/"
rm -rf "$out/include/mbedtls" && cp -r mbedtls-build/include/mbedtls "$out/include/"

say "building a minimal static libcurl${triple:+ for $triple}"
rm -rf curl-build && mkdir curl-build && cd curl-build
CFLAGS="-Os -ffunction-sections -fdata-sections" CC=$cc AR=$ar "$sources/curl/configure" "${host_args[@]}" --prefix="$out" \
  --disable-shared --enable-static --with-mbedtls="$out" --without-openssl --without-gnutls \
  --with-zlib --without-brotli --without-zstd --without-libidn2 --without-libpsl \
  --without-nghttp2 --without-nghttp3 --without-ngtcp2 --without-librtmp \
  --without-libssh2 --without-libssh --without-gssapi --without-libgsasl \
  --without-ca-bundle --without-ca-path --disable-ldap --disable-ldaps --disable-rtsp \
  --disable-dict --disable-telnet --disable-tftp --disable-pop3 --disable-imap \
  --disable-smb --disable-smtp --disable-gopher --disable-mqtt --disable-ftp --disable-file \
  --disable-manual --disable-ntlm --disable-ntlm-wb --disable-kerberos-auth \
  --disable-negotiate-auth --disable-aws --disable-alt-svc --disable-hsts \
  --disable-cookies --disable-docs --disable-netrc --disable-dateparse \
  --disable-progress-meter --disable-unix-sockets --disable-socketpair \
  --enable-threaded-resolver >configure.log 2>&1 || { tail -n 30 configure.log; exit 1; }
make -j"$jobs" -C lib >make.log 2>&1 || { tail -n 30 make.log; exit 1; }
make -C lib install >/dev/null && make -C include install >/dev/null
cd ..

say "building cJSON${triple:+ for $triple}"
$cc -Os -ffunction-sections -fdata-sections -c "$sources/cjson/cJSON.c" -o cJSON.o
rm -f "$out/lib/libcjson.a" && $ar rcs "$out/lib/libcjson.a" cJSON.o
mkdir -p "$out/include/cjson" && cp "$sources/cjson/cJSON.h" "$out/include/cjson/"
say "done: $out/lib"
