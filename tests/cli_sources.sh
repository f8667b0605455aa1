#!/usr/bin/env bash
# Every citation of the project points into docs/sources.md
# (tests/sources_check.py). Usage: cli_sources.sh CARCER SOURCE_DIR
exec python3 "$2/tests/sources_check.py" "$2"
