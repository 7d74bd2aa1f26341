#!/usr/bin/env bash
# Install the Debian packages HeadEase's front ends, cluster and tests use, if missing.
set -euo pipefail
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v espeak-ng >/dev/null 2>&1 || missing+=(espeak-ng)
command -v sox >/dev/null 2>&1 || missing+=(sox)
# Voice kiosk acoustic-model adaptation (kiosk/adapt.py): sphinxtrain's bw, map_adapt, mk_s2sendump,
# sphinx_fe (sphinxbase-utils) and pocketsphinx_mdef_convert (pocketsphinx).
[ -x /usr/lib/sphinxtrain/bw ] || command -v bw >/dev/null 2>&1 || missing+=(sphinxtrain)
command -v sphinx_fe >/dev/null 2>&1 || missing+=(sphinxbase-utils)
command -v pocketsphinx_mdef_convert >/dev/null 2>&1 || missing+=(pocketsphinx)
# A second synthesiser, only for the voice benchmark's check on speech that is not espeak-ng's.
command -v flite >/dev/null 2>&1 || missing+=(flite)
command -v node >/dev/null 2>&1 || missing+=(nodejs npm)
# Scale-out services for `make run-cluster` and the PostgreSQL / cluster tests.
{ command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; } || missing+=(postgresql)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
{ command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ]; } || missing+=(nginx-light)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "Please install: ${missing[*]} (sudo apt-get install -y ${missing[*]})" >&2
  exit 1
fi
echo "Installing ${missing[*]} ..."
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
