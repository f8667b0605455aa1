#!/usr/bin/env bash
# The output folder of `carcer run` and `carcer compare` as one unit: a run
# keeps nothing of the previous one, a comparison's files never sit beside a
# run's, `report` refuses a folder that mixes runs, a bad -o fails before
# the simulation, two runs into one folder never interleave, SIGHUP stops a
# run like SIGTERM and SIGKILL's leftovers are removed by the next run.
# Usage: cli_output.sh CARCER SOURCE_DIR
carcer=$1
. "$(dirname "$0")/output_common.sh"

# a run long enough to be interrupted: 400 replicates of 365 days
sed 's/^days: 60/days: 365/' "$tmp/small.yaml" >"$tmp/long.yaml"

# wait_staging DIR PID: wait (up to 20 s) until process PID has created its
# staging folder beside DIR, i.e. has loaded the scenario, installed its
# signal handlers and started to simulate
wait_staging() {
    for _ in $(seq 1 200); do
        ls -A "$(dirname "$1")" | grep -q "^\.$(basename "$1")\.carcer-stage\.$2\." && return 0
        sleep 0.1
    done
    return 1
}

# --- nothing of the previous run survives ------------------------------------
"$carcer" run "$tmp/small.yaml" --replicates 10 -o "$tmp/a" --quiet || fail "10-replicate run"
[ -s "$tmp/a/replicates.csv" ] || fail "10 replicates wrote no replicates.csv"
"$carcer" run "$tmp/small.yaml" --replicates 1 -o "$tmp/a" --quiet || fail "1-replicate run"
[ ! -e "$tmp/a/replicates.csv" ] || fail "a 1-replicate run left the replicates.csv of the 10-replicate one"
grep -q '"replicates": 1' "$tmp/a/summary.json" || fail "summary.json is not of the new run"
"$carcer" compare "$tmp/small.yaml" "$tmp/small.yaml" --replicates 2 -o "$tmp/a" --quiet \
    || fail "compare into a run's folder"
for f in summary.json timeseries.csv scenario.resolved.yaml; do
    [ ! -e "$tmp/a/$f" ] || fail "compare left the run's $f beside compare.json"
done
"$carcer" report "$tmp/a" >/dev/null 2>&1 || fail "report of the comparison"
grep -q 'compare' "$tmp/a/run.json" || fail "run.json does not say it is a comparison"

