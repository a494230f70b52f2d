# Every target builds .venv when it is missing, from setup.cfg pinned by constraints.txt.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: venv test lint bench demo lock clean

venv: $(STAMP)

$(STAMP): setup.cfg pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24" "setuptools>=68" wheel
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev,distributed]"
	touch $(STAMP)

test: venv
	$(BIN)/python -m pytest

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

bench: venv
	$(BIN)/python -m benchmarks

demo: venv
	$(BIN)/tamsoat demo

# Re-pin after changing dependencies in setup.cfg.
lock: venv
	$(BIN)/python -m pip freeze --exclude-editable --exclude tamsoat > constraints.txt

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build *.egg-info
