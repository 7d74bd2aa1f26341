#!/usr/bin/env bash
# Print the path of a Python 3.10 interpreter (Rasa 3.6 supports 3.8-3.10), or explain what is missing.
set -euo pipefail
for candidate in "${HEADEASE_PYTHON:-}" /root/.pyenv/versions/3.10.13/bin/python \
                 "$(command -v python3.10 2>/dev/null || true)" "$HOME/.pyenv/versions/3.10.13/bin/python"; do
  if [ -n "$candidate" ] && [ -x "$candidate" ] && \
     "$candidate" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 10) else 1)' 2>/dev/null; then
    echo "$candidate"
    exit 0
  fi
done
echo "error: Python 3.10 not found. HeadEase needs it (Rasa 3.6 does not run on 3.11+)." >&2
echo "Install it (e.g. 'pyenv install 3.10.13' or 'apt-get install python3.10') or set HEADEASE_PYTHON." >&2
exit 1
