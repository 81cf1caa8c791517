#!/usr/bin/env bash
# Browser tests (guides/BROWSER-TESTS.md): headless Debian Chromium driven by playwright-core and
# `node --test`, against a real botmon on 127.0.0.1. Run by `make test` after ctest.
# Each tests/e2e/*.test.mjs starts what it needs through tests/e2e/server.mjs.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
shopt -s nullglob
tests=("$ROOT"/tests/e2e/*.test.mjs)
if [ ${#tests[@]} -eq 0 ]; then
  echo "e2e: no browser tests yet (the dashboard lands with its own issue)"
  exit 0
fi
export BOTMON_BIN=${BOTMON_BIN:-$ROOT/build/botmon}
export ARTIFACTS=${ARTIFACTS:-$ROOT/build/e2e-artifacts}
mkdir -p "$ARTIFACTS"
/usr/bin/chromium --version 2>/dev/null || { echo "e2e: chromium missing (scripts/install-deps.sh browser)"; exit 1; }
(cd "$ROOT/tests/e2e" && npm ci --no-audit --no-fund --loglevel=error)
# memory.test.mjs leaves a page open for 3 minutes (its own timeout); the others take seconds.
timeout --kill-after=10 900 node --test --test-concurrency=1 --test-timeout=400000 "${tests[@]}"
