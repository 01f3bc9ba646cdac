# one-shot-man developer targets. Everything installs itself into .venv on first use.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.osm-installed

.PHONY: help venv bytecode test test-short lint clean fuzz soak

help:
	@echo "make test        set up .venv and run the whole pytest suite (threshold and leak tests included)"
	@echo "make test-short  the same without the performance thresholds, leak checks and slow tests"
	@echo "make lint        ruff over the library, tests and benchmarks; mypy (strict) on the library; actionlint on the workflows"
	@echo "make fuzz        the property tests' long profile (>= 10,000 inputs a target), with a report"
	@echo "make soak        8 processes save, archive and clean sessions for a minute (SOAK_SECONDS)"
	@echo "make bench       full asv run of HEAD, results recorded, dashboard published (docs/performance.md)"
	@echo "make bench-help  every benchmark target: bench-quick, bench-smoke, history, compare, dashboard"
	@echo "make ci-help     CI and many machines: merge-results, history SHARD=K/M, results branch"

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(PY) setup.cfg pyproject.toml
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

# Bytecode is written explicitly: PYTHONDONTWRITEBYTECODE may be set on these machines, and
# start-up measurements must not pay for compiling osm on every run.
bytecode: $(STAMP)
	@$(PY) -m compileall -q one_shot_man

venv: $(STAMP) bytecode

test: $(STAMP) bytecode
	$(PY) -m pytest

test-short: $(STAMP)
	$(PY) -m pytest --short

# The property tests (tests/properties) run a short, derandomized profile inside `make test`;
# this is the long one: fresh random inputs, at least 10,000 a target, failures kept in
# .hypothesis/ so the next run tries them first. The report lists inputs and failures a target.
fuzz: $(STAMP)
	HYPOTHESIS_PROFILE=fuzz $(PY) -m pytest tests/properties -q -o timeout=7200

# The multi-process storage soak at its full length (make test runs it for a few seconds).
SOAK_SECONDS ?= 60
soak: $(STAMP)
	OSM_SOAK_SECONDS=$(SOAK_SECONDS) $(PY) -m pytest tests/storage/test_storage_soak.py -q -s -o timeout=900

# mypy (strict; config in setup.cfg [mypy]) over one_shot_man/, with its wall time: it should
# stay a few seconds (about 0.4 s from its cache, 3 s from scratch here) so nobody skips it.
lint: $(STAMP)
	$(PY) -m ruff check one_shot_man tests benchmarks tools
	$(PY) -m ruff format --check one_shot_man tests benchmarks tools
	@start=$$(date +%s%N); $(PY) -m mypy && \
		echo "mypy: $$(( ($$(date +%s%N) - start) / 1000000 )) ms"

clean:
	rm -rf $(VENV) .asv build *.egg-info .pytest_cache .ruff_cache .mypy_cache .hypothesis

# Benchmark targets (bench, bench-quick, history, compare, dashboard) live in mk/.
-include mk/*.mk
