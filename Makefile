# Two commands do all the set-up: `make run` and `make test`. Both install into ./.venv first when needed.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False

.PHONY: install run ingest serve test test-fast eval eval-blind eval-conversations fit-ranker bench lint clean

install: $(STAMP)

# torch goes first, from the machine's local CPU wheel, so that nothing pulls a CUDA build.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check torch==2.13.0
	$(BIN)/pip install -q --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

ingest: install
	$(BIN)/htx ingest corpus

serve: install
	$(BIN)/htx serve

run: ingest serve

test: lint
	$(BIN)/python -m pytest -q

test-fast: install
	$(BIN)/python -m pytest -q -m "not slow"

eval: install
	$(BIN)/htx-eval --out eval/out

eval-blind: install
	$(BIN)/htx-eval --qa eval/blind/test.jsonl --no-external --out eval/out-blind-test

# Blind multi-turn conversations (last turns scored): follow-up and multi-document accuracy per system.
eval-conversations: install
	$(BIN)/htx-eval --qa eval/blind/conversations-test.jsonl --no-external --out eval/out-conversations-test

# Refit the answer ranker from the training and dev questions (writes assistant/answering/ranker.json).
fit-ranker: install
	$(BIN)/python -m eval.fit_ranker

bench: install
	$(BIN)/htx-bench --scales 1 10 50 --repeats 2 --cold-runs 2 --out docs

# ruff over everything, mypy over ingest/ and assistant/ (configuration in pyproject.toml).
lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy

clean:
	rm -rf .htx eval/out test-output
