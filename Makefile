# Front door: `make run` and `make test` set up a fresh Debian machine,
# build, and run. The real build is CMake; this file only sequences it.
BUILD ?= build
ASAN_BUILD ?= build-asan
JOBS ?= $(shell nproc)
OUT ?= out

.PHONY: all deps build run test test-plain test-asan bench docs coverage clean

all: build

deps:
	@bash scripts/install-deps.sh

build: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

run: build
	@./$(BUILD)/carcer run -o $(OUT)
	@./$(BUILD)/carcer report $(OUT)

test-plain: build
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

test-asan: deps
	@cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DCARCER_SANITIZE=ON >/dev/null
	@cmake --build $(ASAN_BUILD) -j $(JOBS)
	@cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --output-on-failure -j $(JOBS)

test: test-plain test-asan

bench: build
	@for b in $(BUILD)/bench_*; do echo "== $$b"; ./$$b; done

docs: build
	@./$(BUILD)/carcer schema > docs/scenario-reference.md.tmp && \
	  mv docs/scenario-reference.md.tmp docs/scenario-reference.md

# Line and branch coverage of src/ (gcovr); fails under the floor.
COVERAGE_FLOOR ?= 85
coverage:
	@bash scripts/install-deps.sh gcovr
	@cmake -S . -B build-cov -DCMAKE_BUILD_TYPE=Debug -DCARCER_COVERAGE=ON >/dev/null
	@cmake --build build-cov -j $(JOBS)
	@find build-cov -name '*.gcda' -delete
	@cd build-cov && ctest --output-on-failure -j $(JOBS)
	@mkdir -p build-cov/coverage
	@gcovr --root . --filter 'src/' --object-directory build-cov \
	  --html-details build-cov/coverage/index.html --txt build-cov/coverage/summary.txt \
	  --print-summary --fail-under-line $(COVERAGE_FLOOR)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) build-cov
