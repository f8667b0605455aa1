#!/usr/bin/env bash
# The report pages in a real browser (headless Chromium, Debian's
# `chromium`): the page of a run of the default scenario, of a comparison
# of the default with two reforms, and of a sensitivity analysis, checked
# by tests/browser/check_pages.py (no console error, no network request,
# every chart drawn, no horizontal scrollbar at 1,280 px, a screenshot that
# is not blank, A4 pages numbered in the PDF, headline numbers equal to
# summary.json's, no external reference, under 3 MB).
#
# 1,000 replicates: a page shows statistics over the replicates, never a
# line a replicate, so its size does not grow with them. A small scenario
# run with 2 and with 1,000 replicates must give pages within 2% of each
# other in size, and the default's page (20 replicates) stays under 3 MB,
# so the default's page of 1,000 replicates does too.
#
# Without chromium the test is skipped (exit 77, shown as skipped by
# ctest) with a message; `make test` installs it (scripts/install-deps.sh).
# Usage: cli_browser.sh CARCER SOURCE_DIR
carcer=$1
src=$2
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
    echo "SKIPPED: chromium is not installed (Debian package chromium; make test installs it)"
    exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

# the default: its 20 replicates (over the posterior) and one (the note).
# The sanitizers' build runs many times slower and is here for memory
# errors: its runs are of 2 replicates and the first 800 days.
reps=20
short=()
if ldd "$carcer" 2>/dev/null | grep -q libasan; then
    reps=2
    short=(--set days=800)
fi
"$carcer" run -o "$tmp/run" --replicates "$reps" "${short[@]}" --quiet >/dev/null ||
    fail "run of the default"
"$carcer" run -o "$tmp/one" --replicates 1 "${short[@]}" --quiet >/dev/null ||
    fail "run of one replicate"
grep -q 'One replicate' "$tmp/one/report.html" || fail "the page of one replicate has no note"
grep -q 'One replicate' "$tmp/run/report.html" && fail "the page of $reps replicates says one"
"$carcer" compare "$src/scenarios/cambodia-2017.yaml" "$src/scenarios/reform-decriminalise-2018.yaml" \
    "$src/scenarios/reform-release-10000-2020.yaml" --replicates "$((reps < 4 ? reps : 4))" \
    "${short[@]}" -o "$tmp/cmp" --quiet >/dev/null ||
    fail "compare"
grep -q 'drug use offenses are no longer prosecuted' "$tmp/cmp/report.html" ||
    fail "the comparison does not say what decriminalisation does"
grep -q 're-arrests' "$tmp/cmp/report.html" || fail "the rise of arrests is not explained"

cat >"$tmp/s.yaml" <<'YAML'
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
YAML
"$carcer" sensitivity "$tmp/s.yaml" -o "$tmp/sens" --method morris --trajectories 6 \
    --output population_end --quiet >/dev/null 2>&1 || fail "sensitivity"
"$carcer" report "$tmp/sens" >/dev/null || fail "report of the sensitivity analysis"

python3 "$src/tests/browser/check_pages.py" "$browser" "$tmp" \
    "$tmp/run/report.html=$tmp/run/summary.json" "$tmp/one/report.html=$tmp/one/summary.json" \
    "$tmp/cmp/report.html" "$tmp/sens/report.html" || failures=$((failures + 1))

# the size of a page against the number of replicates
cat >"$tmp/tiny.yaml" <<'YAML'
name: tiny
start: 2020-01-01
days: 60
seed: 5
offenses:
  other: {drug: false, violent: false, felony: false}
arrests: {per_day: 3, mix: {other: 1}}
pretrial: {duration: {dist: gamma, mean: 30, sd: 10}}
facilities:
  - {name: P1, type: prison, sex: any, capacity: 100, cells: 4, population: 120}
YAML
"$carcer" run "$tmp/tiny.yaml" --replicates 2 -o "$tmp/t2" --quiet >/dev/null || fail "tiny, 2 replicates"
"$carcer" run "$tmp/tiny.yaml" --replicates 1000 -o "$tmp/t1000" --quiet >/dev/null ||
    fail "tiny, 1000 replicates"
a=$(stat -c %s "$tmp/t2/report.html")
b=$(stat -c %s "$tmp/t1000/report.html")
d=$(stat -c %s "$tmp/run/report.html")
echo "page sizes: tiny scenario $a bytes (2 replicates), $b bytes (1,000); default $d bytes ($reps)"
[ $((b * 100)) -le $((a * 102)) ] && [ $((b * 100)) -ge $((a * 98)) ] ||
    fail "the page grows with the replicates: $a bytes for 2, $b for 1,000"
[ "$d" -lt $((3 * 1024 * 1024)) ] || fail "the default's page has $d bytes, 3 MB or more"

[ "$failures" -eq 0 ] || { echo "$failures failure(s)" >&2; exit 1; }
echo "ok"
