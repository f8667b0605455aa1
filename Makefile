# Front door: `make run` and `make test` set up a fresh Debian machine,
# build, and run. The real build is CMake; this file only sequences it.
BUILD ?= build
ASAN_BUILD ?= build-asan
JOBS ?= $(shell nproc)
OUT ?= out
PREFIX ?= /usr/local
# what the tests need beyond the build: man(1) to render the man page,
# python3-jsonschema and python3-yaml to check the JSON Schema of scenarios,
# Chromium to open the report pages (tests/cli_browser.sh)
TEST_DEPS = man-db python3-jsonschema python3-yaml chromium

.PHONY: all deps test-deps build install run test test-plain test-asan bench docs coverage fuzz clean

all: build

deps:
	@bash scripts/install-deps.sh

test-deps:
	@bash scripts/install-deps.sh $(TEST_DEPS)

build: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

# the tool, the library, the header and the man page under PREFIX
# (bin/carcer, share/man/man1/carcer.1, ...): `sudo make install`, or
# `make install PREFIX=$$HOME/.local` without root
install: build
	@cmake --install $(BUILD) --prefix $(PREFIX)

run: build
	@./$(BUILD)/carcer run -o $(OUT)
	@./$(BUILD)/carcer report $(OUT)

test-plain: test-deps build
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

test-asan: test-deps
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
	@bash scripts/install-deps.sh gcovr $(TEST_DEPS)
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

# libFuzzer harnesses (clang, ASan + UBSan) of every reader of text: the
# scenario and pathogen loaders, --set, the report reader and the calibration
# readers (posterior.csv, checkpoint), run in parallel for FUZZ_SECONDS each;
# see docs/fuzzing.md. Crashes land in build-fuzz/artifacts/; the corpus grows
# in build-fuzz/corpus-*.
FUZZ_SECONDS ?= 60
FUZZ_BUILD ?= build-fuzz
FUZZ_FLAGS ?= -rss_limit_mb=2048 -timeout=5 -max_len=65536
FUZZ_HARNESSES = scenario pathogen set report posterior
# each harness: its dictionary (none: -) and the seeds copied into its corpus
FUZZ_DICT_scenario = ../fuzz/scenario.dict
FUZZ_DICT_pathogen = ../fuzz/scenario.dict
FUZZ_DICT_set = ../fuzz/scenario.dict
FUZZ_DICT_report = -
FUZZ_DICT_posterior = ../fuzz/posterior.dict
FUZZ_SEEDS_scenario = scenarios/*.yaml tests/bad/*.yaml tests/fuzz_regressions/scenario-*
FUZZ_SEEDS_pathogen = pathogens/*.yaml tests/bad_pathogens/*.yaml tests/fuzz_regressions/pathogen-*
FUZZ_SEEDS_set = tests/fuzz_regressions/set-*
FUZZ_SEEDS_report = fuzz/report_seeds/* tests/fuzz_regressions/report-*
FUZZ_SEEDS_posterior = fuzz/seeds/* tests/fuzz_regressions/posterior-* tests/fuzz_regressions/checkpoint-*
fuzz: deps
	@CC=clang cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCARCER_FUZZ=ON \
	  -DCARCER_TESTS=OFF >/dev/null
	@cmake --build $(FUZZ_BUILD) -j $(JOBS) --target $(addprefix fuzz_,$(FUZZ_HARNESSES)) gen_dict
	@./$(FUZZ_BUILD)/gen_dict > fuzz/scenario.dict
	@mkdir -p $(FUZZ_BUILD)/artifacts $(addprefix $(FUZZ_BUILD)/corpus-,$(FUZZ_HARNESSES))
	@$(foreach h,$(FUZZ_HARNESSES),cp $(FUZZ_SEEDS_$(h)) $(FUZZ_BUILD)/corpus-$(h)/ 2>/dev/null || true;)
	@cd $(FUZZ_BUILD); \
	  $(foreach h,$(FUZZ_HARNESSES),(LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp ./fuzz_$(h) \
	     $(FUZZ_FLAGS) -max_total_time=$(FUZZ_SECONDS) $(if $(filter -,$(FUZZ_DICT_$(h))),,-dict=$(FUZZ_DICT_$(h))) \
	     -artifact_prefix=artifacts/$(h)- corpus-$(h) > fuzz_$(h).log 2>&1; \
	   echo "fuzz_$(h): exit $$?" >> fuzz_$(h).log) &) \
	  wait; tail -n 3 $(addsuffix .log,$(addprefix fuzz_,$(FUZZ_HARNESSES))); ! ls artifacts | grep -q .
