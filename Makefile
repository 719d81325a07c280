# edgelog — build, test, demo.
#
#   make              build build/edgelog (in parallel, one line per step;
#                     make V=1 shows every command, make -jN sets the jobs)
#   make test         build and run every test suite (installs what is missing)
#   make demo         ship a sample log to a local CloudWatch Logs endpoint
#   make endpoint     that endpoint alone, in the foreground, to run edgelog
#                     against by hand [ENDPOINT_PORT=5000]; Ctrl-C stops it
#   make deps         install the Debian packages edgelog needs
#   make sigv4-suite SUITE=DIR   run the SigV4 vector test over DIR
#   make test SANITIZE=1         the same tests built with ASan + UBSan
#   make fuzz [FUZZ_SECONDS=60]  libFuzzer targets (tests/fuzz/), each run that long
#   make bench        the benchmark table
#   make bench-idle   idle CPU, RSS and wakeups, metrics server off and on
#   make TARGET=aarch64           cross-build for ARM64 (settings in cross/)
#   make test TARGET=aarch64      its unit tests, under qemu
#   make static [TARGET=aarch64]  one fully static, stripped binary
#   make static-test  the static binaries in an empty root, over TLS
#   make certs        certs/ca-bundle.pem from the system's CA certificates
#   make install      binary, systemd unit, example config (PREFIX, DESTDIR)
#   make image        OCI images (amd64, arm64) of the static binaries

# Parallel unless the caller chose: a -j on make's command line or in the
# MAKEFLAGS it was given. GNU make 4.3 does not show -j in $(MAKEFLAGS)
# while it reads this file, hence the environment and the command line.
# Sub-makes share their parent's jobs (its jobserver), never add their own.
ifeq ($(MAKELEVEL),0)
ifeq ($(shell printenv MAKEFLAGS | grep -E -- '(^|[[:space:]])(-j|--jobs)'; \
              tr '\0' '\n' </proc/$$PPID/cmdline 2>/dev/null | grep -E -- '^(-[^-]*j|--jobs)'),)
MAKEFLAGS += -j$(shell nproc 2>/dev/null || echo 1)
endif
endif

# One line per step ("  CXX  agent/x.cc"); V=1 shows each command whole.
V ?=
ifeq ($(V),1)
Q :=
step :=
else
Q := @
step = printf '  %-4s %s\n' '$(1)' '$(2)';
endif

CXX ?= g++
ifeq ($(origin CXX),default)
CXX := g++
endif
AR := ar
STRIP := strip
RUN :=
TARGET ?=
ifneq ($(TARGET),)
include cross/$(TARGET).mk
endif

# STATIC=1 (make static): one self-contained binary, libcurl and cJSON built
# from Debian's sources by cross/static-deps.sh.
STATIC ?=
STATIC_DEPS := build/third_party/$(if $(TARGET),$(TARGET),native)
ifeq ($(STATIC),1)
BUILD ?= build/$(if $(TARGET),$(TARGET)-static,static)
else ifneq ($(TARGET),)
BUILD ?= build/$(TARGET)
endif

SANITIZE ?=
# FUZZ=1 (make fuzz): clang with libFuzzer, ASan and UBSan (with
# float-cast-overflow, which GCC lacks); the library is instrumented for
# coverage, the targets in tests/fuzz/ link the fuzzer's main.
FUZZ ?=
FUZZ_SANITIZERS := address,undefined,float-cast-overflow
ifeq ($(FUZZ),1)
CXX := clang++
BUILD ?= build/fuzz
SAN_FLAGS := -fsanitize=fuzzer-no-link,$(FUZZ_SANITIZERS) -fno-sanitize-recover=all \
             -fno-omit-frame-pointer
OPT ?= -O1 -g
else ifeq ($(SANITIZE),1)
BUILD ?= build/asan
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
OPT ?= -O1 -g
else
BUILD ?= build
SAN_FLAGS :=
OPT ?= -O2 -g
endif

# A release tag (v1.2.0 -> 1.2.0), else 0.0.0+COMMIT, else 0.0.0: see the script.
VERSION := $(shell sh platform/version.sh)

CPPFLAGS += -I. -MMD -MP
CXXFLAGS += -std=c++17 $(OPT) -Wall -Wextra -Werror -Wno-missing-field-initializers -pthread \
            $(SAN_FLAGS) $(EXTRA_CXXFLAGS)
