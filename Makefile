# Two commands for a fresh machine with Python 3.11: `make report` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PERIOD ?= 2017-06
PARAMS ?= params/demo.yaml

.PHONY: report figures lab test lint format synth bench clean

$(BIN)/icnreport: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

## The main job on the demo data: the committee appendix (HTML and PDF) under output/.
report: $(BIN)/icnreport
	$(BIN)/icnreport run --params $(PARAMS) --period $(PERIOD)

figures: $(BIN)/icnreport
	$(BIN)/icnreport figures --params $(PARAMS) --period $(PERIOD)

## JupyterLab on the appendix notebook, for analysts.
lab: $(BIN)/icnreport
	$(BIN)/pip install --quiet -e ".[lab]"
	$(BIN)/jupyter lab notebooks/appendix.ipynb

## Lint, then the whole test suite (what CI runs).
test: lint
	@command -v pdftotext >/dev/null || { echo "make test: the PDF checks need poppler-utils (apt-get install poppler-utils)"; exit 2; }
	$(BIN)/python -m pytest -q

lint: $(BIN)/icnreport
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests

format: $(BIN)/icnreport
	$(BIN)/ruff format src tests
	$(BIN)/ruff check --fix src tests

## Regenerate the committed synthetic demo extract.
synth: $(BIN)/icnreport
	$(BIN)/icnreport synth --out data/demo

## The benchmark (figures at 10k, 100k and 1M people, the demo run, the plain tool chain, a backfill);
## writes benchmarks/RESULTS.md. Run it on a quiet machine. BENCH_ARGS=--quick for a smoke test.
bench: $(BIN)/icnreport
	$(BIN)/python benchmarks/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
