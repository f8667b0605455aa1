#!/usr/bin/env bash
# Command-line tests of what a run leaves behind and how it ends: the
# resolved scenario runs the same run again from the output folder alone,
# undefined occupancy, detentions that find no facility, `report` on a
# damaged daily series, write errors on stdout, and how soon an interrupted
# run of many replicates stops. Usage: cli_runtime.sh CARCER SOURCE_DIR
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

# A small scenario: 60 days, a few thousand people.
small() { # days
    cat <<EOF
name: small
start: 2017-01-01
days: $1
seed: 7
offenses:
  drug_use: {drug: true, violent: false, felony: false}
  other: {drug: false, violent: false, felony: true}
people: {female: 0.1, poor: 0.8, risk: 0.05, with_child: 0.05, age: {dist: lognormal, median: 30, p90: 48}}
arrests: {per_day: 20, mix: {drug_use: 0.5, other: 0.5}, rearrest: {per_year: 0.3, halving_years: 2}}
routing: {default: {release: 0.05, rehab: 0.0, prosecute: 0.95}, drug_use: {release: 0.15, rehab: 0.55, prosecute: 0.30}, bribe: {default: 0, drug_use: 0.2}}
police: {days: {default: {dist: fixed, value: 2}}}
pretrial: {bail: 0, duration: {default: {dist: lognormal, median: 150, p90: 330}}, legal_limit_days: {misdemeanour: 180, felony: 540}, enforce_legal_limit: false}
trial: {conviction: 0.9, sentence: {default: {dist: uniform, min: 6, max: 12, unit: months}}, appeal: 0.5, appeal_duration: {default: {dist: gamma, mean: 240, sd: 120}}}
rehab: {duration: {dist: fixed, value: 180}, excess_deaths_per_1000_per_year: 5}
initial: {status: {pretrial: 0.34, appeal: 0.37, sentenced: 0.29}, offense: {drug_use: 0.4, other: 0.6}, female: 0.08}
facilities:
  - {name: Police, type: police, sex: any, capacity: 100, cells: 10, population: 0}
  - {name: Men, type: prison, sex: male, capacity: 1000, cells: 20, population: 1500}
  - {name: Women, type: prison, sex: female, capacity: 200, cells: 5, population: 150, children: true}
  - {name: Rehab, type: rehab, sex: any, capacity: 300, cells: 5, population: 200}
EOF
}

# --- the resolved scenario is the run: seed, replicates, pathogen inline --------
# A pathogen file of each shipped kind, renamed so that no shipped name can
# stand in for it, beside a scenario in its own folder.
for pg in covid19 influenza tuberculosis; do
    mkdir -p "$tmp/$pg/src/pathogens" "$tmp/$pg/elsewhere"
    sed "s/^name: $pg/name: my-$pg/" "$src/pathogens/$pg.yaml" >"$tmp/$pg/src/pathogens/mine.yaml"
    { small 60; echo "disease: {pathogen: pathogens/mine.yaml, introductions: [{at: 2017-01-05, facility: Men, count: 20}]}"; } \
        >"$tmp/$pg/src/s.yaml"
    (cd "$tmp/$pg/src" && "$carcer" run s.yaml -o ../out1 --seed 2 --replicates 3 --threads 2 --quiet) \
        2>"$tmp/stderr" || fail "$pg: run with a pathogen file: $(cat "$tmp/stderr")"
    r="$tmp/$pg/out1/scenario.resolved.yaml"
    grep -q '^seed: 2$' "$r" || fail "$pg: the resolved scenario does not record --seed 2"
    grep -q '^replicates: 3$' "$r" || fail "$pg: the resolved scenario does not record --replicates 3"
    grep -q 'mine.yaml' "$r" && fail "$pg: the resolved scenario still names the pathogen file"
    grep -q "name: my-$pg" "$r" || fail "$pg: the resolved scenario does not hold the pathogen inline"
    # from another folder, without the pathogen file: the same bytes
    cp "$r" "$tmp/$pg/elsewhere/resolved.yaml"
    (cd "$tmp/$pg/elsewhere" && "$carcer" run resolved.yaml -o ../out2 --threads 1 --quiet) \
        2>"$tmp/stderr" || fail "$pg: the resolved scenario does not run: $(cat "$tmp/stderr")"
    for f in timeseries.csv summary.json replicates.csv scenario.resolved.yaml; do
        cmp -s "$tmp/$pg/out1/$f" "$tmp/$pg/out2/$f" || fail "$pg: $f differs when run from the resolved scenario"
    done
    grep -q '"detainees": {' "$tmp/$pg/out1/summary.json" || fail "$pg: the disease did not run"
    # and it checks to itself
    expect_status 0 "$pg: check of the resolved scenario" "$carcer" check --verbose "$tmp/$pg/elsewhere/resolved.yaml"
    cp "$tmp/stdout" "$tmp/$pg/check1.yaml"
    expect_status 0 "$pg: check of the check" "$carcer" check --verbose "$tmp/$pg/check1.yaml"
    cmp -s "$tmp/stdout" "$tmp/$pg/check1.yaml" || fail "$pg: the inline pathogen changes on a round trip"
