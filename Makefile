# session-api: the two commands are `make run` and `make test`.
BUILD ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=
RUN_ARGS ?=
DEMO_ARGS ?=
# ccache hits across clones of the tree: paths are rewritten relative to it.
export CCACHE_BASEDIR := $(CURDIR)
export CCACHE_NOHASHDIR := true

.PHONY: run test build deps test-deps unit e2e lint-openapi asan fuzz-smoke bench-http ci format clean demo

run: deps build
	@echo
	@echo "session-api is starting on http://127.0.0.1:8080 with its data in ./data (Ctrl-C stops it)."
	@echo "In another terminal:"
	@echo "  curl -s http://127.0.0.1:8080/health/ready"
	@echo "  TOKEN=\$$($(BUILD)/session-api token --player alice --data-dir data)"
	@echo "  curl -s -H \"Authorization: Bearer \$$TOKEN\" http://127.0.0.1:8080/identity/player"
	@echo "README.md shows a whole matchmaking session."
	@echo
	./$(BUILD)/session-api serve $(RUN_ARGS)

demo: deps build
	./$(BUILD)/session-api demo $(DEMO_ARGS)

deps:
	@./scripts/install-deps.sh

test-deps:
	@./scripts/install-deps.sh --test
	@test -d node_modules || npm ci --no-audit --no-fund

$(BUILD)/build.ninja:
	cmake -S . -B $(BUILD) -G Ninja $(CMAKE_FLAGS)

build: $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS)

unit: build
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)

e2e: build
	SESSION_API_BIN=$(abspath $(BUILD))/session-api node --test --test-concurrency=1 tests/e2e/

test: test-deps lint-openapi
	$(MAKE) unit e2e

# Offline: no telemetry, no update check.
lint-openapi: test-deps
	REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true \
	  npx --no-install redocly lint --format=stylish docs/openapi.yaml

asan:
	cmake -S . -B $(ASAN_BUILD) -G Ninja -DSAPI_SANITIZE=ON -DSAPI_BENCH=OFF $(CMAKE_FLAGS)
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest --test-dir $(ASAN_BUILD) --output-on-failure -j $(JOBS)
	SESSION_API_BIN=$(abspath $(ASAN_BUILD))/session-api \
	  node --test --test-concurrency=1 tests/e2e/

fuzz-smoke:
	CC=clang-14 CXX=clang++-14 cmake -S . -B $(FUZZ_BUILD) -G Ninja -DSAPI_FUZZ=ON \
	  -DSAPI_TESTS=OFF -DSAPI_BENCH=OFF
	cmake --build $(FUZZ_BUILD) -j $(JOBS) --target fuzzers
	./scripts/fuzz.sh $(FUZZ_BUILD) 30

bench-http: build
	./bench/http/run.sh

format:
	git ls-files '*.cc' '*.h' | xargs clang-format -i

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)
