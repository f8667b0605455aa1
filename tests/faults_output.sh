#!/usr/bin/env bash
# The output commit under faults: an LD_PRELOAD shim (fault_shim.c) fails,
# or kills the tool at, each write and rename of a run in turn; after each,
# the output folder must hold exactly the previous run or exactly the new
# one, file for file and byte for byte, and a following run must leave no
# staging folder behind. The runs write no report (--no-report): the page
# `run` writes after the commit is written through a temporary of its own.
# Usage: faults_output.sh CARCER SOURCE_DIR SHIM
carcer=$1
shim=$3
. "$(dirname "$0")/output_common.sh"

# the previous run (seed 1, 3 replicates) and the new one (seed 2, 2
# replicates: no replicates.csv of 3 rows may survive beside it)
"$carcer" run "$tmp/small.yaml" --seed 1 --replicates 3 -o "$tmp/old" --quiet --no-report || fail "reference run"
"$carcer" run "$tmp/small.yaml" --seed 2 --replicates 2 -o "$tmp/new" --quiet --no-report || fail "reference run"

for noexchange in 0 1; do
    for mode in fail kill; do
        # without RENAME_EXCHANGE a kill between the two renames leaves the
        # target missing (docs/outputs.md): only failures are tested there
        [ "$noexchange" = 1 ] && [ "$mode" = kill ] && continue
        n=1
        while :; do
            rm -rf "$tmp/out" "$tmp/hit"
            cp -r "$tmp/old" "$tmp/out"
            CARCER_FAULT_AT=$n CARCER_FAULT_MODE=$mode CARCER_FAULT_HIT="$tmp/hit" \
                CARCER_FAULT_NOEXCHANGE=$noexchange LD_PRELOAD="$shim" \
                ASAN_OPTIONS=verify_asan_link_order=0:detect_leaks=0 \
                "$carcer" run "$tmp/small.yaml" --seed 2 --replicates 2 -o "$tmp/out" --quiet --no-report \
                >/dev/null 2>"$tmp/err"
            rc=$?
            what="$mode at operation $n (no exchange: $noexchange)"
            if [ ! -e "$tmp/hit" ]; then
                [ "$rc" -eq 0 ] || fail "$what: no fault struck but exit $rc"
                same_folder "$tmp/out" "$tmp/new" || fail "$what: the run without a fault is not the new run"
                break
            fi
            if same_folder "$tmp/out" "$tmp/old"; then
                [ "$rc" -ne 0 ] || fail "$what: exit 0 but the folder holds the previous run"
            elif same_folder "$tmp/out" "$tmp/new"; then
                :
            else
                fail "$what: the folder holds neither the previous run nor the new one"
                ls -la "$tmp/out" >&2
            fi
            if [ "$mode" = fail ]; then
                [ "$rc" -eq 0 ] || [ "$rc" -eq 1 ] || fail "$what: exit $rc, expected 0 or 1"
                [ "$rc" -eq 0 ] || grep -q "carcer:" "$tmp/err" || fail "$what: failed without a message"
                no_staging "$tmp/out" || fail "$what: a failed run left its staging folder"
            else
                [ "$rc" -eq 137 ] || fail "$what: exit $rc, expected 137 (SIGKILL)"
                # the next run removes what the killed one left
                "$carcer" run "$tmp/small.yaml" --seed 2 --replicates 2 -o "$tmp/out" --quiet --no-report \
                    || fail "$what: the run after the kill failed"
                no_staging "$tmp/out" || fail "$what: the staging folder of the killed run was not removed"
                same_folder "$tmp/out" "$tmp/new" || fail "$what: the run after the kill is not the new run"
            fi
            n=$((n + 1))
            [ "$n" -lt 200 ] || { fail "more than 200 operations?"; break; }
        done
        echo "$mode (no exchange: $noexchange): faults at each of $((n - 1)) operations"
    done
done
[ "$failures" -eq 0 ] || { echo "$failures failure(s)" >&2; exit 1; }
echo "all output fault tests passed"
