#!/usr/bin/env bash
# The churn soak (tests/integration/churn_soak_test.cpp) for a chosen time:
#   tests/soak/run.sh <test-build-dir> <seconds>
# `make soak` runs it for SOAK_SECONDS; `make test` runs the 60 s default through ctest. Prints
# the scrape count, the s0 drop counter and the RSS / open-descriptor growth in percent.
set -euo pipefail
build=${1:?usage: tests/soak/run.sh <test-build-dir> <seconds>}
seconds=${2:?usage: tests/soak/run.sh <test-build-dir> <seconds>}
IFMIB_SOAK_SECONDS=$seconds exec "$build/tests/integration_tests" -tc="churn soak*" -s
