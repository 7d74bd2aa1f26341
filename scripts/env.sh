# Shared settings for the run scripts: ports, tracker database, tokens. Sourced, not executed.
export RASA_TELEMETRY_ENABLED=false
export SQLALCHEMY_SILENCE_UBER_WARNING=1
export RASA_PORT="${RASA_PORT:-5005}"
export ACTION_PORT="${ACTION_PORT:-5055}"
export HEADEASE_WEB_PORT="${HEADEASE_WEB_PORT:-8080}"
export HEADEASE_WEB_ORIGIN="${HEADEASE_WEB_ORIGIN:-http://localhost:$HEADEASE_WEB_PORT}"
export ACTION_ENDPOINT_URL="${ACTION_ENDPOINT_URL:-http://127.0.0.1:$ACTION_PORT/webhook}"
export HEADEASE_MODEL="${HEADEASE_MODEL:-$PWD/models/headease.tar.gz}"
export TRACKER_DB="${TRACKER_DB:-$PWD/var/tracker.db}"
# Per-sender rate guard in the Rasa server (channels/rate_guard.py), for a server without nginx
# in front: far above a person typing. Set HEADEASE_SENDER_RATE_PER_MIN=0 to turn it off.
export HEADEASE_SENDER_RATE_PER_MIN="${HEADEASE_SENDER_RATE_PER_MIN:-30}"
export HEADEASE_SENDER_BURST="${HEADEASE_SENDER_BURST:-10}"
# The HTTP API needs a token; one is generated on first run and kept in var/ (git-ignored).
if [ -z "${RASA_AUTH_TOKEN:-}" ]; then
  mkdir -p var
  [ -s var/api-token ] || { umask 077; head -c 24 /dev/urandom | base64 | tr -d '/+=' > var/api-token; }
  RASA_AUTH_TOKEN="$(cat var/api-token)"
fi
export RASA_AUTH_TOKEN
