#!/usr/bin/env bash
# Command-line tests of `carcer sensitivity` on a small scenario with three
# priors (arrests, pretrial duration, the pretrial cost per day) and a
# disease: the cost cannot change infections or the population, so its
# indices for them are exactly 0 (common random numbers: every row of one
# base sample runs the same chance stream, and a cost changes no draw) and
# its interval contains 0, while its total index for the cost is not 0; the
# same bytes on 1 and 2 threads; killed (SIGKILL) partway and resumed, the
# same bytes; Morris and PRCC run; bad calls exit 1 or 2 with a message and
# write nothing. Usage: cli_sensitivity.sh CARCER SOURCE_DIR
set -u
carcer=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0

fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

cat >"$tmp/s.yaml" <<'EOF'
name: sens
start: 2020-01-01
days: 120
seed: 3
offenses:
  other: {drug: true, violent: false, felony: false}
arrests: {per_day: {prior: uniform, min: 5, max: 20}, mix: {other: 1}}
pretrial: {duration: {dist: gamma, mean: {prior: uniform, min: 30, max: 180}, sd: 30}}
facilities:
  - {name: P1, type: prison, sex: any, capacity: 300, cells: 10, population: 400}
costs: {per_day: {police: 3, pretrial: {prior: uniform, min: 1, max: 5}, bail: 0, appeal: 1.5, sentenced: 1.5, rehab: 2}}
disease: {pathogen: covid19, introductions: [{at: 2020-01-05, facility: P1, count: 20}]}
EOF
opts=(--method sobol --samples 64 --bootstrap 200 --output infections.detainees
      --output costs.total --output population:ALL --over-time 2020-02-01,2020-04-01 --quiet)

"$carcer" sensitivity "$tmp/s.yaml" -o "$tmp/a" --threads 2 "${opts[@]}" 2>"$tmp/err" ||
    { fail "sobol on 2 threads"; cat "$tmp/err" >&2; }
for f in sensitivity.csv sensitivity.json samples.csv run.json; do
    [ -s "$tmp/a/$f" ] || fail "no $f"
done
[ "$(head -1 "$tmp/a/sensitivity.csv")" = "method,output,date,input,index,estimate,q05,q95" ] ||
    fail "sensitivity.csv header: $(head -1 "$tmp/a/sensitivity.csv")"
# 4 outputs (2 dates of the column) x 3 inputs x (S1, ST) + header
[ "$(wc -l <"$tmp/a/sensitivity.csv")" -eq 25 ] || fail "sensitivity.csv: not 24 rows"
# 64 x (3 + 2) rows and 16 chance repeats, + header
[ "$(wc -l <"$tmp/a/samples.csv")" -eq 337 ] || fail "samples.csv: not 336 rows"

# the cost input: 0 within its interval for infections and the population
awk -F, '$4 == "costs.per_day.pretrial" && $2 != "costs.total" {
           n++; if (!($7 <= 0 && $8 >= 0)) { bad = 1; print "  " $0 } }
         $4 == "costs.per_day.pretrial" && $2 == "costs.total" && $5 == "ST" {
           if (!($7 > 0)) { bad = 1; print "  cost on cost: " $0 } }
         END { exit (bad || n != 6) }' "$tmp/a/sensitivity.csv" ||
    fail "the cost input's intervals (0 for infections and population, > 0 for the cost)"
grep -q '"chance_share"' "$tmp/a/sensitivity.json" || fail "sensitivity.json has no chance share"

"$carcer" sensitivity "$tmp/s.yaml" -o "$tmp/one" --threads 1 "${opts[@]}" 2>/dev/null ||
    fail "sobol on 1 thread"
for f in sensitivity.csv sensitivity.json samples.csv; do
    cmp -s "$tmp/a/$f" "$tmp/one/$f" || fail "$f differs between 1 and 2 threads"
done

# killed (SIGKILL) once a checkpoint is written, resumed on 1 thread
# (a smaller sample with the sanitizers' build, which runs several times slower)
n=512
ldd "$carcer" 2>/dev/null | grep -q libasan && n=256
big=(--method sobol --samples "$n" --bootstrap 200 --output infections.detainees
     --output costs.total --quiet)
"$carcer" sensitivity "$tmp/s.yaml" -o "$tmp/full" --threads 2 "${big[@]}" 2>/dev/null ||
    fail "the uninterrupted analysis"
"$carcer" sensitivity "$tmp/s.yaml" -o "$tmp/k" --threads 2 "${big[@]}" 2>/dev/null &
pid=$!
for _ in $(seq 600); do
    [ -s "$tmp/k/sensitivity.checkpoint" ] && break
    sleep 0.05
