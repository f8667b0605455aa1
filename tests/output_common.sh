# Shared by cli_output.sh and faults_output.sh: a temporary folder, fail(),
# and a small scenario ($tmp/small.yaml: 60 days, about 2,000 people).
set -u
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

cat >"$tmp/small.yaml" <<'YAML'
name: small
start: 2017-01-01
days: 60
seed: 7
offenses:
  drug_use: {drug: true, violent: false, felony: false}
  other: {drug: false, violent: false, felony: true}
people: {female: 0.1, poor: 0.8, risk: 0.05, with_child: 0.05, age: {dist: lognormal, median: 30, p90: 48}}
arrests: {per_day: 20, mix: {drug_use: 0.5, other: 0.5}, rearrest: {per_year: 0.3, halving_years: 2}}
routing: {default: {release: 0.05, rehab: 0.0, prosecute: 0.95}, drug_use: {release: 0.15, rehab: 0.55, prosecute: 0.30}, bribe: {default: 0, drug_use: 0.2}}
police: {days: {default: {dist: fixed, value: 2}}}
pretrial: {bail: 0, duration: {default: {dist: lognormal, median: 150, p90: 330}}, legal_limit_days: {misdemeanour: 180, felony: 540}, enforce_legal_limit: false}
trial: {conviction: 0.9, sentence: {default: {dist: uniform, min: 6, max: 12, unit: months}}, appeal: 0.5, appeal_duration: {default: {dist: gamma, mean: 240, sd: 120}}}
rehab: {duration: {dist: fixed, value: 180}, excess_deaths_per_1000_per_year: 5}
initial: {status: {pretrial: 0.34, appeal: 0.37, sentenced: 0.29}, offense: {drug_use: 0.4, other: 0.6}}
facilities:
  - {name: Police, type: police, sex: any, capacity: 100, cells: 10, population: 0}
  - {name: Men, type: prison, sex: male, capacity: 1000, cells: 20, population: 1500}
  - {name: Women, type: prison, sex: female, capacity: 200, cells: 5, population: 150, children: true}
  - {name: Rehab, type: rehab, sex: any, capacity: 300, cells: 5, population: 200}
YAML

# same_folder A B: the two folders hold the same files with the same bytes
same_folder() { diff -r "$1" "$2" >/dev/null 2>&1; }

# no_staging DIR: nothing of carcer's is left beside the output folder DIR
no_staging() {
    local parent base
    parent=$(dirname "$1")
    base=$(basename "$1")
    [ -z "$(ls -A "$parent" | grep -F ".$base.carcer-")" ]
}
