# ARM64 (AWS Graviton) with Debian's cross toolchain and arm64 multiarch
# libraries: make TARGET=aarch64, make test TARGET=aarch64.
#
# Tuning: the default targets any ARMv8-A core, so one binary runs on every
# Graviton generation and on other ARM64 hosts. For a build only for
# Graviton2 or later, add EXTRA_CXXFLAGS=-mcpu=neoverse-n1 (Graviton3:
# -mcpu=neoverse-v1); measure with make bench before relying on it.

TARGET_TRIPLE := aarch64-linux-gnu
CXX := $(TARGET_TRIPLE)-g++
CC := $(TARGET_TRIPLE)-gcc
AR := $(TARGET_TRIPLE)-ar
STRIP := $(TARGET_TRIPLE)-strip
export PKG_CONFIG_LIBDIR := /usr/lib/$(TARGET_TRIPLE)/pkgconfig
# Tests run under user-mode emulation, with the target's libraries.
RUN := qemu-aarch64-static -L /usr/$(TARGET_TRIPLE)
# What `make deps TARGET=aarch64` installs (after dpkg --add-architecture arm64).
TARGET_DEB_PACKAGES := crossbuild-essential-arm64 qemu-user-static \
    libcurl4-openssl-dev:arm64 libmbedtls-dev:arm64 libcjson-dev:arm64 \
    zlib1g-dev:arm64 libre2-dev:arm64 libgtest-dev:arm64
TARGET_FOREIGN_ARCH := arm64
