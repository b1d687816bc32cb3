# Two entry points for a fresh machine: `make demo` and `make test`.
.PHONY: setup demo test lint bench

setup:
	@./scripts/setup.sh

demo: setup
	.venv/bin/replaywright demo

test: setup
	.venv/bin/ruff check src tests benchmarks
	.venv/bin/mypy
	.venv/bin/python -m pytest -q

lint: setup
	.venv/bin/ruff check src tests benchmarks
	.venv/bin/mypy

bench: setup
	.venv/bin/replaywright bench apps
	.venv/bin/replaywright bench replay
	.venv/bin/replaywright bench scale
	.venv/bin/replaywright bench relocate ../shared/datasets/element-relocation
	.venv/bin/replaywright bench workers
	REPLAYWRIGHT_TEST_MANY_RUNS=30 .venv/bin/python -m pytest -q tests/runs/test_workers.py -k many_runs
