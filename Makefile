# The two commands a newcomer needs are `make run` and `make test`; everything else is here for developers.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PY312 := $(shell scripts/find-python 3.12)
PY310 := $(shell scripts/find-python 3.10)
VENV := .venv
RASA_VENV := .venv-rasa
PY := $(VENV)/bin/python
export RASA_TELEMETRY_ENABLED := false
export PIP_DISABLE_PIP_VERSION_CHECK := 1
# pip shows what it fetches and installs; its progress bar is drawn only on a terminal, so CI logs get the lines.
PIP_INSTALL := -m pip install --progress-bar on

# `make run` and `make test` number their steps ("[2/6] Installing Rasa 3.6..., done in 94 s"): a step's number is its
# place in those two targets, STEPS (inherited by what they depend on) how many they have. Other targets show no number.
# A step already done (its stamp file is newer than its inputs) is skipped, so a later run starts further on.
STEP := @scripts/step
run: STEPS := 6
test: STEPS := 10
# Training is step 5 of `make run` and step 8 of `make test` (so pytest never trains silently).
run: TRAIN_STEP := 5
test: TRAIN_STEP := 8

.PHONY: help run test lint train validate evaluate bench migrate audit-verify purge screenshots guide clean

help:
	@echo "make run    - install what is missing, train if needed, start the chat and the staff API"
	@echo "make test   - the whole test suite (lint, types, unit, API, PostgreSQL, end to end)"
	@echo "make train  - train the Rasa model if the training data changed"
	@echo "make lint   - ruff, mypy and the import layers (lint-imports)"
	@echo "make bench  - latency of the chat and of Rasa side by side, and held-out NLU accuracy"
	@echo "make bench-load - 50 conversations at once for 60 s, through the server and straight to Rasa (2.5 min)"
	@echo "make audit-verify - check the audit hash chain in DATABASE_URL; names the first bad event"
	@echo "make purge  - remove personal data of cases whose assessment closed over RETENTION_DAYS (90) ago"
	@echo "make guide - the easy read guide (HTML, PDF, audio) in every language, in var/guide/<lang>/"
	@echo "make screenshots - PNGs of the main pages in docs/screenshots/ (real stack, Chromium, axe-core checked)"

# What the service runs on (requirements.txt) and what development and tests add (requirements-dev.txt).
$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(STEP) 1 "$(STEPS)" "Installing the Python 3.12 environment (the server, tools and tests)" \
		'test -x $(PY) || $(PY312) -m venv $(VENV); $(PY) $(PIP_INSTALL) -r requirements.txt -r requirements-dev.txt'
	@touch $@

$(RASA_VENV)/.installed: requirements-rasa.txt
	$(STEP) 2 "$(STEPS)" "Installing Rasa 3.6 (Python 3.10, about 2.7 GB)" \
		'test -x $(RASA_VENV)/bin/python || $(PY310) -m venv $(RASA_VENV); \
		$(RASA_VENV)/bin/python $(PIP_INSTALL) -r requirements-rasa.txt'
	@touch $@

venvs: $(VENV)/.installed $(RASA_VENV)/.installed

# GOV.UK Frontend for the staff and team pages (the server serves it from node_modules under /assets) and
# axe-core for the browser tests: from the npm registry, exactly as package-lock.json says. Built files are not kept.
node_modules/.installed: package.json package-lock.json
	$(STEP) 4 "$(STEPS)" "Installing npm packages (GOV.UK Frontend, axe-core)" \
		'npm ci --no-audit --no-fund --loglevel=error'
	@touch $@

# Debian's Chromium for the browser tests and screenshots: Playwright drives it and downloads no browser of its own.
.PHONY: chromium
chromium:
	$(STEP) 5 "$(STEPS)" "Checking Chromium for the browser tests (apt-get when it is missing)" \
		'test -x /usr/bin/chromium || (apt-get update && apt-get install -y chromium chromium-driver)'

# Text to speech for phone calls and the chat's Listen button: pyttsx3 loads espeak-ng's library (libespeak-ng1).
# The guide's PDF: WeasyPrint draws with Debian's pango; its test renders pages with poppler-utils' pdftoppm.
.PHONY: system-deps
system-deps:
	$(STEP) 3 "$(STEPS)" "Checking system packages (espeak-ng, pango, poppler-utils; apt-get when missing)" \
		'{ command -v espeak-ng >/dev/null || (apt-get update && apt-get install -y espeak-ng) || \
		echo "espeak-ng is missing and could not be installed: calls will use Twilio text to speech"; } && \
		{ (command -v pdftoppm >/dev/null && { test ! -x $(PY) || $(PY) -c "import weasyprint" 2>/dev/null; }) || \
		(apt-get update && apt-get install -y libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core poppler-utils) || \
		echo "pango or poppler-utils is missing and could not be installed: make guide cannot write the PDF"; }'

train: venvs
	$(STEP) "$(TRAIN_STEP)" "$(STEPS)" "Training the Rasa model if the training data changed" '$(PY) -m tools.model'

# Rasa's own checks of the domain and the NLU data; every warning fails but "not used in any story" (tools/validate.py).
validate: venvs
	$(STEP) 7 "$(STEPS)" "Validating the Rasa domain and NLU data" '$(PY) -m tools.validate'

migrate: $(VENV)/.installed
	$(PY) -m alembic upgrade head

# Exits non-zero, naming the first edited, removed or reordered event, when the chain does not hold.
audit-verify: $(VENV)/.installed
	$(PY) -m tools.audit_verify

# Personal data of cases whose council's assessment closed more than RETENTION_DAYS days ago; ARGS=--dry-run to count.
purge: $(VENV)/.installed
	$(PY) -m tools.purge $(ARGS)

run: venvs system-deps node_modules/.installed train
	$(STEP) --exec 6 "$(STEPS)" "Starting Rasa and the server" '$(PY) -m tools.run'

lint: $(VENV)/.installed
	$(STEP) 6 "$(STEPS)" "Lint: ruff, mypy and the import layers (import-linter)" \
		'$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check . && $(VENV)/bin/mypy && $(VENV)/bin/lint-imports'

test: venvs system-deps node_modules/.installed chromium lint validate train
	$(STEP) 9 "$(STEPS)" "Easy read checks of every message" '$(PY) -m easyread.readability'
	$(STEP) 10 "$(STEPS)" "Running pytest (unit, API, PostgreSQL, end to end, browser)" '$(PY) -m pytest'

evaluate: venvs
	$(PY) -m tools.evaluate

bench: venvs system-deps
	$(PY) -m tools.bench

# Loopback only, stops by itself; BENCH_CONVERSATIONS, BENCH_SECONDS, BENCH_THINK_SECONDS change its size.
.PHONY: bench-load
bench-load: venvs
	$(PY) -m tools.bench_load

# The easy read guide to case tracking for every language: var/guide/<lang>/guide.html, guide.pdf, audio/*.wav,
# and review.txt listing content a qualified translator has not yet checked.
guide: venvs system-deps
	$(PY) -m tools.guide

# Photographs the chat, council staff's and the team's pages on a throwaway database (the README shows them).
screenshots: venvs node_modules/.installed chromium
	$(PY) -m tools.screenshots

clean:
	rm -rf models var .rasa .pytest_cache .mypy_cache .ruff_cache .grimp_cache .import_linter_cache
