# The two commands a newcomer needs: `make run` and `make test`.
# Both create .venv when it is missing; a stamp file keeps them quick afterwards.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.udbudsbot-installed

.PHONY: run test lint bench eval clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@# The CPU build of torch must come first: a bare `torch` pulls CUDA (several GB).
	$(BIN)/python -m pip install --quiet --disable-pip-version-check "torch==2.13.0"
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	@touch $(STAMP)

run: $(STAMP)
	$(BIN)/udbudsbot run

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

eval: $(STAMP)
	$(BIN)/udbudsbot eval ../shared/eval/chat.jsonl ../shared/eval/dev.jsonl

bench: $(STAMP)
	$(BIN)/python -m benchmarks.quality

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache *.egg-info
