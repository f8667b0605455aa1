#!/usr/bin/env bash
# The man page carcer(1) that the build writes (from the table of commands)
# renders with man -l without a warning from groff, has the sections of a
# man page, and names every command that `carcer help` lists.
# Usage: cli_man.sh CARCER SOURCE_DIR
set -u
carcer=$1
page=$(dirname "$carcer")/carcer.1
failures=0
n=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

[ -s "$page" ] || { echo "FAIL: $page was not built"; exit 1; }
"$carcer" help --man | cmp -s - "$page" || fail "$page is not what carcer help --man writes"
MANWIDTH=80 MAN_KEEP_FORMATTING= man --warnings -l "$page" >"$tmp/out" 2>"$tmp/err" ||
    fail "man -l exited $?"
[ ! -s "$tmp/err" ] || { fail "groff warns:"; cat "$tmp/err"; }
for section in NAME SYNOPSIS DESCRIPTION COMMANDS "EXIT STATUS" "SEE ALSO"; do
    grep -q "^$section" "$tmp/out" || fail "no $section section"
done
grep -q '^CARCER(1)' "$tmp/out" || fail "no CARCER(1) header"
# every command of `carcer help` has its subsection
for cmd in $("$carcer" help | awk '/^commands:/ {on = 1; next} on && /^  [a-z]/ {print $1}'); do
    grep -q "^   $cmd\$" "$tmp/out" || fail "no section for carcer $cmd"
    n=$((n + 1))
done
[ "${n:-0}" -ge 8 ] || fail "carcer help lists ${n:-0} commands"
# options appear as typed (hyphens, not the minus sign of an unescaped '-')
grep -q -- '--replicates K' "$tmp/out" || fail "run's --replicates K is not rendered as typed"

[ "$failures" -eq 0 ] && echo "ok" || { echo "$failures failure(s)"; exit 1; }
