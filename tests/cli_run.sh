#!/usr/bin/env bash
# Command-line tests of `carcer`: exit statuses, outputs, --set, check,
# determinism across thread counts, and no half-written output after an
# interrupted run. Usage: cli_run.sh CARCER SOURCE_DIR
set -u
carcer=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0

fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
expect_status() { # expected, description, command...
    local want=$1 what=$2; shift 2
    "$@" >"$tmp/stdout" 2>"$tmp/stderr"
    local got=$?
    [ "$got" -eq "$want" ] || { fail "$what: exit $got, expected $want"; sed 's/^/  | /' "$tmp/stderr" >&2; }
}

# A small scenario: one year, a few thousand people.
cat >"$tmp/small.yaml" <<'EOF'
name: small
start: 2017-01-01
days: 200
seed: 7
offenses:
  drug_use: {drug: true, violent: false, felony: false}
  other: {drug: false, violent: false, felony: true}
people: {female: 0.1, poor: 0.8, risk: 0.05, with_child: 0.05, age: {dist: lognormal, median: 30, p90: 48}}
arrests: {per_day: 20, mix: {drug_use: 0.5, other: 0.5}, rearrest: {per_year: 0.3, halving_years: 2}}
routing: {default: {release: 0.05, rehab: 0.0, prosecute: 0.95}, drug_use: {release: 0.15, rehab: 0.55, prosecute: 0.30}, bribe: {default: 0, drug_use: 0.2}}
police: {days: {default: {dist: fixed, value: 2}}}
pretrial: {bail: 0, duration: {default: {dist: lognormal, median: 150, p90: 330}}, legal_limit_days: {misdemeanour: 180, felony: 540}, enforce_legal_limit: false, legal_aid: {coverage: 0.04, duration_factor: 0.7, conviction_factor: 0.8}}
trial: {conviction: 0.9, sentence: {default: {dist: uniform, min: 6, max: 12, unit: months}}, appeal: 0.5, appeal_duration: {default: {dist: gamma, mean: 240, sd: 120}}}
rehab: {duration: {dist: fixed, value: 180}, excess_deaths_per_1000_per_year: 5}
initial: {status: {pretrial: 0.34, appeal: 0.37, sentenced: 0.29}, offense: {drug_use: 0.4, other: 0.6}, female: 0.08}
facilities:
  - {name: Police, type: police, sex: any, capacity: 100, cells: 10, population: 0}
  - {name: Men, type: prison, sex: male, capacity: 1000, cells: 20, population: 1500}
  - {name: Women, type: prison, sex: female, capacity: 200, cells: 5, population: 150, children: true}
  - {name: Rehab, type: rehab, sex: any, capacity: 300, cells: 5, population: 200}
EOF

# --- exit statuses ---------------------------------------------------------
expect_status 2 "no command" "$carcer"
expect_status 2 "unknown command" "$carcer" frobnicate
expect_status 2 "unknown option" "$carcer" run --frobnicate
expect_status 2 "bad --seed" "$carcer" run "$tmp/small.yaml" --seed banana -o "$tmp/x"
expect_status 2 "bad --set" "$carcer" run "$tmp/small.yaml" --set nonsense -o "$tmp/x"
[ ! -e "$tmp/x" ] || fail "a usage error created the output folder"
expect_status 1 "missing scenario file" "$carcer" run "$tmp/none.yaml" -o "$tmp/x"
grep -q "none.yaml" "$tmp/stderr" || fail "missing file: the message does not name the file"
[ ! -e "$tmp/x" ] || fail "an input error created the output folder"

# a bad value: exit 1, positioned message, nothing written
sed 's/capacity: 1000/capacity: -5/' "$tmp/small.yaml" >"$tmp/bad.yaml"
expect_status 1 "negative capacity" "$carcer" run "$tmp/bad.yaml" -o "$tmp/bad-out" --quiet
grep -Eq 'bad.yaml:[0-9]+:[0-9]+: facilities\[1\]\.capacity' "$tmp/stderr" ||
    { fail "negative capacity: no file:line:col: key message"; cat "$tmp/stderr" >&2; }
[ ! -e "$tmp/bad-out" ] || fail "bad input wrote output"

# --- a run and its outputs ---------------------------------------------------
expect_status 0 "run" "$carcer" run "$tmp/small.yaml" -o "$tmp/a" --quiet
for f in timeseries.csv summary.json scenario.resolved.yaml; do
    [ -s "$tmp/a/$f" ] || fail "run did not write $f"
done
[ -z "$(ls -A "$tmp/a" | grep carcer-tmp)" ] || fail "temporary files left behind"
head -1 "$tmp/a/timeseries.csv" | grep -q '^day,date,facility,population,police,pretrial,appeal,sentenced,rehab,children,occupancy,admissions,releases,new_infections,active_infections,hospitalised,deaths_disease,deaths_other$' ||
    fail "timeseries.csv header: $(head -1 "$tmp/a/timeseries.csv")"
