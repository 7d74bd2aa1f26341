#!/usr/bin/env bash
# Run pytest; "no tests collected" (exit 5) is a failure, never a silent pass.
set -uo pipefail
export RASA_TELEMETRY_ENABLED=false  # tests load Rasa in-process too: nothing is sent out
.venv/bin/python -m pytest "$@"
rc=$?
if [ "$rc" -eq 5 ]; then
  echo "error: pytest collected no tests" >&2
  exit 1
fi
exit "$rc"
