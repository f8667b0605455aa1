#!/usr/bin/env bash
# Names from a scenario never become paths, and never break an output:
# facility and scenario names such as "../../etc/x", "/abs", quotes, commas,
# newlines, control characters and HTML stay data. Every file written by
# run, compare and report lies inside the -o folder; timeseries.csv parses
# with a constant number of columns, summary.json parses, the HTML report
# contains no markup from a name. Usage: cli_hostile_names.sh CARCER SOURCE_DIR
set -u
carcer=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

mkdir -p "$tmp/work/scen"
cat >"$tmp/work/scen/hostile.yaml" <<'EOF'
name: "../../etc/x </script><script>alert('name')</script> \"q\", /abs \u0007\u001b[31m"
start: 2017-01-01
days: 40
seed: 3
offenses:
  drug_use: {drug: true, violent: false, felony: false}
  other: {drug: false, violent: false, felony: true}
arrests: {per_day: 5, mix: {drug_use: 0.5, other: 0.5}}
facilities:
  - {name: "../../etc/x", type: police, sex: any, capacity: 50, cells: 2}
  - {name: "/abs", type: prison, sex: male, capacity: 100, cells: 3, population: 120}
  - {name: "a,b\"c\nd\t\u0001</td><script>alert(1)</script>", type: prison, sex: female, capacity: 30, cells: 1, population: 10}
  - {name: "..", type: rehab, sex: any, capacity: 30, cells: 1, population: 10}
EOF

cd "$tmp/work" || exit 1
touch "$tmp/marker"
"$carcer" check scen/hostile.yaml >/dev/null 2>"$tmp/err" || { fail "check refused the scenario"; cat "$tmp/err" >&2; }
"$carcer" run scen/hostile.yaml -o out --quiet 2>"$tmp/err" || { fail "run failed"; cat "$tmp/err" >&2; }
"$carcer" report out 2>"$tmp/err" || { fail "report failed"; cat "$tmp/err" >&2; }
"$carcer" compare scen/hostile.yaml scen/hostile.yaml -o cmp --replicates 2 --quiet \
    2>"$tmp/err" >/dev/null || { fail "compare failed"; cat "$tmp/err" >&2; }

# every file created since the marker lies inside out/ or cmp/ (or is the scenario)
while IFS= read -r f; do
    case "$f" in
    "$tmp/work/out/"* | "$tmp/work/cmp/"* | "$tmp/err") ;;
    *) fail "written outside -o: $f" ;;
    esac
done < <(find "$tmp" -newer "$tmp/marker" -type f)
[ -e /abs ] && fail "/abs exists"
[ -e "$tmp/etc" ] && fail "../../etc created"

py=$(command -v python3 || true)
if [ -n "$py" ]; then
    "$py" - "$tmp/work/out" "$tmp/work/cmp" <<'EOF' || fail "outputs are not well-formed"
import csv, json, sys, os, html.parser
out, cmp = sys.argv[1], sys.argv[2]
bad = 0
for d in (out, cmp):
    for name in os.listdir(d):
        p = os.path.join(d, name)
        if name.endswith('.csv'):
            rows = list(csv.reader(open(p, newline='', encoding='utf-8')))
            widths = {len(r) for r in rows}
            if len(widths) != 1:
                print(f"{p}: rows of {sorted(widths)} columns"); bad += 1
        elif name.endswith('.json'):
            json.load(open(p, encoding='utf-8'))
        elif name.endswith('.html'):
            text = open(p, encoding='utf-8').read()
            if "alert(1)" in text and "<script>alert(1)" in text:
                print(f"{p}: a facility name became markup"); bad += 1
            if "<script>alert('name')" in text:
                print(f"{p}: the scenario name became markup"); bad += 1
            ctl = [c for c in text if (ord(c) < 0x20 and c not in '\t\n\r') or ord(c) == 0x7F]
            if ctl:
                print(f"{p}: control characters in the page: {ctl!r}"); bad += 1
            class P(html.parser.HTMLParser):
                pass
            P().feed(text)
# the facility names come back intact in the CSV
rows = list(csv.DictReader(open(os.path.join(out, 'timeseries.csv'), newline='', encoding='utf-8')))
names = {r['facility'] for r in rows}
for want in ("../../etc/x", "/abs", "..", 'a,b"c\nd\t\x01</td><script>alert(1)</script>'):
    if want not in names:
        print(f"facility {want!r} missing from timeseries.csv: {sorted(names)}"); bad += 1
s = json.load(open(os.path.join(out, 'summary.json'), encoding='utf-8'))
if not s['scenario'].startswith("../../etc/x </script>"):
    print("scenario name not kept in summary.json:", s['scenario']); bad += 1
sys.exit(1 if bad else 0)
EOF
fi

[ "$failures" -eq 0 ] && echo "cli_hostile_names: all passed"
exit $((failures > 0))
