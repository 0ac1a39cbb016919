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

.PHONY: help run test lint train validate evaluate bench migrate audit-verify purge screenshots guide clean

help:
	@echo "make run    - install what is missing, train if needed, start the chat and the staff API"
	@echo "make test   - the whole test suite (lint, types, unit, API, PostgreSQL, end to end)"
	@echo "make train  - train the Rasa model if the training data changed"
	@echo "make lint   - ruff and mypy"
	@echo "make bench  - latency of the chat and of Rasa side by side, and held-out NLU accuracy"
	@echo "make bench-load - 50 conversations at once for 60 s, through the server and straight to Rasa (2.5 min)"
	@echo "make audit-verify - check the audit hash chain in DATABASE_URL; names the first bad event"
	@echo "make purge  - remove personal data of cases whose assessment closed over RETENTION_DAYS (90) ago"
	@echo "make guide - the easy read guide (HTML, PDF, audio) in every language, in var/guide/<lang>/"
	@echo "make screenshots - PNGs of the main pages in docs/screenshots/ (real stack, Chromium, axe-core checked)"

# What the service runs on (requirements.txt) and what development and tests add (requirements-dev.txt).
$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PY312) -m venv $(VENV)
	$(PY) -m pip install -q -r requirements.txt -r requirements-dev.txt
	touch $@

$(RASA_VENV)/.installed: requirements-rasa.txt
	test -x $(RASA_VENV)/bin/python || $(PY310) -m venv $(RASA_VENV)
	$(RASA_VENV)/bin/python -m pip install -q -r requirements-rasa.txt
	touch $@

venvs: $(VENV)/.installed $(RASA_VENV)/.installed

# GOV.UK Frontend for the staff and team pages (the server serves it from node_modules under /assets) and
# axe-core for the browser tests: from the npm registry, exactly as package-lock.json says. Built files are not kept.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Debian's Chromium for the browser tests and screenshots: Playwright drives it and downloads no browser of its own.
.PHONY: chromium
chromium:
	@test -x /usr/bin/chromium || (apt-get update && apt-get install -y chromium chromium-driver)

# Text to speech for phone calls and the chat's Listen button: pyttsx3 loads espeak-ng's library (libespeak-ng1).
.PHONY: system-deps
system-deps:
	@command -v espeak-ng >/dev/null || (apt-get update && apt-get install -y espeak-ng) || \
		echo "espeak-ng is missing and could not be installed: calls will use Twilio's own voice"
	@# The guide's PDF: WeasyPrint draws with Debian's pango; its test renders pages with poppler-utils' pdftoppm.
	@(command -v pdftoppm >/dev/null && { test ! -x $(PY) || $(PY) -c "import weasyprint" 2>/dev/null; }) || \
		(apt-get update && apt-get install -y libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core poppler-utils) || \
		echo "pango or poppler-utils is missing and could not be installed: make guide cannot write the PDF"

train: venvs
	$(PY) -m tools.model

# Rasa's own checks of the domain and the NLU data; every warning fails but "not used in any story" (tools/validate.py).
validate: venvs
	$(PY) -m tools.validate

migrate: $(VENV)/.installed
	$(PY) -m alembic upgrade head

# Exits non-zero, naming the first edited, removed or reordered event, when the chain does not hold.
audit-verify: $(VENV)/.installed
	$(PY) -m tools.audit_verify

# Personal data of cases whose council's assessment closed more than RETENTION_DAYS days ago; ARGS=--dry-run to count.
purge: $(VENV)/.installed
	$(PY) -m tools.purge $(ARGS)

run: venvs system-deps node_modules/.installed
	$(PY) -m tools.run

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

test: venvs system-deps node_modules/.installed chromium lint validate
	$(PY) -m easyread.readability
	$(PY) -m pytest

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
	rm -rf models var .rasa .pytest_cache .mypy_cache .ruff_cache
