#!/usr/bin/env bash
# The JSON Schema of scenarios against the shipped scenarios and the bad
# corpus, with python3-jsonschema (tests/schema_json.py).
# Usage: cli_schema_json.sh CARCER SOURCE_DIR
exec python3 "$2/tests/schema_json.py" "$1" "$2"
