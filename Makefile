# HeadEase — run `make help` for the list of commands.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV        := .venv
PY          := $(VENV)/bin/python
RASA        := RASA_TELEMETRY_ENABLED=false $(VENV)/bin/rasa
SPACY_MODEL := build/spacy_en_headease
export RASA_TELEMETRY_ENABLED := false
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export PYTHONPATH := $(CURDIR)

.PHONY: help run run-cluster shell train model telemetry-off validate test test-fast test-cluster eval-nlu eval-conversations system-deps web clean purge kiosk kiosk-model bench-voice bench bench-quick

help: ## show this help
	@echo "HeadEase — the two commands:"
	@echo "  make run    set up everything on first use, then start the bot + web widget"
	@echo "  make test   everything CI runs (validation, unit, dialogue, end-to-end tests)"
	@echo
	@grep -hE '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  make %-13s %s\n", $$1, $$2}'

$(VENV)/.installed: requirements.txt constraints.txt scripts/find_python.sh
	@PYBIN=$$(scripts/find_python.sh) && echo "Using $$PYBIN" && \
	  { [ -x $(PY) ] || $$PYBIN -m venv $(VENV); }
	$(PY) -m pip install --quiet --upgrade "pip<25"
	$(PY) -m pip install --quiet -r requirements.txt -c constraints.txt
	@touch $@

$(SPACY_MODEL)/.built: $(VENV)/.installed data/kb/lexicon.yml $(shell find headease_nlu -name '*.py' 2>/dev/null)
	$(PY) -m headease_nlu.build_spacy_model --out $(SPACY_MODEL)
	@touch $@

# Rasa keeps a per-user setting in ~/.config/rasa/global.yml and writes `enabled: true` there on
# first use; RASA_TELEMETRY_ENABLED=false (exported above) keeps telemetry off, and this stores it
# as off too (`rasa telemetry disable`), for the venv's user and for anyone running Rasa by hand.
RASA_USER_CONFIG := $(HOME)/.config/rasa/global.yml
telemetry-off: $(VENV)/.installed
	@grep -qsE '^[[:space:]]*enabled:[[:space:]]*false' "$(RASA_USER_CONFIG)" || { $(RASA) telemetry disable >/dev/null && echo "Rasa telemetry stored as off ($(RASA_USER_CONFIG))"; }

model: $(VENV)/.installed $(SPACY_MODEL)/.built telemetry-off ## (internal) train if config, domain, data or NLU code changed
	@mkdir -p models
	@$(PY) scripts/train_if_stale.py

system-deps: ## install the Debian packages the tests, front ends and cluster use (chromium, espeak-ng, postgresql, redis, nginx)
	@scripts/system_deps.sh

web: ## install and build the web widget's npm assets
	@cd web && { [ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error; } && npm run --silent build

train: model ## train the model if config, domain or data changed (content hash)

validate: $(VENV)/.installed telemetry-off ## check training data and domain for conflicts
	$(RASA) data validate --max-history 5

run: model web ## start action server, Rasa server (REST + socket.io, SQLite tracker) and the web widget
	@scripts/run.sh

run-cluster: system-deps model web ## 2 Rasa servers behind nginx + PostgreSQL + Redis lock store + action server (loopback)
	@source scripts/env.sh && $(PY) -m cluster.run_cluster

shell: model ## chat with the bot in the terminal
	@scripts/run.sh --shell

FAST_TIER = not e2e and not services and not model

test-fast: $(VENV)/.installed $(SPACY_MODEL)/.built ## the fast tier: no server, database, browser or trained model (< 2 min)
	@scripts/pytest.sh tests -m "$(FAST_TIER)"

test: system-deps model web ## everything CI runs (the fast tier first, then servers, services, model); non-zero on any failure
	$(MAKE) --no-print-directory validate
	@scripts/pytest.sh tests -m "$(FAST_TIER)"
	@scripts/pytest.sh tests -m "not ($(FAST_TIER))"

test-cluster: system-deps model ## only the cluster load test (also part of `make test`) -> reports/cluster.json
	@scripts/pytest.sh tests/cluster

eval-nlu: model ## evaluate NLU on the held-out set + 5-fold cross-validation (reports/nlu)
	$(PY) -m headease_nlu.eval_nlu

eval-conversations: model ## hold the blind consultations over REST (tests/conversations) -> reports/conversations.{json,md}; ARGS=--half sealed
	$(PY) scripts/eval_conversations.py $(ARGS)

bench: model ## benchmark HeadEase against a stock `rasa init` bot -> reports/bench.*; ARGS=--quick for a short run
	$(PY) -m bench.run $(ARGS)

bench-quick: model ## short benchmark: reduced counts, reuses the trained models
	$(PY) -m bench.run --quick

purge: $(VENV)/.installed ## delete conversations older than HEADEASE_RETENTION_DAYS (default 30); ENDPOINTS=endpoints.cluster.yml for PostgreSQL
	$(PY) scripts/purge.py $(if $(ENDPOINTS),--endpoints $(ENDPOINTS))

kiosk: model kiosk-model ## offline voice kiosk (needs `make run` in another terminal; mic via PortAudio)
	$(PY) -m kiosk $(KIOSK_ARGS)

kiosk-model: $(VENV)/.installed system-deps ## kiosk language models + acoustic model adapted with sphinxtrain (cached by content hash, ~1-2 min)
	$(PY) -m kiosk.adapt

bench-voice: model kiosk-model ## voice word error rate + latency -> reports/voice_bench.json
	$(PY) bench/voice_bench.py

clean: ## remove generated files (venv, models, builds, reports, local databases)
	rm -rf $(VENV) models build reports var web/node_modules web/dist
