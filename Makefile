# edgelog — build, test, demo.
#
#   make              build build/edgelog
#   make test         build and run every test suite (installs what is missing)
#   make demo         ship a sample log to a local CloudWatch Logs endpoint
#   make deps         install the Debian packages edgelog needs
#   make sigv4-suite SUITE=DIR   run the SigV4 vector test over DIR
#   make test SANITIZE=1         the same tests built with ASan + UBSan
#   make bench        the benchmark table

CXX ?= g++
ifeq ($(origin CXX),default)
CXX := g++
endif

SANITIZE ?=
ifeq ($(SANITIZE),1)
BUILD ?= build/asan
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
OPT ?= -O1 -g
else
BUILD ?= build
SAN_FLAGS :=
OPT ?= -O2 -g
endif

VERSION := $(shell git describe --tags --always --dirty 2>/dev/null || echo 0.1.0)

CPPFLAGS += -I. -MMD -MP
CXXFLAGS += -std=c++17 $(OPT) -Wall -Wextra -Werror -Wno-missing-field-initializers -pthread $(SAN_FLAGS)
LDFLAGS += -pthread $(SAN_FLAGS)
LIBS := -lcurl -lre2 -lmbedtls -lmbedx509 -lmbedcrypto -lcjson -lz
TEST_LIBS := -lgtest

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

.PHONY: all test unit-test integration-test sigv4-suite demo deps bench clean FORCE
.DEFAULT_GOAL := all

all: $(BIN)

$(BUILD)/obj/%.o: %.cc
	@mkdir -p $(dir $@)
	$(CXX) $(CPPFLAGS) $(CXXFLAGS) -c $< -o $@

# Tests find README.md and tests/data/ through this, never the working directory.
$(BUILD)/obj/tests/%.o: CPPFLAGS += -DEDGELOG_SOURCE_DIR='"$(CURDIR)"'

# The version lives in one generated file, rewritten only when it changes.
VERSION_CC := $(BUILD)/gen/version.cc
$(VERSION_CC): FORCE
	@mkdir -p $(dir $@)
	@echo 'namespace edgelog { extern const char* const kVersion; const char* const kVersion = "$(VERSION)"; }' > $@.tmp
	@cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@

$(BUILD)/gen/version.o: $(VERSION_CC)
	$(CXX) $(CPPFLAGS) $(CXXFLAGS) -c $< -o $@

$(LIB): $(call obj,$(LIB_SRCS)) $(BUILD)/gen/version.o
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(BIN): $(call obj,$(MAIN_SRC)) $(LIB)
	$(CXX) $(LDFLAGS) $^ $(LIBS) -o $@

$(UNIT_BIN): $(call obj,tests/unit_main.cc $(UNIT_SRCS) $(SUPPORT_SRCS)) $(LIB)
	@mkdir -p $(dir $@)
	$(CXX) $(LDFLAGS) $^ $(TEST_LIBS) $(LIBS) -o $@

$(SIGV4_BIN): $(call obj,$(SIGV4_SUITE_SRC) $(SUPPORT_SRCS)) $(LIB)
	@mkdir -p $(dir $@)
	$(CXX) $(LDFLAGS) $^ $(TEST_LIBS) $(LIBS) -o $@

$(FRAMING_BENCH_BIN): $(call obj,tests/bench/framing_bench.cc) $(LIB)
	@mkdir -p $(dir $@)
	$(CXX) $(LDFLAGS) $^ $(LIBS) -o $@

# Debian packages for building and testing. Installs only what is missing.
DEB_PACKAGES := g++ make libcurl4-openssl-dev libmbedtls-dev libcjson-dev \
                zlib1g-dev libre2-dev libgtest-dev python3 python3-venv ca-certificates openssl
deps:
	@sh platform/debian/install_deps.sh $(DEB_PACKAGES)

# Every suite; the last line is "N passed, M failed" over all of them.
test: deps
	@$(MAKE) --no-print-directory $(BIN) $(UNIT_BIN) $(SIGV4_BIN)
	@BUILD=$(BUILD) bash tests/run_all.sh

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

bench: deps
	@$(MAKE) --no-print-directory $(BIN) $(FRAMING_BENCH_BIN)
	@BUILD=$(BUILD) python3 tests/bench/bench.py

clean:
	rm -rf build

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