done
# an error in an inline pathogen is positioned in the scenario
sed 's/entry: exposed/entry: exposd/' "$tmp/covid19/elsewhere/resolved.yaml" >"$tmp/badinline.yaml"
expect_status 1 "an inline pathogen with a wrong entry" "$carcer" check "$tmp/badinline.yaml"
grep -q "badinline.yaml:[0-9]*:[0-9]*: disease.pathogen: in the pathogen: .*entry.*exposd" "$tmp/stderr" ||
    fail "inline pathogen error not positioned: $(head -2 "$tmp/stderr")"

# --- occupancy without capacity: undefined, alike in every output ---------------
small 30 | sed 's/{name: Rehab, type: rehab, sex: any, capacity: 300,/{name: Rehab, type: rehab, sex: any, capacity: 0,/' >"$tmp/cap0.yaml"
expect_status 0 "run with a facility of capacity 0" "$carcer" run "$tmp/cap0.yaml" -o "$tmp/cap0" --quiet
# Rehab holds 200 people from day 0 (no facility name here holds a comma)
occ_awk='NR == 1 { for (i = 1; i <= NF; i++) if ($i == "occupancy") c = i; next }'
awk -F, "$occ_awk"' $3 == "Rehab" && $4 > 0 && $c != "" { bad = 1 } END { exit bad || !c }' "$tmp/cap0/timeseries.csv" ||
    fail "timeseries.csv prints a number for the occupancy of a facility without capacity"
awk -F, "$occ_awk"' $3 == "Men" && $c == "" { bad = 1 } END { exit bad || !c }' "$tmp/cap0/timeseries.csv" ||
    fail "timeseries.csv leaves the occupancy of a facility with capacity empty"
python3 - "$tmp/cap0/summary.json" <<'PY' || fail "summary.json: occupancy of Rehab is not null, null, 30"
import json, sys
o = json.load(open(sys.argv[1]))["occupancy"]["Rehab"]
assert o["peak"] is None and o["mean"] is None and o["days_over_capacity"] == 30, o
PY
expect_status 0 "run with a facility of capacity 0, 2 replicates" "$carcer" run "$tmp/cap0.yaml" -o "$tmp/cap0r" --replicates 2 --quiet
python3 - "$tmp/cap0r/summary.json" <<'PY' || fail "summary.json with replicates: undefined occupancy is not null"
import json, sys
o = json.load(open(sys.argv[1]))["occupancy"]["Rehab"]["peak"]
assert all(v is None for v in o.values()), o
PY
expect_status 0 "report with undefined occupancy" "$carcer" report "$tmp/cap0r" --quiet
grep -qiw "nan" "$tmp/cap0r/report.html" && fail "the report prints NaN for an undefined occupancy"

