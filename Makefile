# The two commands of the README: `make demo` and `make test`.
# Both create (or reuse) .venv and install the project with its pinned lower bounds.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench clean system-packages i18n

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP) system-packages
	$(BIN)/bridge --config config/demo.toml demo

# Debian packages the project needs beyond Python: chromium for the browser tests (Playwright may
# not download browsers here) and the DejaVu fonts the commitments' PDFs are set in. As root on
# Debian we install what is missing; elsewhere install them yourself
# (`apt-get install chromium fonts-dejavu-core`).
SYSTEM_PACKAGES := chromium fonts-dejavu-core
system-packages:
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  missing=$$(for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	  if [ -n "$$missing" ]; then \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing >/dev/null \
	    || (apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing >/dev/null); \
	  fi; \
	fi

# The suite runs on every core (at most 4 workers; `make test JOBS=0` runs it in one process), a test
# file per worker at a time so that module-scoped fixtures are built once. Each worker gets its
# own PostgreSQL database, <name>_gw0, ... (bridge.testing.database).
JOBS ?= $(shell n=$$(nproc 2>/dev/null || echo 2); [ $$n -gt 4 ] && n=4; echo $$n)

# pytest exits 5 when it collected no test: that is a failure here, never a pass.
# mypy reads its files and settings from [tool.mypy] in pyproject.toml; any error fails.
test: $(STAMP) system-packages
	$(BIN)/ruff check .
	$(BIN)/mypy bridge plugins
	$(BIN)/python -m pytest -p no:cacheprovider -n $(JOBS) --dist loadfile; status=$$?; \
	  if [ $$status -eq 5 ]; then echo "no tests were collected" >&2; exit 1; fi; exit $$status

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy bridge plugins

# Translators: msgids from code and templates into the .po files, then the .mo files the app
# reads (commit both). `bridge i18n check` lists what French still lacks.
i18n: $(STAMP)
	$(BIN)/bridge i18n update
	$(BIN)/bridge i18n compile

bench: $(STAMP)
	$(BIN)/python bench/sync.py

clean:
	rm -rf $(VENV) var/demo.db*
