# One entry point for setting up, running and testing the bot.
# `make demo` and `make test` work on a fresh machine with Python >= 3.11.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: setup lock demo sandbox test lint typecheck bench clean

# Installs come from the lock files (exact versions, every file's hash checked), so two
# set-ups a month apart get the same packages. `make lock` refreshes both locks from
# pyproject.toml (after changing a dependency there, or to take newer releases).
UV_VERSION := 0.13.9
LOCK       := $(VENV)/bin/uv pip compile pyproject.toml --generate-hashes --universal \
              --python-version 3.11 --quiet --custom-compile-command "make lock"

$(STAMP): requirements-dev.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r requirements-dev.txt
	$(PY) -m pip install --quiet --no-deps -e .
	touch $(STAMP)

setup: $(STAMP)

lock: $(STAMP)          ## refresh requirements.txt and requirements-dev.txt from pyproject.toml
	$(PY) -m pip install --quiet uv==$(UV_VERSION)
	$(LOCK) -o requirements.txt
	$(LOCK) --extra dev -o requirements-dev.txt

demo: $(STAMP)          ## the bot on the embedded sandbox, with a terminal Slack client
	$(PY) -m bot demo

sandbox: $(STAMP)       ## only the local FluentBooking sandbox
	$(PY) -m bot sandbox

test: $(STAMP)          ## the whole test suite
	$(PY) -m pytest -q

lint: $(STAMP)
	$(PY) -m ruff check bot tests bench
	$(PY) -m ruff format --check bot tests bench

typecheck: $(STAMP)
	$(PY) -m mypy

bench: $(STAMP)
	$(PY) -m bench

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache
