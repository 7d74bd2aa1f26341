#!/usr/bin/env bash
# Start the action server, the Rasa server (REST + socket.io, SQLite tracker store) and the web
# widget; Ctrl-C stops all of them. With --shell, chat in the terminal instead of serving the web.
set -euo pipefail
cd "$(dirname "$0")/.."
export RASA_TELEMETRY_ENABLED=false
export PYTHONPATH="$PWD"
mkdir -p var

# shellcheck source=scripts/env.sh
source scripts/env.sh
# Channels: always-on ones plus each messaging platform whose variables are set (docs/channels.md).
.venv/bin/python scripts/make_credentials.py --out var/credentials.yml

# Refuse to start on a missing or damaged model (Rasa would serve with no model, or another one).
.venv/bin/python scripts/check_model.py "$HEADEASE_MODEL" || exit 2

pids=()
cleanup() {
  trap - INT TERM EXIT
  echo
  echo "Stopping HeadEase ..."
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup INT TERM EXIT

if [ "${1:-}" = "--shell" ]; then
  # In a session of its own: the terminal's Ctrl-C goes to the shell, which finishes the turn in
  # progress before it leaves (scripts/shell.py); cleanup stops the action server afterwards.
  setsid .venv/bin/python -m actions.server --port "$ACTION_PORT" &
else
  .venv/bin/python -m actions.server --port "$ACTION_PORT" &
fi
pids+=($!)

if [ "${1:-}" = "--shell" ]; then
  # The generated credentials (only channels whose variables are set): Rasa reads the whole file,
  # and the top-level credentials.yml's `${VAR}` references would stop it. scripts/shell.py is
  # `python -m headease_rasa shell` with Rasa's console fixed: Ctrl-C at a button question (or
  # Ctrl-D) leaves the shell cleanly instead of crashing its console and leaving the server up.
  .venv/bin/python scripts/shell.py -m "$HEADEASE_MODEL" --endpoints endpoints.yml \
    --credentials var/credentials.yml -i 127.0.0.1 -p "$RASA_PORT" --quiet
  exit 0
fi

.venv/bin/python -m headease_rasa run -m "$HEADEASE_MODEL" --enable-api --auth-token "$RASA_AUTH_TOKEN" \
  --cors "$HEADEASE_WEB_ORIGIN" --endpoints endpoints.yml --credentials var/credentials.yml \
  -i 127.0.0.1 -p "$RASA_PORT" &
pids+=($!)

RASA_URL="http://localhost:$RASA_PORT" .venv/bin/python web/serve.py &
pids+=($!)

echo "Waiting for the Rasa server to load the model ..."
for _ in $(seq 1 180); do
  if curl -fs "http://localhost:$RASA_PORT/" >/dev/null 2>&1; then break; fi
  sleep 1
done
cat <<MSG

  HeadEase is running.
    Web chat:        http://localhost:$HEADEASE_WEB_PORT/
    REST webhook:    http://localhost:$RASA_PORT/webhooks/rest/webhook
    HTTP API token:  in var/api-token (send as ?token=...)
  Press Ctrl-C to stop.

MSG
wait -n "${pids[@]}"
