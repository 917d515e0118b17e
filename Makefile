# The two set-up commands: `make run` and `make test` (see README.md).
BUILD_DIR ?= build
TEST_BUILD_DIR ?= build-test
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
ARGS ?=
WERROR := $(if $(CI),ON,OFF)

.PHONY: all deps test-deps build run test test-build clean bench fuzz fuzz-build test-fuzz tsan-build test-tsan soak test-extra freebsd-check
FUZZ_BUILD_DIR ?= build-fuzz
FUZZ_SECONDS ?= 60
TEST_FUZZ_RUNS ?= 100000
TSAN_BUILD_DIR ?= build-tsan
SOAK_SECONDS ?= 600
FREEBSD_BUILD_DIR ?= build-freebsd

all: build

deps:
	sh scripts/install-deps.sh

test-deps:
	sh scripts/install-deps.sh --test

build: deps
	cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DIFMIB_WERROR=$(WERROR) -DIFMIB_BUILD_TESTS=OFF
	cmake --build $(BUILD_DIR) -j $(JOBS)

run: build
	./$(BUILD_DIR)/ifmib_exporter $(ARGS)

# Tests are built with AddressSanitizer + UndefinedBehaviorSanitizer.
test-build: test-deps
	cmake -S . -B $(TEST_BUILD_DIR) -DCMAKE_BUILD_TYPE=Debug -DIFMIB_WERROR=$(WERROR) \
	  -DIFMIB_SANITIZE=address,undefined
	cmake --build $(TEST_BUILD_DIR) -j $(JOBS)

# The ASan suite (it includes the 60 s churn soak), then the fuzz replay, the TSan scrape test and
# the FreeBSD compile check.
test: test-build
	cd $(TEST_BUILD_DIR) && ctest --output-on-failure -j 1
	$(MAKE) test-extra

test-extra: test-fuzz test-tsan freebsd-check

# Compiles every translation unit of the FreeBSD build (product, unit tests, fuzz targets) with
# -Werror against FreeBSD's headers: FREEBSD_SYSROOT (default ../shared/freebsd-sysroot), clang-14
# and Debian's libc++. Nothing is linked or run; see docs/freebsd.md. Under CI=true a missing
# sysroot or libc++ fails; elsewhere it is skipped with a message.
freebsd-check: test-deps
	JOBS=$(JOBS) sh scripts/freebsd-check.sh $(FREEBSD_BUILD_DIR)

# libFuzzer targets (fuzz/): clang-14 with ASan + UBSan. `make fuzz` fuzzes each target for
# FUZZ_SECONDS and prints its exec count; `make test` replays the seeds and regressions, then
# runs TEST_FUZZ_RUNS inputs from a fixed seed, the same on every run (no flaky exploration).
fuzz-build: test-deps
	cmake -S . -B $(FUZZ_BUILD_DIR) -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DIFMIB_FUZZ=ON -DIFMIB_BUILD_TESTS=OFF -DIFMIB_SANITIZE=address,undefined
	cmake --build $(FUZZ_BUILD_DIR) -j $(JOBS) --target fuzz_all

fuzz: fuzz-build
	fuzz/run.sh $(FUZZ_BUILD_DIR) $(FUZZ_SECONDS)

test-fuzz: fuzz-build
	fuzz/run.sh $(FUZZ_BUILD_DIR) runs=$(TEST_FUZZ_RUNS)

# Parallel scrapers of the real exporter (also built with TSan) while interfaces churn.
tsan-build: test-deps
	cmake -S . -B $(TSAN_BUILD_DIR) -DCMAKE_BUILD_TYPE=Debug -DIFMIB_WERROR=$(WERROR) -DIFMIB_SANITIZE=thread
	cmake --build $(TSAN_BUILD_DIR) -j $(JOBS) --target integration_tests

test-tsan: tsan-build
	TSAN_OPTIONS="suppressions=$(CURDIR)/tests/integration/tsan.supp $${TSAN_OPTIONS:-}" \
	  $(TSAN_BUILD_DIR)/tests/integration_tests -tc="concurrent scrapes*"

# The churn soak for SOAK_SECONDS (ASan build); `make test` runs the 60 s version.
soak: test-build
	tests/soak/run.sh $(TEST_BUILD_DIR) $(SOAK_SECONDS)

clean:
	rm -rf $(BUILD_DIR) $(TEST_BUILD_DIR) $(FUZZ_BUILD_DIR) $(TSAN_BUILD_DIR) $(FREEBSD_BUILD_DIR)

# Side-by-side benchmark against node_exporter and the kernel floor (root; see bench/run.sh).
# Not a test: never part of `make test`. BENCH_SIZES="100 1000" limits the sizes.
bench: deps
	sh bench/run.sh