rows=$(($(wc -l <"$tmp/a/timeseries.csv") - 1))
[ "$rows" -eq $((200 * 5)) ] || fail "timeseries.csv has $rows rows, expected 1000 (200 days x (4 facilities + ALL))"
for key in scenario seed days replicates arrests rearrests bribes population_start population_end \
    population_peak prison_growth drug_share_end pretrial_share_end pretrial_limit_violations \
    person_years child_days occupancy infections deaths spillover cost; do
    grep -q "\"$key\":" "$tmp/a/summary.json" || fail "summary.json lacks $key"
done
grep -q '"seed": 7' "$tmp/a/summary.json" || fail "summary.json seed is not the scenario's"

# --- determinism: same bytes twice, and across thread counts -----------------
expect_status 0 "run again" "$carcer" run "$tmp/small.yaml" -o "$tmp/b" --quiet
for f in timeseries.csv summary.json scenario.resolved.yaml; do
    cmp -s "$tmp/a/$f" "$tmp/b/$f" || fail "$f differs between two identical runs"
done
expect_status 0 "4 replicates, 1 thread" "$carcer" run "$tmp/small.yaml" -o "$tmp/t1" --replicates 4 --threads 1 --quiet
expect_status 0 "4 replicates, 2 threads" "$carcer" run "$tmp/small.yaml" -o "$tmp/t2" --replicates 4 --threads 2 --quiet
for f in timeseries.csv summary.json replicates.csv; do
    cmp -s "$tmp/t1/$f" "$tmp/t2/$f" || fail "$f differs between 1 and 2 threads"
done
head -1 "$tmp/t1/timeseries.csv" | grep -q '^replicate,day,' || fail "replicate column missing with 4 replicates"
grep -q '"q95"' "$tmp/t1/summary.json" || fail "summary.json of 4 replicates has no quantiles"
[ "$(wc -l <"$tmp/t1/replicates.csv")" -eq 5 ] || fail "replicates.csv should have a header and 4 rows"
expect_status 0 "other seed" "$carcer" run "$tmp/small.yaml" -o "$tmp/s2" --seed 8 --quiet
cmp -s "$tmp/a/timeseries.csv" "$tmp/s2/timeseries.csv" && fail "--seed did not change the run"

# --- --set ---------------------------------------------------------------------
expect_status 0 "--set" "$carcer" run "$tmp/small.yaml" -o "$tmp/set" --quiet --set arrests.per_day=0 --set days=30
rows=$(($(wc -l <"$tmp/set/timeseries.csv") - 1))
[ "$rows" -eq $((30 * 5)) ] || fail "--set days=30 gave $rows rows"
# no first arrests: every arrest is a re-arrest of someone released from the
# population of day 0 (a few happen within 30 days, how many depends on the
# draws, so the count is not asserted to be 0)
arrests=$(sed -n 's/^  "arrests": \([0-9]*\),$/\1/p' "$tmp/set/summary.json")
rearrests=$(sed -n 's/^  "rearrests": \([0-9]*\),$/\1/p' "$tmp/set/summary.json")
[ -n "$arrests" ] && [ "$arrests" = "$rearrests" ] ||
    fail "--set arrests.per_day=0 still made first arrests ($arrests arrests, $rearrests re-arrests)"
expect_status 1 "--set unknown key" "$carcer" run "$tmp/small.yaml" -o "$tmp/set2" --set arests.per_day=3
grep -q "arrests" "$tmp/stderr" || fail "--set of an unknown key does not suggest the right one"

# --- check: quiet; --verbose prints the resolved scenario, which checks again
# unchanged, and the memory estimate -----------------------------------------
expect_status 0 "check" "$carcer" check "$tmp/small.yaml"
[ ! -s "$tmp/stdout" ] && [ ! -s "$tmp/stderr" ] || fail "check of a good scenario is not quiet"
expect_status 0 "check --verbose" "$carcer" check --verbose "$tmp/small.yaml"
grep -q "a run needs about" "$tmp/stderr" || fail "check --verbose gives no memory estimate"
cp "$tmp/stdout" "$tmp/resolved1.yaml"
grep -q "^seed: 7" "$tmp/resolved1.yaml" || fail "check output lacks the seed"
expect_status 0 "check of check output" "$carcer" check -v "$tmp/resolved1.yaml"
cmp -s "$tmp/resolved1.yaml" "$tmp/stdout" || fail "check output does not check again unchanged"
expect_status 1 "check of a bad file" "$carcer" check "$tmp/bad.yaml"
expect_status 2 "check without a file" "$carcer" check