done
kill -KILL "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
[ -e "$tmp/k/sensitivity.csv" ] && echo "note: the analysis finished before it was killed" >&2
"$carcer" sensitivity --resume "$tmp/k" --threads 1 "${big[@]}" 2>"$tmp/err" ||
    { fail "resume after SIGKILL"; cat "$tmp/err" >&2; }
for f in sensitivity.csv sensitivity.json samples.csv; do
    cmp -s "$tmp/full/$f" "$tmp/k/$f" || fail "resumed $f differs"
done
# resumed with other options: refused, positioned in the checkpoint
"$carcer" sensitivity --resume "$tmp/k" --method sobol --samples 256 --quiet 2>"$tmp/err" &&
    fail "resume with another sample size accepted"
grep -q 'sensitivity.checkpoint:[0-9]*:1: the checkpoint is of another analysis' "$tmp/err" ||
    fail "resume with other options: $(cat "$tmp/err")"

# Morris and PRCC
"$carcer" sensitivity "$tmp/s.yaml" -o "$tmp/m" --method morris --trajectories 8 --quiet \
    --output infections.detainees 2>/dev/null || fail "morris"
grep -q '^morris,infections.detainees,,costs.per_day.pretrial,mu_star,0,0,0$' "$tmp/m/sensitivity.csv" ||
    fail "morris: the cost's mu* for infections is not 0"
"$carcer" sensitivity "$tmp/s.yaml" -o "$tmp/p" --method prcc --samples 60 --quiet 2>/dev/null ||
    fail "prcc"
grep -q '^prcc,person_years.detained,,arrests.per_day,PRCC,' "$tmp/p/sensitivity.csv" ||
    fail "prcc: no headline output"

# bad calls: exit status, a message naming the problem, nothing written
expect() { # STATUS PATTERN ARGS...
    local want=$1 pat=$2
    shift 2
    rm -rf "$tmp/bad"
    "$carcer" sensitivity "$@" -o "$tmp/bad" >/dev/null 2>"$tmp/err"
    local got=$?
    [ "$got" -eq "$want" ] || fail "$* exited $got, expected $want"
    grep -q -- "$pat" "$tmp/err" || fail "$*: no '$pat' in: $(cat "$tmp/err")"
    [ -e "$tmp/bad" ] && fail "$*: wrote $tmp/bad"
}
expect 1 'needs --samples 16 or more, got 8' "$tmp/s.yaml" --method sobol --samples 8
expect 1 'needs --samples 13 or more' "$tmp/s.yaml" --method prcc --samples 5
expect 1 'needs --trajectories 4 or more' "$tmp/s.yaml" --method morris --trajectories 2
expect 1 "expected an output of this scenario's runs, got 'infections.nobody'" "$tmp/s.yaml" \
    --output infections.nobody
expect 1 "got 'population:NOWHERE'" "$tmp/s.yaml" --output population:NOWHERE
expect 1 'expected a date of the run' "$tmp/s.yaml" --output population:ALL --over-time 2019-01-01
expect 2 'expects morris, sobol or prcc' "$tmp/s.yaml" --method anova
expect 2 'unknown option' "$tmp/s.yaml" --bogus
sed 's/{prior: uniform, min: [0-9.]*, max: [0-9.]*}/10/g' "$tmp/s.yaml" >"$tmp/fixed.yaml"
expect 1 'needs uncertain inputs' "$tmp/fixed.yaml"
"$carcer" sensitivity --help | grep -q '^  carcer sensitivity ' || fail "--help has no example"

# the report page: a tornado chart per output, the Morris plane, indices
# over time; a damaged sensitivity.csv is refused with its position
"$carcer" report "$tmp/a" >/dev/null 2>"$tmp/err" || fail "report of a Sobol folder: $(cat "$tmp/err")"
grep -q 'infections.detainees: ST with its 90% interval' "$tmp/a/report.html" || fail "report: no tornado"
grep -q 'population:ALL: ST over time' "$tmp/a/report.html" || fail "report: no indices over time"
"$carcer" report "$tmp/m" >/dev/null 2>&1 || fail "report of a Morris folder"
grep -q 'Morris mu\* (x) against sigma (y)' "$tmp/m/report.html" || fail "report: no Morris plane"
cp -r "$tmp/m" "$tmp/damaged"
sed -i '3s/^\(\([^,]*,\)\{5\}\)[^,]*/\1zero/' "$tmp/damaged/sensitivity.csv"
rm -f "$tmp/damaged/run.json" "$tmp/damaged/report.html"
"$carcer" report "$tmp/damaged" >/dev/null 2>"$tmp/err" && fail "report of a damaged sensitivity.csv"
grep -q 'sensitivity.csv:3:1: expected a number or an empty field in field 6' "$tmp/err" ||
    fail "damaged sensitivity.csv: $(cat "$tmp/err")"

[ "$failures" -eq 0 ] || exit 1
echo "cli_sensitivity: all passed"