# --- detentions that find no facility: counted and warned about ---------------
small 60 | sed 's/{name: Women, type: prison,/{name: Women, type: rehab,/' >"$tmp/nowomen.yaml"
expect_status 0 "run without a prison for women" "$carcer" run "$tmp/nowomen.yaml" -o "$tmp/nowomen" --quiet
python3 - "$tmp/nowomen/summary.json" <<'PY' || fail "summary.json: unplaced is not positive without a prison for women"
import json, sys
assert json.load(open(sys.argv[1]))["unplaced"] > 0
PY
grep -q "warning: .*no prison or rehab centre" "$tmp/stderr" || fail "no warning about unplaced detentions"
small 60 >"$tmp/small.yaml"
expect_status 0 "run with every facility" "$carcer" run "$tmp/small.yaml" -o "$tmp/small" --quiet --no-report
grep -q '"unplaced": 0,' "$tmp/small/summary.json" || fail "summary.json: unplaced is not 0 with every facility"
grep -q "warning" "$tmp/stderr" && fail "a warning about unplaced detentions when there are none"

# --- report: a daily series without the system's rows ---------------------------
# a damaged series is the reader's to refuse: the folder is unbound from its
# run (no run.json, no run_id), as a folder of an older carcer would be, so
# the manifest's checksums do not refuse it first
unbind() { rm -f "$1/run.json"; sed -i '/"run_id"/d' "$1/summary.json"; }
cp -r "$tmp/small" "$tmp/noall"
unbind "$tmp/noall"
grep -v ',ALL,' "$tmp/small/timeseries.csv" >"$tmp/noall/timeseries.csv"
expect_status 1 "report on a series without ALL rows" "$carcer" report "$tmp/noall"
grep -q "timeseries.csv.*ALL" "$tmp/stderr" || fail "report without ALL rows: no message naming them"
# rows missing (one facility's day removed)
cp -r "$tmp/small" "$tmp/holes"
unbind "$tmp/holes"
grep -v '^3,2017-01-04,Men,' "$tmp/small/timeseries.csv" >"$tmp/holes/timeseries.csv"
expect_status 1 "report on a series with a row missing" "$carcer" report "$tmp/holes"
grep -q "timeseries.csv.*one row per replicate, day and facility" "$tmp/stderr" ||
    fail "report with a row missing: $(cat "$tmp/stderr")"
[ -e "$tmp/noall/report.html" ] && fail "a refused report wrote report.html"

# --- write errors on stdout are errors ---------------------------------------
if [ -w /dev/full ]; then
    "$carcer" schema >/dev/full 2>"$tmp/stderr"
    st=$?
    [ "$st" -eq 1 ] || fail "carcer schema > /dev/full exited $st, expected 1"
    grep -q "cannot write the standard output" "$tmp/stderr" || fail "schema > /dev/full: no message"
    "$carcer" check --verbose "$tmp/small.yaml" >/dev/full 2>"$tmp/stderr"
    st=$?
    [ "$st" -eq 1 ] || fail "carcer check > /dev/full exited $st, expected 1"
    grep -q "cannot write the standard output" "$tmp/stderr" || fail "check > /dev/full: no message"
fi

# --- SIGINT stops a run of many replicates at once ------------------------------
# 400 replicates of 200,000 people: setting up one replicate places its whole
# population, and the replicates not yet begun used to be set up (and left at
# once) one after another after the signal: 17 to 26 s on a 2-core machine.
# Now the signal is seen within the day each running replicate is in (a few
# ms here) and no other replicate starts; 3 s leaves room for a machine
# loaded by other work, and for the sanitizer build.
small 3650 | sed 's/capacity: 1000, cells: 20, population: 1500/capacity: 100000, cells: 2000, population: 200000/' >"$tmp/big.yaml"
"$carcer" run "$tmp/big.yaml" -o "$tmp/big" --replicates 400 --threads 2 --quiet 2>"$tmp/stderr" &
pid=$!
sleep 2
t0=$(date +%s%N)
kill -INT "$pid"
wait "$pid"
st=$?
ms=$((($(date +%s%N) - t0) / 1000000))
[ "$st" -eq 130 ] || fail "interrupted run of 400 replicates exited $st, expected 130"
[ "$ms" -le 3000 ] || fail "interrupted run of 400 replicates took $ms ms to stop (at most 3000)"
echo "SIGINT to exit: $ms ms"

if [ "$failures" -ne 0 ]; then
    echo "$failures failure(s)" >&2
    exit 1
fi
echo "all runtime CLI checks passed"
