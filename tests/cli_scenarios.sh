#!/usr/bin/env bash
# `carcer scenarios` lists every shipped scenario with its title, and
# `carcer scenarios new COUNTRY` prints a template that passes
# `carcer check --strict` as it is, in which every default that carcer
# would warn about as Cambodian (country:) is spelled out and marked
# REPLACE, and that runs. Usage: cli_scenarios.sh CARCER SOURCE_DIR
set -u
carcer=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

# the list: one line per scenarios/*.yaml, with the file's name: value
"$carcer" scenarios >"$tmp/list" || fail "carcer scenarios exited $?"
n=0
for f in "$src"/scenarios/*.yaml; do
    rel=scenarios/$(basename "$f")
    title=$(sed -n 's/^name: *\([^#]*[^# ]\) *\(#.*\)\{0,1\}$/\1/p' "$f" | head -1)
    grep -qF "$rel" "$tmp/list" || fail "$rel is not listed"
    grep -F "$rel" "$tmp/list" | grep -qF "$title" || fail "$rel is listed without its title '$title'"
    n=$((n + 1))
done
[ "$(wc -l <"$tmp/list")" -eq "$n" ] || fail "carcer scenarios lists $(wc -l <"$tmp/list") lines for $n scenarios"

# the template checks, strictly, and quietly
"$carcer" scenarios new "Côte d'Ivoire" >"$tmp/ci.yaml" || fail "scenarios new exited $?"
"$carcer" check --strict "$tmp/ci.yaml" >"$tmp/out" 2>"$tmp/err" || { fail "the template does not pass check --strict"; cat "$tmp/err" >&2; }
[ ! -s "$tmp/out" ] && [ ! -s "$tmp/err" ] || { fail "check of the template is not quiet"; cat "$tmp/err" >&2; }
grep -qx "country: \"Côte d'Ivoire\"" "$tmp/ci.yaml" || grep -qx "country: Côte d'Ivoire" "$tmp/ci.yaml" ||
    fail "the template's country is not the one asked for"

# every Cambodian default (what check warns about for a country's scenario
# that gives none of them) is spelled out in the template and marked REPLACE
cat >"$tmp/bare.yaml" <<'YAML'
name: bare
country: Kenya
start: 2017-01-01
days: 30
offenses: {drug_use: {drug: true}}
facilities: [{name: P, type: prison, capacity: 10}]
YAML
"$carcer" check "$tmp/bare.yaml" 2>"$tmp/warn" || fail "the bare scenario does not check"
keys=$(sed -n 's/^.*: warning: \([a-z_.]*\): the default .* comes from Cambodia.*$/\1/p' "$tmp/warn")
[ "$(echo "$keys" | wc -w)" -ge 8 ] || fail "only $(echo "$keys" | wc -w) Cambodian defaults warned about: $keys"
"$carcer" scenarios new Kenya >"$tmp/kenya.yaml"
for k in $keys; do
    # the key's line: its last name at the indentation of its depth
    leaf=${k##*.}
    depth=$(($(echo "$k" | tr -cd . | wc -c) * 2))
    grep -qE "^ {$depth}$leaf:.*# REPLACE: .*Cambodia" "$tmp/kenya.yaml" ||
        fail "$k is not spelled out and marked REPLACE in the template"
done

# it runs
"$carcer" run "$tmp/kenya.yaml" --set days=30 -o "$tmp/out-k" --quiet 2>"$tmp/err" ||
    { fail "the template does not run"; cat "$tmp/err" >&2; }
[ -s "$tmp/out-k/summary.json" ] || fail "the template's run wrote no summary"

# usage errors
"$carcer" scenarios new >/dev/null 2>&1; [ $? -eq 2 ] || fail "scenarios new without a country: not a usage error"
"$carcer" scenarios old >/dev/null 2>&1; [ $? -eq 2 ] || fail "scenarios old: not a usage error"

[ "$failures" -eq 0 ] && echo "ok" || { echo "$failures failure(s)"; exit 1; }