# --- the embedded default runs with no file -------------------------------------
expect_status 0 "default scenario" "$carcer" run -o "$tmp/default" --set days=20 --quiet
grep -q '"scenario": "Cambodia' "$tmp/default/summary.json" || fail "default scenario name missing"

# --- report: one self-contained HTML page -----------------------------------------
expect_status 0 "report" "$carcer" report "$tmp/t1" --quiet
html="$tmp/t1/report.html"
[ -s "$html" ] || fail "report.html not written"
grep -q '<title>carcer: small</title>' "$html" || fail "report lacks the scenario name"
[ "$(grep -o '<svg' "$html" | wc -l)" -ge 2 ] || fail "report has fewer than 2 charts"
grep -qi '<script\|<link\|src="http\|href="http' "$html" && fail "report is not self-contained"
grep -q 'Men' "$html" || fail "report lacks the facility table"
expect_status 0 "report -o" "$carcer" report "$tmp/a" -o "$tmp/r.html" --quiet
[ -s "$tmp/r.html" ] || fail "report -o did not write the file"
expect_status 1 "report of a folder without results" "$carcer" report "$tmp"

# --- compare: paired replicates ------------------------------------------------------
sed 's/^name: small/name: small with bail/; s/pretrial: {bail: 0,/pretrial: {bail: 0.5,/' "$tmp/small.yaml" >"$tmp/bail.yaml"
expect_status 0 "compare" "$carcer" compare "$tmp/small.yaml" "$tmp/small.yaml" "$tmp/bail.yaml" -o "$tmp/cmp" --replicates 3 --quiet
head -1 "$tmp/cmp/compare.csv" | grep -q '^metric,scenario,mean,q05,q50,q95,diff_mean,diff_q05,diff_q50,diff_q95$' ||
    fail "compare.csv header: $(head -1 "$tmp/cmp/compare.csv")"
# the same scenario against itself differs by exactly zero
grep '^population_end,"small",' "$tmp/cmp/compare.csv" | while IFS=, read -r _ _ _ _ _ _ d1 d2 d3 d4; do
    [ "$d1$d2$d3$d4" = "0000" ] || echo "nonzero"
done | grep -q nonzero && fail "identical scenarios differ in compare.csv"
grep -q '^person_years.by_state.bail,"small with bail",' "$tmp/cmp/compare.csv" || fail "compare.csv lacks the alternative"
python3 - "$tmp/cmp/compare.json" <<'PY' || fail "compare.json is not valid JSON with three scenarios"
import json, sys
d = json.load(open(sys.argv[1]))
assert len(d["scenarios"]) == 3 and d["replicates"] == 3
PY
expect_status 0 "report of a comparison" "$carcer" report "$tmp/cmp" --quiet
[ -s "$tmp/cmp/report.html" ] || fail "report of a comparison did not write report.html"
grep -q 'small with bail' "$tmp/cmp/report.html" || fail "comparison report lacks the alternative"
grep -qi '<script\|<link\|src="http\|href="http' "$tmp/cmp/report.html" && fail "comparison report is not self-contained"
mkdir "$tmp/empty"
expect_status 1 "report of a folder with neither summary.json nor compare.json" "$carcer" report "$tmp/empty"
grep -q 'summary.json.*compare.json' "$tmp/stderr" || fail "report of an empty folder does not name both files"
expect_status 2 "compare needs two scenarios" "$carcer" compare "$tmp/small.yaml" -o "$tmp/cmp2"
expect_status 1 "compare beyond --max-memory" "$carcer" compare "$tmp/small.yaml" "$tmp/bail.yaml" \
    -o "$tmp/cmp3" --max-memory 1K --quiet
[ -e "$tmp/cmp3" ] && fail "a refused comparison left $tmp/cmp3"

# --- an interrupted run leaves the previous results and no temporaries ---------
cp -r "$tmp/a" "$tmp/keep"
"$carcer" run "$tmp/small.yaml" -o "$tmp/a" --replicates 2000 --threads 2 --quiet --set days=200 &
pid=$!
sleep 1
kill -INT "$pid"
wait "$pid"
st=$?
[ "$st" -eq 130 ] || fail "interrupted run exited $st, expected 130"
for f in timeseries.csv summary.json scenario.resolved.yaml; do
    cmp -s "$tmp/a/$f" "$tmp/keep/$f" || fail "interrupted run changed $f"
done
[ ! -e "$tmp/a/replicates.csv" ] || fail "interrupted run wrote replicates.csv"
[ -z "$(ls -A "$tmp/a" | grep carcer-tmp)" ] || fail "interrupted run left temporaries"

if [ "$failures" -ne 0 ]; then
    echo "$failures failure(s)" >&2
    exit 1
fi
echo "all CLI checks passed"
