# The two commands a newcomer needs: `make run` and `make test`. Both create .venv themselves.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8081
export ACCORD_DATABASE_URL ?= sqlite:///./var/accord.db

.PHONY: run test lint format migrate clean browser

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.server-installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[server]'
	touch $@

$(VENV)/.dev-installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.server-installed

run: $(VENV)/.server-installed
	mkdir -p var
	$(BIN)/accord migrate
	$(BIN)/accord serve --host $(HOST) --port $(PORT)

migrate: $(VENV)/.server-installed
	mkdir -p var
	$(BIN)/accord migrate

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy client registry contracts
	$(BIN)/lint-imports --no-cache
	$(BIN)/hadolint Dockerfile

format: $(VENV)/.dev-installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Debian's Chromium for the UI's end-to-end tests: Playwright drives it and never downloads a browser.
browser:
	@test -x /usr/bin/chromium || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

# Buf's CLI (npm package @bufbuild/buf, pinned in package-lock.json): the Protobuf tests' second opinion.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# One worker per core, each test file on one worker (its module fixtures are set up once).
test: lint browser node_modules/.installed
	$(BIN)/python -m pytest -n auto --dist loadfile $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache .hypothesis node_modules
