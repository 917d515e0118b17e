#!/bin/sh
# Builds the benchmark's helper programs into BUILD_DIR/bench (BUILD_DIR holds a Release build of
# the layer libraries, which replay links):
#   kernel_floor  the kernel's own cost of the reads (no exporter code)
#   replay        scrapes a recorded snapshot through a fixed reader (callgrind's subject)
#   compress      gzip alternatives on the served text, and the server's GzipCache (links its library)
#   bench/tools.sh BUILD_DIR
set -eu
build=${1:?usage: bench/tools.sh BUILD_DIR}
mkdir -p "$build/bench"
g++ -std=c++20 -O2 -Wall -Wextra -Werror -Wshadow -o "$build/bench/kernel_floor" bench/kernel_floor.cpp
g++ -std=c++20 -O3 -DNDEBUG -Wall -Wextra -Wpedantic -Wshadow -Werror \
  -DFMT_SHARED -DSPDLOG_COMPILED_LIB -DSPDLOG_FMT_EXTERNAL -DSPDLOG_SHARED_LIB -I. \
  -o "$build/bench/replay" bench/replay.cpp "$build/libifmib_cmd.a" "$build/libifmib_server.a" \
  "$build/libifmib_collector.a" "$build/libifmib_platform.a" "$build/libifmib_poller.a" "$build/libifmib_base.a" \
  -Wl,--as-needed -lprometheus-cpp-core -lspdlog -lfmt -lz -lisal -lmnl -lyaml-cpp -lcrypt -lssl \
  -lcrypto -lpthread
g++ -std=c++20 -O2 -Wall -Wextra -Werror -Wshadow -I. -o "$build/bench/compress" bench/compress.cpp tests/support/text_parts.cpp \
  "$build/libifmib_server.a" "$build/libifmib_base.a" -lz -ldeflate -lisal -lspdlog -lfmt -lpthread
