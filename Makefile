# The two commands (README): `make run` and `make test`. Everything else is a helper.
SHELL := /bin/bash
BUILD ?= build
JOBS ?= 2
CMAKE_FLAGS ?=

.PHONY: run test build deps deps-test test-asan bench fuzz soak format clean

deps:
	bash scripts/install-deps.sh build

deps-test:
	bash scripts/install-deps.sh build test browser

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) $(CMAKE_FLAGS)

build: $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j$(JOBS)

run: deps
	cmake -S . -B $(BUILD) -DBOTMON_TESTS=OFF -DBOTMON_BENCH=OFF $(CMAKE_FLAGS)
	cmake --build $(BUILD) -j$(JOBS) --target botmon
	./$(BUILD)/botmon serve --demo --console --monitor --data-dir ./data --listen 127.0.0.1:8080

test: deps-test
	cmake -S . -B $(BUILD) -DBOTMON_TESTS=ON -DBOTMON_BENCH=OFF $(CMAKE_FLAGS)
	cmake --build $(BUILD) -j$(JOBS)
	cd $(BUILD) && ctest --output-on-failure -j$(JOBS) --timeout 600
	bash scripts/e2e.sh

test-asan: deps-test
	cmake -S . -B build-asan -DBOTMON_SANITIZE=ON -DBOTMON_BENCH=OFF -DCMAKE_BUILD_TYPE=Debug $(CMAKE_FLAGS)
	cmake --build build-asan -j$(JOBS)
	cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest --output-on-failure -j$(JOBS) --timeout 900

bench: deps-test
	cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DBOTMON_TESTS=OFF -DBOTMON_BENCH=ON $(CMAKE_FLAGS)
	cmake --build build-bench -j$(JOBS)
	bash bench/run.sh build-bench

fuzz: deps-test
	CXX=clang++ CC=clang cmake -S . -B build-fuzz -DBOTMON_FUZZ=ON -DBOTMON_TESTS=OFF -DBOTMON_BENCH=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo
	cmake --build build-fuzz -j$(JOBS)

# Long runs that do not fit `make test`: tests/soak/ (the seed's "No more incoming events" rule
# verbatim, about 11 minutes), then the dashboard left open for 30 minutes (tests/e2e/memory.test.mjs,
# 3 minutes in `make test`).
soak: deps-test
	cmake -S . -B $(BUILD) -DBOTMON_TESTS=ON -DBOTMON_BENCH=OFF $(CMAKE_FLAGS)
	cmake --build $(BUILD) -j$(JOBS)
	set -e; for t in $(BUILD)/tests/soak_*; do echo "== $$t"; "$$t"; done
	cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error
	BOTMON_BIN=$(CURDIR)/$(BUILD)/botmon ARTIFACTS=$(CURDIR)/$(BUILD)/soak-artifacts BOTMON_E2E_MEMORY_SECONDS=1800 \
	  timeout --kill-after=10 2100 node --test --test-timeout=2000000 tests/e2e/memory.test.mjs

format:
	find src include tests bench fuzz -name '*.cc' -o -name '*.h' -o -name '*.hpp' | xargs clang-format -i

clean:
	rm -rf $(BUILD) build-asan build-bench build-fuzz
