#!/usr/bin/env bash
# Command-line tests of `carcer calibrate`: a calibration killed (SIGKILL)
# partway and resumed with another thread count gives the bytes of
# posterior.csv of one never interrupted; SIGINT stops it with the resume
# command; the calibrated scenario runs; bad calls exit 1 or 2 with a
# message and write no posterior. Usage: cli_calibrate.sh CARCER SOURCE_DIR
set -u
carcer=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0

fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

cat >"$tmp/fit.yaml" <<'EOF'
name: fit
start: 2020-01-01
days: 200
seed: 3
report_dates: [2020-07-15]
offenses:
  other: {drug: true, violent: false, felony: false}
arrests: {per_day: {prior: uniform, min: 5, max: 20}, mix: {other: 1}}
pretrial: {duration: {dist: gamma, mean: {prior: uniform, min: 30, max: 180}, sd: 30}}
facilities:
  - {name: P1, type: prison, sex: any, capacity: 800, cells: 10, population: 400}
targets:
  - {name: pop, summary: at.2020-07-15.prison_population, value: 1500, sd: 50, source: test}
  - {name: pretrial, summary: at.2020-07-15.pretrial_share, value: 0.6, sd: 0.03, source: test}
EOF
opts=(--particles 150 --generations 4 --predictive 0 --quiet)

"$carcer" calibrate "$tmp/fit.yaml" -o "$tmp/a" --threads 2 "${opts[@]}" 2>"$tmp/err" ||
    { fail "uninterrupted calibration"; cat "$tmp/err" >&2; }
for f in posterior.csv generations.csv calibration.json scenario.calibrated.yaml; do
    [ -s "$tmp/a/$f" ] || fail "calibration wrote no $f"
done
[ "$(head -1 "$tmp/a/posterior.csv")" = "weight,arrests.per_day,pretrial.duration.default.mean" ] ||
    fail "posterior.csv header: $(head -1 "$tmp/a/posterior.csv")"
[ "$(wc -l <"$tmp/a/posterior.csv")" -eq 151 ] || fail "posterior.csv: not 150 particles"

# killed (SIGKILL) once the first generation is checkpointed, then resumed
# on one thread: the same posterior, byte for byte
"$carcer" calibrate "$tmp/fit.yaml" -o "$tmp/b" --threads 2 "${opts[@]}" 2>/dev/null &
pid=$!
for _ in $(seq 600); do
    grep -q '^generation 0 ' "$tmp/b/calibration.checkpoint" 2>/dev/null && break
    sleep 0.05
done
sleep 0.3
kill -KILL "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
if [ -e "$tmp/b/posterior.csv" ]; then
    echo "note: the calibration finished before it was killed" >&2
fi
"$carcer" calibrate --resume "$tmp/b" --threads 1 "${opts[@]}" 2>"$tmp/err" ||
    { fail "resume after SIGKILL"; cat "$tmp/err" >&2; }
cmp -s "$tmp/a/posterior.csv" "$tmp/b/posterior.csv" || fail "resumed posterior differs"
cmp -s "$tmp/a/calibration.json" "$tmp/b/calibration.json" || fail "resumed calibration.json differs"

# SIGINT: exit 130 and the resume command; resuming finishes the same
"$carcer" calibrate "$tmp/fit.yaml" -o "$tmp/c" "${opts[@]}" 2>"$tmp/c.err" &
pid=$!
for _ in $(seq 600); do
    [ -e "$tmp/c/calibration.checkpoint" ] && break
    sleep 0.05
done
kill -INT "$pid"
wait "$pid"
st=$?
if [ "$st" -eq 130 ]; then
    grep -q "calibrate --resume" "$tmp/c.err" || fail "SIGINT: no resume command printed"
    [ -e "$tmp/c/posterior.csv" ] && fail "SIGINT: a posterior was written"
    "$carcer" calibrate --resume "$tmp/c" "${opts[@]}" 2>"$tmp/err" ||
        { fail "resume after SIGINT"; cat "$tmp/err" >&2; }
    cmp -s "$tmp/a/posterior.csv" "$tmp/c/posterior.csv" || fail "posterior after SIGINT differs"
elif [ "$st" -ne 0 ]; then
    fail "SIGINT: exit $st, expected 130"
fi

# the calibrated scenario runs from its folder, drawing from the posterior
"$carcer" run "$tmp/a/scenario.calibrated.yaml" -o "$tmp/run" --replicates 4 --quiet 2>"$tmp/err" ||
    { fail "run of scenario.calibrated.yaml"; cat "$tmp/err" >&2; }
head -1 "$tmp/run/replicates.csv" | grep -q '^replicate,input:arrests.per_day,' ||
    fail "replicates.csv of the calibrated run has no input columns"

# the run's folder holds the posterior beside its resolved scenario, which
# runs the same again from there (another folder, same bytes)
cmp -s "$tmp/a/posterior.csv" "$tmp/run/posterior.csv" || fail "the run's folder lacks the posterior"
grep -q '^posterior: posterior.csv' "$tmp/run/scenario.resolved.yaml" ||
    fail "scenario.resolved.yaml does not name the posterior beside it"
"$carcer" run "$tmp/run/scenario.resolved.yaml" -o "$tmp/run2" --quiet 2>"$tmp/err" ||
    { fail "run of the resolved scenario"; cat "$tmp/err" >&2; }
cmp -s "$tmp/run/replicates.csv" "$tmp/run2/replicates.csv" || fail "the resolved scenario ran otherwise"

# check lists the uncertain inputs
"$carcer" check --verbose "$tmp/fit.yaml" >/dev/null 2>"$tmp/err"
grep -q "2 uncertain inputs" "$tmp/err" || fail "check does not list the uncertain inputs"
grep -q "pretrial.duration.default.mean  *uniform(min 30, max 180)" "$tmp/err" ||
    fail "check does not show an input's prior"

# a resume with other options is refused, naming the difference
"$carcer" calibrate --resume "$tmp/a" --particles 100 --generations 4 --predictive 0 --quiet \
    2>"$tmp/err"
[ $? -eq 1 ] || fail "resume with other particles: not exit 1"
grep -q "particles" "$tmp/err" || fail "resume with other particles: message does not say so"

# bad calls
"$carcer" calibrate 2>/dev/null
[ $? -eq 2 ] || fail "calibrate without a scenario: not exit 2"
"$carcer" calibrate "$tmp/fit.yaml" --particles x 2>/dev/null
[ $? -eq 2 ] || fail "--particles x: not exit 2"
sed '/^targets:/,$d' "$tmp/fit.yaml" >"$tmp/notargets.yaml"
"$carcer" calibrate "$tmp/notargets.yaml" -o "$tmp/d" --quiet 2>"$tmp/err"
[ $? -eq 1 ] || fail "no targets: not exit 1"
grep -q "needs uncertain inputs and targets" "$tmp/err" || fail "no targets: no message"
[ -e "$tmp/d/posterior.csv" ] && fail "no targets: a posterior was written"
"$carcer" calibrate --resume "$tmp/nowhere" --quiet 2>/dev/null
[ $? -eq 1 ] || fail "resume of a folder without a calibration: not exit 1"

[ "$failures" -eq 0 ] && echo "cli_calibrate: all passed"
exit "$failures"
