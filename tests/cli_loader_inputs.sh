#!/usr/bin/env bash
# Command-line tests of hostile input to the loaders: a FIFO named as an
# include or a pathogen, /dev/zero as the scenario, and --set arguments that
# crashed or hung the loader. Each must end within seconds with exit status
# 1, a positioned message and no output folder.
# Usage: cli_loader_inputs.sh CARCER SOURCE_DIR
set -u
carcer=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
src=$(cd "$2" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0

fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
# expected status, message the error output must hold, command...
expect() {
    local want=$1 msg=$2; shift 2
    timeout 20 "$@" >"$tmp/stdout" 2>"$tmp/stderr"
    local got=$? what="$*"
    what=${what:0:160}
    [ "$got" -eq "$want" ] || { fail "$what: exit $got, expected $want (124: timed out)"; sed 's/^/  | /' "$tmp/stderr" | cut -c1-300 >&2; }
    grep -qF -- "$msg" "$tmp/stderr" || { fail "$what: no \"$msg\" in the messages"; sed 's/^/  | /' "$tmp/stderr" | cut -c1-300 >&2; }
}

cd "$tmp" || exit 1
mkfifo fifo.yaml
printf 'include: fifo.yaml\n' >inc.yaml
printf 'include: default\ndisease: {pathogen: fifo.yaml}\n' >path.yaml
expect 1 "inc.yaml:1:10: include: cannot include 'fifo.yaml': not a regular file" "$carcer" check inc.yaml
expect 1 "expected a readable pathogen file, got 'fifo.yaml': not a regular file" "$carcer" check path.yaml
expect 1 "expected a readable pathogen file" "$carcer" run path.yaml -o out-fifo
[ -e out-fifo ] && fail "a refused run left its output folder"
expect 1 "/dev/zero: cannot read the scenario file: not a regular file" "$carcer" check /dev/zero
expect 1 "/dev/zero: cannot read the scenario file: not a regular file" "$carcer" run /dev/zero -o out-zero
[ -e out-zero ] && fail "a refused run left its output folder"

base=$src/scenarios/cambodia-2017.yaml
expect 1 "routing.drug_use: shares must sum to 1" "$carcer" check "$base" --set routing.drug_use.release=0.5
expect 1 "arrests.mix: shares must sum to 1" "$carcer" check "$base" --set arrests.mix.drug_use=0.3
expect 1 "initial.status: shares must sum to 1" "$carcer" check "$base" --set initial.status.pretrial=0.5
expect 1 "--set:1:18: disease.measures.masks: expected 'factor'" "$carcer" run --set disease.measures.masks.from=2021-01-01 -o out-set
[ -e out-set ] && fail "a refused run left its output folder"
expect 1 "--set:1:6: name: the value is not accepted" "$carcer" check "$base" --set "name=$(printf '%%A\377')"
expect 1 "got an alias '*a'" "$carcer" check "$base" --set 'days=*a'
expect 1 "got a document marker" "$carcer" check "$base" --set "days=$(printf '5\n---\n6')"
expect 1 "is deeper than the limit of 64" "$carcer" check "$base" --set "$(printf 'a.%.0s' $(seq 60000))b=1"

[ "$failures" -eq 0 ] || { echo "$failures failure(s)" >&2; exit 1; }
echo "all loader input checks passed"
