# Front door: `make run` and `make test` set up a fresh Debian machine,
# build, and run. The real build is CMake; this file only sequences it.
BUILD ?= build
ASAN_BUILD ?= build-asan
JOBS ?= $(shell nproc)
OUT ?= out

.PHONY: all deps build run test test-plain test-asan bench docs coverage fuzz clean

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

# libFuzzer harnesses (clang, ASan + UBSan) of the scenario and pathogen
# loaders and of --set, run in parallel for FUZZ_SECONDS each; see docs/fuzzing.md.
# Crashes land in build-fuzz/artifacts/; the corpus grows in build-fuzz/corpus-*.
FUZZ_SECONDS ?= 60
FUZZ_BUILD ?= build-fuzz
FUZZ_FLAGS ?= -rss_limit_mb=2048 -timeout=5 -max_len=65536
fuzz: deps
	@CC=clang cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCARCER_FUZZ=ON \
	  -DCARCER_TESTS=OFF >/dev/null
	@cmake --build $(FUZZ_BUILD) -j $(JOBS) --target fuzz_scenario fuzz_pathogen fuzz_set gen_dict
	@./$(FUZZ_BUILD)/gen_dict > fuzz/scenario.dict
	@mkdir -p $(FUZZ_BUILD)/corpus-scenario $(FUZZ_BUILD)/corpus-pathogen $(FUZZ_BUILD)/corpus-set $(FUZZ_BUILD)/artifacts
	@cp scenarios/*.yaml tests/bad/*.yaml tests/fuzz_regressions/scenario-* $(FUZZ_BUILD)/corpus-scenario/ 2>/dev/null || true
	@cp pathogens/*.yaml tests/bad_pathogens/*.yaml tests/fuzz_regressions/pathogen-* $(FUZZ_BUILD)/corpus-pathogen/ 2>/dev/null || true
	@cp tests/fuzz_regressions/set-* $(FUZZ_BUILD)/corpus-set/ 2>/dev/null || true
	@cd $(FUZZ_BUILD); \
	  (LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp ./fuzz_scenario $(FUZZ_FLAGS) -max_total_time=$(FUZZ_SECONDS) -dict=../fuzz/scenario.dict \
	     -artifact_prefix=artifacts/scenario- corpus-scenario > fuzz_scenario.log 2>&1; \
	   echo "fuzz_scenario: exit $$?" >> fuzz_scenario.log) & \
	  (LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp ./fuzz_pathogen $(FUZZ_FLAGS) -max_total_time=$(FUZZ_SECONDS) -dict=../fuzz/scenario.dict \
	     -artifact_prefix=artifacts/pathogen- corpus-pathogen > fuzz_pathogen.log 2>&1; \
	   echo "fuzz_pathogen: exit $$?" >> fuzz_pathogen.log) & \
	  (LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp ./fuzz_set $(FUZZ_FLAGS) -max_total_time=$(FUZZ_SECONDS) -dict=../fuzz/scenario.dict \
	     -artifact_prefix=artifacts/set- corpus-set > fuzz_set.log 2>&1; \
	   echo "fuzz_set: exit $$?" >> fuzz_set.log) & \
	  wait; tail -n 3 fuzz_scenario.log fuzz_pathogen.log fuzz_set.log; ! ls artifacts | grep -q .
