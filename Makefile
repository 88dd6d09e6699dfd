# Front door of the project. `make run` starts everything, `make test` runs the whole suite.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
RASA := $(VENV)/bin/rasa
MODEL := models/jobcenter.tar.gz
AXE := tests/browser/node_modules/axe-core/axe.min.js
TRAINING_INPUT := config.yml domain.yml $(shell find data bot/safety/data -name '*.yml' 2>/dev/null)
export PYTHONPATH := $(CURDIR)
# Rasa / TensorFlow: quiet logs, no telemetry, deterministic CPU use.
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export PYTHONWARNINGS := ignore::DeprecationWarning,ignore::PendingDeprecationWarning

.PHONY: setup lint run train validate content-check unit test test-safety test-stories test-nlu test-integration conversations test-conversations soak models bench bench-voice eval eval-accept load-model rollback-model clean

setup: $(VENV)/.installed

# Browser test tools from the npm registry (axe-core for tests/integration/axe.py), pinned by
# tests/browser/package-lock.json; `npm ci` installs exactly the locked versions into tests/browser/node_modules.
# Only the browser tests need them: `make run` works without npm.
$(AXE): tests/browser/package.json tests/browser/package-lock.json
	@command -v npm >/dev/null || { echo "npm fehlt (Debian: apt-get install nodejs npm)"; exit 1; }
	@npm ci --prefix tests/browser --no-audit --no-fund --loglevel=error >/dev/null
	@touch $@

# pip's notices about index locations of this machine's configuration that hold no such package are noise
PIP_QUIET = 2>&1 | { grep -v "is ignored: it is neither a file nor a directory" || true; }; test $${PIPESTATUS[0]} -eq 0

$(VENV)/.installed: requirements.txt requirements-nodeps.txt constraints.txt
	@test -x $(PY) || $$(bin/find-python) -m venv $(VENV)
	@echo "== Abhängigkeiten werden installiert (einmalig, einige Minuten) …"
	@$(PY) -m pip install --quiet --upgrade "pip<25" wheel $(PIP_QUIET)
	@$(PY) -m pip install --quiet -r requirements.txt -c constraints.txt $(PIP_QUIET)
	@$(PY) -m pip install --quiet --no-deps -r requirements-nodeps.txt $(PIP_QUIET)
	@touch $@

run: setup $(MODEL)
	$(PY) -m bot.runtime.run

train: setup $(MODEL)

$(MODEL): $(TRAINING_INPUT)
	@echo "== Modell wird trainiert (etwa zwei Minuten) …"
	@$(PY) -m bot.runtime.rasa_cli train --quiet --fixed-model-name jobcenter --out models --num-threads 2 2>&1 \
		| tr '\r' '\n' | { grep -v -E 'it/s|s/it|^\s*$$' || true; }; test $${PIPESTATUS[0]} -eq 0
	@touch $@

lint: setup
	$(PY) -m ruff check bot actions voice tests bench
	$(VENV)/bin/lint-imports --no-cache
	$(VENV)/bin/mypy

content-check: setup
	$(PY) -m bot.editor.content_check

validate: setup content-check
	$(PY) -m bot.editor.checks
	$(RASA) data validate --fail-on-warnings

unit: setup
	$(PY) -m pytest -q tests/unit

test-stories: setup $(MODEL)
	$(RASA) test core --e2e --model $(MODEL) --stories tests/stories --out results/stories --fail-on-prediction-errors

test-nlu: setup $(MODEL)
	$(PY) -m tests.nlu_cv --nlu data/nlu/de --config config.yml --cross-validation --folds 5 --out results/nlu 2>&1 \
		| tr '\r' '\n' | grep -v 'it/s' ; test $${PIPESTATUS[0]} -eq 0
	$(PY) -m tests.nlu_gate results/nlu/intent_report.json --min-macro-f1 0.93
	$(PY) -m bot.editor.report --results results/nlu
	$(PY) -m bot.editor.languages_report --model $(MODEL) --min-accuracy 0.90

test-integration: setup $(AXE) $(MODEL)
	$(PY) -m pytest -q tests/integration

# Conversation corpus (tests/conversations/): pass rate per capability of whole conversations against the
# real assistant (a measurement; `test-conversations` below is its gate in `make test`);
# CONVERSATIONS_ARGS e.g. --capability appointments --gate 0.95
conversations: setup $(MODEL)
	$(PY) -m tests.conversations.run --json results/conversations.json $(CONVERSATIONS_ARGS)

# The corpus as a regression gate in `make test`: the share of whole conversations that pass may not fall
# below CONVERSATION_GATE, issue 18's target (see tests/conversations/README.md).
CONVERSATION_GATE ?= 0.95
test-conversations: setup $(MODEL)
	$(PY) -m tests.conversations.run --json results/conversations.json --failures 10 --gate $(CONVERSATION_GATE)

# Safety check (bot/safety/) through the trained model: crisis recall 100 % and threat false positives
# <= 1 % on the development set; the independent held-out set must keep crisis recall >= 0.9.
test-safety: setup $(MODEL)
	$(PY) -m bot.safety.evaluate tests/safety/messages.yml --model $(MODEL) --gate
	$(PY) -m bot.safety.evaluate tests/safety/heldout.yml --model $(MODEL) --gate --min-crisis-recall 0.9 --quiet

test: content-check lint unit validate train test-safety test-stories test-conversations test-integration test-nlu

# Editors: cross-validation report against the accepted baseline (docs/nlu_baseline.json); see docs/redaktion.md
eval: setup $(MODEL)
	$(PY) -m tests.nlu_cv --nlu data/nlu/de --config config.yml --cross-validation --folds 5 --out results/nlu 2>&1 \
		| tr '\r' '\n' | grep -v 'it/s' ; test $${PIPESTATUS[0]} -eq 0
	$(PY) -m bot.editor.report --results results/nlu
	$(PY) -m bot.editor.languages_report --model $(MODEL)

eval-accept: setup $(MODEL)
	$(PY) -m bot.editor.report --results results/nlu --accept
	$(PY) -m bot.editor.languages_report --model $(MODEL) --accept

load-model: setup $(MODEL)
	$(PY) -m bot.editor.models load

rollback-model: setup
	$(PY) -m bot.editor.models rollback

models: setup
	$(PY) -m voice.fetch_models

bench: setup $(MODEL)
	$(PY) -m bench.chat $(BENCH_ARGS)

bench-voice: setup $(MODEL)
	$(PY) -m bench.voice $(BENCH_ARGS)

soak: setup $(MODEL)
	$(PY) -m bench.soak $(SOAK_ARGS)

clean:
	rm -rf models results var/redis
