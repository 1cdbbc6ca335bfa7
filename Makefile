# Two commands do everything: `make run` (the app) and `make test` (the suite).
# Both set up what is missing and redo nothing that is already in place.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

# Python writes each module's compiled form the first time it is imported (even where the machine
# sets PYTHONDONTWRITEBYTECODE), beside the source in __pycache__ (ignored by git): nothing is
# compiled that is never imported, every later run reads them, and the standard library's own
# compiled files are used (a PYTHONPYCACHEPREFIX would compile those 200-odd modules again: a cold
# `pytest --collect-only` 16.7-20.6 s with one against 13.2 s without). .ci/run does the same.
export PYTHONDONTWRITEBYTECODE :=

.PHONY: run run-phone test test-all setup models lint bench clean synth samples renders clips validate pictures

run: models
	$(BIN)/streamlit run app.py

# The app for a phone on this network: https with a certificate made here, and an access key.
run-phone: models
	$(BIN)/python -m posecheck.ui.phone

# The fast tests need no pose model (tests that load one are marked slow, and conftest refuses
# them unmarked): the models are installed by `make run`, `make test-all` and .ci/run, and the
# model-building tests skip, saying so, until their npm sources are cached. The type check is
# `make lint`'s, which CI runs: with no cache, as on a fresh clone, mypy took 15-18 s of one of the
# two cores (fresh clones on 2026-12-04: 60-66 s and 85-87 s of CPU without it, 62-74 s and 95-107 s
# with it beside the tests). The two workers start at once (one process compiling the imports
# first left the other core idle: 53 s against 41-44 s), the second with the app's imports
# (tests/conftest.py). A worker that runs out of tests takes some of the other's (--dist
# worksteal: 26.1 s median against 27.4 s, three runs each).
test: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest -m "not slow" -n 2 --dist worksteal

# Everything, the real model, real browsers and the shared data included (several minutes).
test-all: models
	bash scripts/setup-system.sh --slow-tests
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/pytest

setup: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt pyproject.toml scripts/setup-system.sh scripts/install-python-deps.sh
	bash scripts/setup-system.sh
	bash scripts/install-python-deps.sh $(PYTHON) $(VENV)
	$(BIN)/python -c "import cv2" || (bash scripts/setup-system.sh --force && $(BIN)/python -c "import cv2")
	touch $(STAMP)

# Installs (or verifies, in well under a second when cached) the default models.
models: $(STAMP)
	bash scripts/setup-system.sh --models
	$(BIN)/posecheck models install full lite

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

bench: models
	$(BIN)/python -m posecheck.dev bench

# --- ground truth (optional: torch and the renderer stay out of the app's install) ---------------
SYNTH := .venv-synth

synth: $(SYNTH)/.installed

$(SYNTH)/.installed: synth/requirements-synth.txt
	test -x $(SYNTH)/bin/python || $(PYTHON) -m venv $(SYNTH)
	$(SYNTH)/bin/python -m pip install --quiet torch==2.13.0
	$(SYNTH)/bin/python -m pip install --quiet -r synth/requirements-synth.txt
	touch $@

samples: synth
	$(SYNTH)/bin/python -m synth.render --set samples --out posecheck/data/samples

renders: synth
	$(SYNTH)/bin/python -m synth.render --set train --count 360 --seed 7 --out out/synth/train
	$(SYNTH)/bin/python -m synth.render --set test --out out/synth/test
	$(SYNTH)/bin/python -m synth.render --set ci --out tests/data/renders

# The app's capture-guide and exercise pictures (small JPEGs and their captions, package data).
pictures: synth
	$(SYNTH)/bin/python -m synth.pictures --out posecheck/data/pictures

# Exercise clips with known counts and holds (the encoder runs in posecheck's venv: PyAV).
clips: synth $(STAMP)
	$(SYNTH)/bin/python -m synth.clips --out tests/data/clips

# The hard sets: turned, rolled, low and high cameras, plain walls (docs/SCREENING.md).
hard: synth
	$(SYNTH)/bin/python -m synth.render --set hard_train --out out/synth/hard_train
	$(SYNTH)/bin/python -m synth.render --set hard_test --out out/synth/hard_test

# Fits the body-turn line on hard_train, then reports what users are told on hard_test.
screening: models
	$(BIN)/python -m posecheck.dev fit-turn out/synth/hard_train --out posecheck/data/calibration.json
	$(BIN)/python -m posecheck.dev screening out/synth/hard_test --out docs/SCREENING.md

# Fits the corrections on the training bodies, then reports the error on the unseen ones.
validate: models
	$(BIN)/python -m posecheck.dev validate out/synth/test --raw --out out/validation-raw
	$(BIN)/python -m posecheck.dev calibrate out/synth/train --out posecheck/data/calibration.json
	$(BIN)/python -m posecheck.dev validate out/synth/test --out docs

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
	find posecheck tests scripts app.py -name __pycache__ -prune -exec rm -rf {} +
