#!/usr/bin/env bash
# Command-line tests of the `targets:` of a scenario: `carcer run` of the
# default writes targets.csv (one row per target, observed value and
# simulated statistics), a shortened run keeps the targets it cannot measure
# without a value, and a bad target stops the run with a positioned error
# and nothing written. Usage: cli_targets.sh CARCER SOURCE_DIR
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

header='target,observed,scale_kind,scale,weight,replicates,mean,sd,q05,q50,q95,source'
ntargets=$(sed -n '/^targets:/,$p' "$src/scenarios/cambodia-2017.yaml" | grep -c '^  - {name: \|^  - name: ')
[ "$ntargets" -ge 15 ] || fail "the default scenario lists $ntargets targets, expected at least 15"

# the default, two replicates: every target measured by both; the same bytes
# on one thread as on two
expect_status 0 "run of the default" "$carcer" run -o "$tmp/def" --replicates 2 --threads 2 --quiet
expect_status 0 "run of the default, 1 thread" "$carcer" run -o "$tmp/def1" --replicates 2 --threads 1 --quiet
cmp -s "$tmp/def/targets.csv" "$tmp/def1/targets.csv" || fail "targets.csv differs between 1 and 2 threads"
csv="$tmp/def/targets.csv"
[ -f "$csv" ] || fail "no targets.csv"
[ "$(head -1 "$csv")" = "$header" ] || fail "targets.csv header: $(head -1 "$csv")"
[ "$(($(wc -l <"$csv") - 1))" -eq "$ntargets" ] || fail "targets.csv rows: $(wc -l <"$csv")"
awk -F, 'NR > 1 && $6 != 2 { bad = 1 } END { exit bad }' "$csv" ||
    fail "a target of the full default run was not measured by both replicates"
grep -q '^prison_2017_end,28414,sd,710,1,2,' "$csv" || fail "prison_2017_end row: $(grep prison_2017_end "$csv")"
# the simulated mean of the end-2017 stock sits within 5% of the observed 28,414
awk -F, '$1 == "prison_2017_end" { exit !($7 > 26993 && $7 < 29835) }' "$csv" ||
    fail "simulated end-2017 prison population far from 28,414: $(grep prison_2017_end "$csv")"

# a shortened run: targets past its end are rows without a value
expect_status 0 "shortened run" "$carcer" run -o "$tmp/short" --set days=30 --quiet
grep -q '^prison_2017_end,28414,sd,710,1,0,,,,,,' "$tmp/short/targets.csv" ||
    fail "a target beyond a shortened run is not an empty row: $(grep prison_2017_end "$tmp/short/targets.csv")"

# a bad target: exit 1, file:line:col: key path, nothing written
cat >"$tmp/bad.yaml" <<'YAML'
include: default
targets:
  - {name: t, column: population, facility: CC9, date: 2017-03-01, value: 1, sd: 1, source: x}
YAML
expect_status 1 "unknown facility in a target" "$carcer" run "$tmp/bad.yaml" -o "$tmp/bad-out" --quiet
grep -q "bad.yaml:3:45: targets\[0\].facility: expected a facility of the scenario or ALL, got 'CC9'" "$tmp/stderr" ||
    { fail "unknown facility: no positioned message"; cat "$tmp/stderr" >&2; }
[ ! -e "$tmp/bad-out" ] || fail "a bad target wrote output"

# check prints the targets back
expect_status 0 "check" "$carcer" check --verbose "$src/scenarios/cambodia-2017.yaml"
grep -q '^- name: prison_deaths_per_person_year_2017$' "$tmp/stdout" || fail "check does not print the targets"

[ "$failures" -eq 0 ] && echo "ok" || { echo "$failures failure(s)"; exit 1; }