LDFLAGS += -pthread $(SAN_FLAGS)
LIBS := -lcurl -lre2 -lmbedtls -lmbedx509 -lmbedcrypto -lcjson -lz
TEST_LIBS := -lgtest
ifeq ($(STATIC),1)
CPPFLAGS += -I$(STATIC_DEPS)/include
LDFLAGS += -static -Wl,--gc-sections -L$(STATIC_DEPS)/lib
OPT := -Os
CXXFLAGS += -ffunction-sections -fdata-sections
LIBS := $(STATIC_DEPS)/lib/libcurl.a -lre2 -lmbedtls -lmbedx509 -lmbedcrypto \
        $(STATIC_DEPS)/lib/libcjson.a -lz
endif

LIB_SRCS := $(shell find agent platform -name '*.cc' ! -name main.cc | sort)
MAIN_SRC := agent/main.cc
SUPPORT_SRCS := $(shell find tests/support -name '*.cc' | sort)
UNIT_SRCS := $(shell find tests/agent tests/platform -name '*_test.cc' 2>/dev/null | sort)
SIGV4_SUITE_SRC := tests/agent/aws/sigv4_suite_main.cc

obj = $(patsubst %.cc,$(BUILD)/obj/%.o,$(1))
LIB := $(BUILD)/libedgelog.a
BIN := $(BUILD)/edgelog
UNIT_BIN := $(BUILD)/tests/unit_tests
SIGV4_BIN := $(BUILD)/tests/sigv4_suite
FRAMING_BENCH_BIN := $(BUILD)/tests/framing_bench
FUZZ_SRCS := $(sort $(wildcard tests/fuzz/*_fuzz.cc))
FUZZ_BINS := $(patsubst tests/fuzz/%.cc,$(BUILD)/fuzz/%,$(FUZZ_SRCS))

.PHONY: all test unit-test integration-test sigv4-suite demo endpoint deps bench bench-idle clean FORCE static certs static-test \
        fuzz fuzz-targets
.DEFAULT_GOAL := all

all: $(BIN)

$(BUILD)/obj/%.o: %.cc | $(BUILD)/found/libs
	@mkdir -p $(dir $@)
	$(Q)$(call step,CXX,$<)$(CXX) $(CPPFLAGS) $(CXXFLAGS) -c $< -o $@

# Before the first compile: are the -dev packages' headers there? A missing
# one stops the build with the package to install, not a compiler error.
# Asked of the compiler with the build's own flags, so a cross compiler's
# or the static build's include directories count.
CHECK_HEADERS = $(Q)sh platform/debian/check_headers.sh \
                '$(CXX) $(filter-out -MMD -MP,$(CPPFLAGS))' '$(TARGET)'
ifeq ($(STATIC),1)
CHECK_HEADERS = @true  # make static builds its own libcurl and cJSON first
endif
$(BUILD)/found/libs:
	$(CHECK_HEADERS) curl/curl.h=libcurl4-openssl-dev mbedtls/md.h=libmbedtls-dev \
	  cjson/cJSON.h=libcjson-dev zlib.h=zlib1g-dev re2/re2.h=libre2-dev
	@mkdir -p $(dir $@) && touch $@
$(BUILD)/found/gtest: | $(BUILD)/found/libs
	$(CHECK_HEADERS) gtest/gtest.h=libgtest-dev
	@mkdir -p $(dir $@) && touch $@
$(call obj,tests/unit_main.cc $(UNIT_SRCS) $(SUPPORT_SRCS) $(SIGV4_SUITE_SRC)): \
  | $(BUILD)/found/gtest

# Tests find README.md and tests/data/ through this, never the working directory.
$(BUILD)/obj/tests/%.o: CPPFLAGS += -DEDGELOG_SOURCE_DIR='"$(CURDIR)"'

# The version lives in one generated file, rewritten only when it changes.
VERSION_CC := $(BUILD)/gen/version.cc
$(VERSION_CC): FORCE
	@mkdir -p $(dir $@)
	@echo 'namespace edgelog { extern const char* const kVersion; const char* const kVersion = "$(VERSION)"; }' > $@.tmp
	@cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@

$(BUILD)/gen/version.o: $(VERSION_CC) | $(BUILD)/found/libs
	$(Q)$(call step,CXX,$<)$(CXX) $(CPPFLAGS) $(CXXFLAGS) -c $< -o $@

$(LIB): $(call obj,$(LIB_SRCS)) $(BUILD)/gen/version.o
	@mkdir -p $(dir $@)
	$(Q)$(call step,AR,$@)rm -f $@ && $(AR) rcs $@ $^

$(BIN): $(call obj,$(MAIN_SRC)) $(LIB)
	$(Q)$(call step,LINK,$@)$(CXX) $(LDFLAGS) $^ $(LIBS) -o $@

$(UNIT_BIN): $(call obj,tests/unit_main.cc $(UNIT_SRCS) $(SUPPORT_SRCS)) $(LIB)
	@mkdir -p $(dir $@)
	$(Q)$(call step,LINK,$@)$(CXX) $(LDFLAGS) $^ $(TEST_LIBS) $(LIBS) -o $@

$(SIGV4_BIN): $(call obj,$(SIGV4_SUITE_SRC) $(SUPPORT_SRCS)) $(LIB)
	@mkdir -p $(dir $@)
	$(Q)$(call step,LINK,$@)$(CXX) $(LDFLAGS) $^ $(TEST_LIBS) $(LIBS) -o $@

$(FRAMING_BENCH_BIN): $(call obj,tests/bench/framing_bench.cc) $(LIB)
	@mkdir -p $(dir $@)
	$(Q)$(call step,LINK,$@)$(CXX) $(LDFLAGS) $^ $(LIBS) -o $@

# The fuzz targets need the parsers and what they stand on, not the agent's
# loop, sender or command line (so those are not compiled for them), and of
# the tests' doubles only the in-memory Env.
FUZZ_LIB_SRCS := $(filter agent/aws/% agent/base/% agent/config/% agent/io/% agent/spool/% \
                   agent/text/% agent/send/classify.cc agent/send/put_response.cc \
                   agent/tail/timestamp_format.cc platform/http_parse.cc,$(LIB_SRCS))
FUZZ_LIB := $(BUILD)/libedgelog_fuzz.a
FUZZ_SUPPORT_SRCS := tests/support/mem_env.cc

$(FUZZ_LIB): $(call obj,$(FUZZ_LIB_SRCS))
	@mkdir -p $(dir $@)
	$(Q)$(call step,AR,$@)rm -f $@ && $(AR) rcs $@ $^

$(BUILD)/fuzz/%_fuzz: $(call obj,tests/fuzz/%_fuzz.cc $(FUZZ_SUPPORT_SRCS)) $(FUZZ_LIB)
	@mkdir -p $(dir $@)
	$(Q)$(call step,LINK,$@)$(CXX) $(LDFLAGS) -fsanitize=fuzzer $^ $(LIBS) -o $@

# Debian packages for building and testing. Installs only what is missing.
DEB_PACKAGES := g++ make libcurl4-openssl-dev libmbedtls-dev libcjson-dev \
                zlib1g-dev libre2-dev libgtest-dev python3 python3-venv ca-certificates openssl \
                logrotate strace systemd systemd-journal-remote python3-prometheus-client
deps:
	@sh platform/debian/install_deps.sh $(DEB_PACKAGES)
ifneq ($(TARGET),)
	@FOREIGN_ARCH=$(TARGET_FOREIGN_ARCH) sh platform/debian/install_deps.sh $(TARGET_DEB_PACKAGES)
endif

# Every suite; the last line is "N passed, M failed, K skipped" over all of
# them (a skip not explained in tests/allowed_skips.txt counts as failed).
test: deps
	@$(MAKE) --no-print-directory $(BIN) $(UNIT_BIN) $(SIGV4_BIN) $(FRAMING_BENCH_BIN)
	@BUILD=$(BUILD) RUN="$(RUN)" CROSS=$(if $(TARGET),1,) bash tests/run_all.sh

unit-test: $(UNIT_BIN)
	$(UNIT_BIN)

integration-test: $(BIN)
	@BUILD=$(BUILD) bash tests/run_all.sh integration

SUITE ?= tests/data/sigv4
sigv4-suite: $(SIGV4_BIN)
	$(SIGV4_BIN) $(SUITE)

demo: deps
	@$(MAKE) --no-print-directory $(BIN)
	@BUILD=$(BUILD) bash tests/demo/demo.sh

# The demo's endpoint alone: moto on 127.0.0.1:ENDPOINT_PORT with fixed test
# keys; prints what to export and the edgelog commands. Ctrl-C stops it.
ENDPOINT_PORT ?= 5000
endpoint: deps
	@$(MAKE) --no-print-directory $(BIN)
	@BUILD=$(BUILD) bash tests/demo/endpoint.sh $(ENDPOINT_PORT)

# The static binary, stripped: build/static/edgelog, or with TARGET=aarch64
# build/aarch64-static/edgelog.
STATIC_DEB_PACKAGES := dpkg-dev quilt autoconf automake libtool make
static:
	@$(MAKE) --no-print-directory deps TARGET=$(TARGET)
	@sh platform/debian/install_deps.sh $(STATIC_DEB_PACKAGES)
	@sh platform/debian/enable_deb_src.sh
	@bash cross/static-deps.sh $(STATIC_DEPS) $(TARGET_TRIPLE)
	@$(MAKE) --no-print-directory STATIC=1 TARGET=$(TARGET) static-binary

static-binary: $(BIN)
	$(STRIP) -o $(BIN).stripped $(BIN) && mv $(BIN).stripped $(BIN)
	@echo "$(BIN): $$(stat -c %s $(BIN)) bytes, $$(file -b $(BIN) | cut -d, -f1-2)"

# The CA bundle shipped in images and beside static binaries: the system's
# ca-certificates, generated here, never committed.
SYSTEM_CA_BUNDLE := /etc/ssl/certs/ca-certificates.crt
certs: certs/ca-bundle.pem
certs/ca-bundle.pem:
	@sh platform/debian/install_deps.sh ca-certificates
	@test -s $(SYSTEM_CA_BUNDLE) || { echo "$(SYSTEM_CA_BUNDLE) is missing or empty" >&2; exit 1; }
	cp $(SYSTEM_CA_BUNDLE) $@.tmp && mv $@.tmp $@
	@echo "$@: $$(grep -c 'BEGIN CERTIFICATE' $@) certificates"

# The static binaries in an empty root (bubblewrap), over TLS to moto behind
# a TLS terminator. Both must be built first (make static, and with
# TARGET=aarch64): one missing is a skipped test, counted as failed.
static-test: deps
	@sh platform/debian/install_deps.sh bubblewrap qemu-user-static openssl file
	@$(MAKE) --no-print-directory $(BIN)
	@BUILD=$(BUILD) bash tests/run_all.sh static

# Every libFuzzer target in tests/fuzz/, FUZZ_SECONDS each on a copy of its
# seed corpus, two at a time; "N passed, M failed" at the end. A crash keeps
# its input and prints the command that reproduces it.
FUZZ_SECONDS ?= 60
FUZZ_JOBS ?= 2
FUZZ_DEB_PACKAGES := clang libclang-rt-14-dev make libcurl4-openssl-dev libmbedtls-dev \
                     libcjson-dev zlib1g-dev libre2-dev
fuzz:
	@sh platform/debian/install_deps.sh $(FUZZ_DEB_PACKAGES)
	+@FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_JOBS=$(FUZZ_JOBS) bash tests/fuzz/run_fuzz.sh

ifeq ($(FUZZ),1)
fuzz-targets: $(FUZZ_BINS)
.SECONDARY: $(call obj,$(FUZZ_SRCS))
else
fuzz-targets:
	@echo "fuzz-targets is built by clang with FUZZ=1 (make fuzz does it)" >&2; exit 2
endif

bench: deps
	@$(MAKE) --no-print-directory $(BIN) $(FRAMING_BENCH_BIN)
	@BUILD=$(BUILD) python3 tests/bench/bench.py

# Idle CPU, RSS and wakeups, with the metrics server off and on (moto).
bench-idle: deps
	@$(MAKE) --no-print-directory $(BIN)
	@BUILD=$(BUILD) $$(BUILD=$(BUILD) tests/integration/python.sh) tests/bench/idle.py

clean:
	rm -rf build

# Host integration: make install (systemd unit, example config) and make
# image (OCI images of the static binaries).
-include platform/systemd/install.mk
-include platform/container/image.mk

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
