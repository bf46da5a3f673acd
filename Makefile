# The two commands of the README: `make demo` and `make test`.
# Both create (or reuse) .venv and install the project with its pinned lower bounds.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/bridge --config config/demo.toml demo

# pytest exits 5 when it collected no test: that is a failure here, never a pass.
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -p no:cacheprovider; status=$$?; \
	  if [ $$status -eq 5 ]; then echo "no tests were collected" >&2; exit 1; fi; exit $$status

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: $(STAMP)
	$(BIN)/python bench/sync.py

clean:
	rm -rf $(VENV) var/demo.db*