# --- the files name one run, and report checks they agree --------------------
"$carcer" run "$tmp/small.yaml" --seed 3 -o "$tmp/b" --quiet || fail "run b"
"$carcer" run "$tmp/small.yaml" --seed 4 -o "$tmp/c" --quiet || fail "run c"
id=$(sed -n 's/.*"run_id": "\([0-9a-f]*\)".*/\1/p' "$tmp/b/run.json")
[ ${#id} -eq 16 ] || fail "run.json has no run id"
grep -q "\"run_id\": \"$id\"" "$tmp/b/summary.json" || fail "summary.json does not name run $id"
head -1 "$tmp/b/scenario.resolved.yaml" | grep -q "run $id" || fail "scenario.resolved.yaml does not name run $id"
"$carcer" report "$tmp/b" >/dev/null 2>"$tmp/err" || { fail "report of a whole run"; cat "$tmp/err" >&2; }
cp "$tmp/c/timeseries.csv" "$tmp/b/timeseries.csv"
"$carcer" report "$tmp/b" >/dev/null 2>"$tmp/err" && fail "report accepted a timeseries.csv of another run"
grep -q "timeseries.csv is not the file run $id wrote" "$tmp/err" || { fail "report: no message on a mixed folder"; cat "$tmp/err" >&2; }

# --- a bad -o fails before the simulation --------------------------------------
# (the long run takes seconds; a check made first returns at once)
touch "$tmp/file"
mkdir -p "$tmp/ro"
chmod 555 "$tmp/ro"
mkdir -p "$tmp/mine"
echo notes >"$tmp/mine/notes.txt"
ln -s "$tmp/a" "$tmp/link"
for o in "$tmp/missing/parent/out" "$tmp/file" "$tmp/file/out" "$tmp/mine" "$tmp/ro/out" "$tmp/link"; do
    if [ "$o" = "$tmp/ro/out" ] && [ "$(id -u)" -eq 0 ]; then continue; fi # root writes anywhere
    start=$(date +%s%N)
    timeout 60 "$carcer" run "$tmp/long.yaml" --replicates 400 -o "$o" --quiet >/dev/null 2>"$tmp/err"
    rc=$?
    ms=$((($(date +%s%N) - start) / 1000000))
    [ "$rc" -eq 1 ] || fail "-o $o: exit $rc, expected 1"
    grep -q "carcer\|$o" "$tmp/err" || fail "-o $o: no message"
    [ "$ms" -lt 2000 ] || fail "-o $o: failed after $ms ms, not before the simulation"
done
[ "$(cat "$tmp/mine/notes.txt")" = notes ] || fail "a folder of the user's own files was touched"
chmod 755 "$tmp/ro"

# --- two runs into one folder at once, many times --------------------------------
"$carcer" run "$tmp/small.yaml" --seed 5 -o "$tmp/ref5" --quiet
"$carcer" run "$tmp/small.yaml" --seed 6 -o "$tmp/ref6" --quiet
refused=0
for i in $(seq 1 20); do
    "$carcer" run "$tmp/small.yaml" --seed 5 -o "$tmp/both" --quiet 2>"$tmp/e5" &
    p5=$!
    "$carcer" run "$tmp/small.yaml" --seed 6 -o "$tmp/both" --quiet 2>"$tmp/e6" &
    p6=$!
    wait $p5; r5=$?
    wait $p6; r6=$?
    for r in 5 6; do
        eval "rc=\$r$r"
        if [ "$rc" -eq 1 ]; then
            refused=$((refused + 1))
            # the holder writes its pid just after it takes the lock: "unknown" before
            grep -q "another carcer (process [0-9a-z]*) is writing this output folder" "$tmp/e$r" \
                || { fail "round $i: seed $r refused without the message"; cat "$tmp/e$r" >&2; }
        elif [ "$rc" -ne 0 ]; then
            fail "round $i: seed $r exit $rc"
        fi
    done
    [ "$r5" -eq 0 ] || [ "$r6" -eq 0 ] || fail "round $i: both runs failed"
    same_folder "$tmp/both" "$tmp/ref5" || same_folder "$tmp/both" "$tmp/ref6" \
        || fail "round $i: the folder holds neither run whole"
    no_staging "$tmp/both" || fail "round $i: staging left beside the folder"
done
echo "concurrent runs: $refused of 40 refused while the other wrote"

# --- SIGHUP stops a run like SIGTERM, and leaves the previous results -----------
for sig in HUP TERM; do
    rm -rf "$tmp/s"
    cp -r "$tmp/ref5" "$tmp/s"
    "$carcer" run "$tmp/long.yaml" --replicates 400 --threads 2 -o "$tmp/s" --quiet 2>"$tmp/err" &
    pid=$!
    wait_staging "$tmp/s" "$pid" || fail "SIG$sig: the run did not start"
    kill -s "$sig" "$pid"
    wait "$pid"
    rc=$?
    want=$((128 + $(kill -l "$sig")))
    [ "$rc" -eq "$want" ] || fail "SIG$sig: exit $rc, expected $want"
    same_folder "$tmp/s" "$tmp/ref5" || fail "SIG$sig: the previous results changed"
    no_staging "$tmp/s" || fail "SIG$sig: the staging folder was left"
done

# --- SIGKILL leaves a staging folder that the next run removes --------------------
rm -rf "$tmp/k"
cp -r "$tmp/ref5" "$tmp/k"
"$carcer" run "$tmp/long.yaml" --replicates 400 --threads 2 -o "$tmp/k" --quiet 2>/dev/null &
pid=$!
wait_staging "$tmp/k" "$pid" || fail "SIGKILL: the run did not start"
sleep 0.2
kill -s KILL "$pid"
wait "$pid" 2>/dev/null
ls -A "$tmp" | grep -q "^\.k\.carcer-stage\.$pid\." || fail "SIGKILL: no staging folder of process $pid (the test did not kill mid-run?)"
same_folder "$tmp/k" "$tmp/ref5" || fail "SIGKILL: the previous results changed"
"$carcer" run "$tmp/small.yaml" --seed 6 -o "$tmp/k" --quiet || fail "the run after SIGKILL"
no_staging "$tmp/k" || fail "the run after SIGKILL left the dead run's staging folder"
same_folder "$tmp/k" "$tmp/ref6" || fail "the run after SIGKILL did not write its results"

[ "$failures" -eq 0 ] || { echo "$failures failure(s)" >&2; exit 1; }
echo "all output folder tests passed"
