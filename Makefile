# The two set-up commands: `make run` and `make test` (see README.md).
BUILD_DIR ?= build
TEST_BUILD_DIR ?= build-test
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
ARGS ?=
WERROR := $(if $(CI),ON,OFF)

.PHONY: all deps test-deps build run test test-build clean bench

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

test: test-build
	cd $(TEST_BUILD_DIR) && ctest --output-on-failure -j 1

clean:
	rm -rf $(BUILD_DIR) $(TEST_BUILD_DIR)

# Side-by-side benchmark against node_exporter and the kernel floor (root; see bench/run.sh).
# Not a test: never part of `make test`. BENCH_SIZES="100 1000" limits the sizes.
bench:
	sh bench/run.sh
