#!/usr/bin/env bash
# Warnings on the command line: printed as file:line:col: warning: ..., the
# run goes on and writes its results; --strict makes them errors (exit 1,
# nothing written) for run, compare and check; check is quiet when all is
# well. Usage: cli_warnings.sh CARCER SOURCE_DIR
set -u
carcer=$1
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

cd "$tmp"
cat >ok.yaml <<'YAML'
name: ok
start: 2017-01-01
days: 60
offenses:
  drug_use: {drug: true}
arrests: {per_day: 5}
facilities:
  - {name: Police, type: police, capacity: 100, population: 0}
  - {name: CC1, type: prison, sex: male, capacity: 500, population: 300}
YAML
# the same with a policy dated after the run's last day (line 11, column 9)
{ cat ok.yaml; printf 'policies:\n  - name: late\n    at: 2018-01-01\n    legal_aid: 0.8\n'; } >late.yaml
want='late.yaml:12:9: warning: policies[0].at: the policy '"'late'"' starts after the last simulated day (2017-03-01): it never acts'

expect_status 0 "check of a good scenario" "$carcer" check ok.yaml
[ ! -s stdout ] && [ ! -s stderr ] || fail "check of a good scenario printed something"

expect_status 0 "check with a warning" "$carcer" check late.yaml
grep -qxF "$want (move it into the run or lengthen days)" stderr || { fail "check: no positioned warning"; cat stderr >&2; }
[ ! -s stdout ] || fail "check with a warning printed on stdout"
expect_status 1 "check --strict with a warning" "$carcer" check --strict late.yaml
grep -qF "$want" stderr || fail "check --strict: no warning"
grep -q "1 warning and --strict" stderr || fail "check --strict does not say why it failed"
expect_status 0 "check --strict of a good scenario" "$carcer" check --strict ok.yaml

expect_status 0 "run with a warning" "$carcer" run late.yaml -o out --quiet
grep -qF "$want" stderr || fail "run: no warning"
[ -s out/summary.json ] || fail "run with a warning wrote no results"
expect_status 1 "run --strict with a warning" "$carcer" run late.yaml -o strict --strict --quiet
[ ! -e strict ] || fail "run --strict with a warning wrote strict/"
ls -a | grep -q '^\.strict' && fail "run --strict left a staging folder"
expect_status 0 "run --strict of a good scenario" "$carcer" run ok.yaml -o strict-ok --strict --quiet
[ -s strict-ok/summary.json ] || fail "run --strict of a good scenario wrote nothing"

expect_status 1 "compare --strict with a warning" "$carcer" compare ok.yaml late.yaml -o cmp --strict --quiet
[ ! -e cmp ] || fail "compare --strict with a warning wrote cmp/"
grep -qF "$want" stderr || fail "compare --strict: no warning"
expect_status 0 "compare with a warning" "$carcer" compare ok.yaml late.yaml -o cmp --quiet
[ -s cmp/compare.json ] || fail "compare with a warning wrote nothing"

# a --set that causes a warning is positioned on the --set
expect_status 0 "a warning from --set" "$carcer" check ok.yaml --set country=Kenya
grep -q '^--set:1:9: warning: people.min_age: the default 14 comes from Cambodia' stderr ||
    { fail "no warning at --set:1:9"; cat stderr >&2; }

[ "$failures" -eq 0 ] && echo "ok" || { echo "$failures failure(s)"; exit 1; }
