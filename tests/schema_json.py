#!/usr/bin/env python3
"""The JSON Schema of `carcer schema --json` (draft 2020-12), checked with
python3-jsonschema: it is a valid schema; every shipped scenario, the
default resolved by `carcer check --verbose` (every key spelled out) and the
template of `carcer scenarios new` are valid against it; each type error of
the bad corpus (tests/bad/) is refused at its key path.

Usage: schema_json.py CARCER SOURCE_DIR
"""
import glob
import json
import os
import subprocess
import sys

import jsonschema
import yaml


class TextDates(yaml.SafeLoader):
    """YAML as the loader and editors' YAML servers read it: an unquoted
    date stays the text it is (PyYAML would make it a datetime.date)."""


TextDates.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

# bad file -> the key path at which the schema must refuse it
TYPE_ERRORS = {
    "wrong_type_mapping_for_number": ["people", "female"],
    "wrong_type_string_for_int": ["days"],
    "bad_enum_facility_type": ["facilities", 0, "type"],
    "bad_date": ["start"],
    "unknown_top_key": [],
    "unknown_nested_key": ["people"],
    "negative_capacity": ["facilities", 0, "capacity"],
    "probability_out_of_range": ["people", "female"],
    "days_too_large": ["days"],
    "top_level_not_mapping": [],
    "bad_distribution_name": ["rehab", "duration", "dist"],
    "missing_required_keys": [],
    "prior_unknown_name": ["pretrial", "bail"],
    "zero_cells": ["facilities", 0, "cells"],
}

failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL:", msg, file=sys.stderr)


def run(*args):
    return subprocess.run([carcer, *args], capture_output=True, text=True, check=True).stdout


carcer, src = sys.argv[1], sys.argv[2]
schema = json.loads(run("schema", "--json"))
jsonschema.Draft202012Validator.check_schema(schema)
validator = jsonschema.Draft202012Validator(
    schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
)
if schema.get("$schema") != "https://json-schema.org/draft/2020-12/schema":
    fail("the schema does not declare draft 2020-12")


def errors_of(text):
    return list(validator.iter_errors(yaml.load(text, Loader=TextDates)))


good = {}
for path in sorted(glob.glob(os.path.join(src, "scenarios", "*.yaml"))):
    good[os.path.basename(path)] = open(path, encoding="utf-8").read()
good["the default, resolved"] = run("check", "--verbose", os.path.join(src, "scenarios", "cambodia-2017.yaml"))
try:
    good["carcer scenarios new Kenya"] = run("scenarios", "new", "Kenya")
except subprocess.CalledProcessError as e:
    fail("carcer scenarios new Kenya: exit %d" % e.returncode)
for name, text in good.items():
    for e in errors_of(text):
        fail("%s: %s at %s" % (name, e.message[:200], list(e.absolute_path)))

for name, want in TYPE_ERRORS.items():
    text = open(os.path.join(src, "tests", "bad", name + ".yaml"), encoding="utf-8").read()
    errs = errors_of(text)
    if not errs:
        fail("%s: accepted by the schema" % name)
        continue
    paths = [list(e.absolute_path) for e in errs]
    if want not in paths:
        fail("%s: refused at %s, expected %s" % (name, paths, want))

print("ok" if not failures else "%d failure(s)" % len(failures))
sys.exit(1 if failures else 0)
