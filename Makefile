# The two commands: `make run` and `make test`. Everything else is a step they use.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
PYTHON ?= python3
export TIMELINE_DATABASE_URL ?= sqlite+aiosqlite:///./timeline.db
PYTEST_ARGS ?=
# Coverage of timeline/ (lines and branches) by the in-process tests; servers the robustness tests
# start are not measured. The SQLite run starts the data afresh and the PostgreSQL run adds to it,
# so its report is the total of both. The data lives in the git-ignored .cache/.
COVERAGE_ARGS ?= --cov=timeline --cov-branch --cov-report=term:skip-covered
export COVERAGE_FILE ?= .cache/coverage/data

.PHONY: install install-timelinejs run test test-sqlite test-postgres lint bench clean

$(VENV)/.installed: pyproject.toml clients/pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]' -e ./clients
	touch $@

install: $(VENV)/.installed

## Migrate a SQLite database, load the demo data set and serve on http://127.0.0.1:8000
run: install
	$(VENV)/bin/timeline db upgrade
	$(VENV)/bin/timeline seed ahc-cybercrime
	$(VENV)/bin/timeline serve --host 127.0.0.1 --port 8000

## Lint, type-check, then the whole suite on SQLite and (when configured) on PostgreSQL
test: install install-timelinejs lint test-sqlite test-postgres

lint: install
	$(VENV)/bin/ruff check timeline tests clients migrations bench
	$(VENV)/bin/mypy

test-sqlite: install
	@mkdir -p $(dir $(COVERAGE_FILE))
	env -u TIMELINE_TEST_DATABASE_URL -u TIMELINE_REQUIRE_POSTGRES \
		$(PY) -m pytest $(COVERAGE_ARGS) $(PYTEST_ARGS)

# pytest exits 5 when it ran no test; make treats any non-zero exit as failure. Coverage only
# reports: pytest's exit code is the recipe's.
test-postgres: install
	@if [ -n "$$TIMELINE_TEST_DATABASE_URL" ]; then \
		echo "== PostgreSQL run: $$TIMELINE_TEST_DATABASE_URL (coverage adds to the SQLite run's)"; \
		mkdir -p $(dir $(COVERAGE_FILE)); \
		$(PY) -m pytest $(COVERAGE_ARGS) --cov-append $(PYTEST_ARGS); \
	elif [ -n "$$TIMELINE_REQUIRE_POSTGRES" ]; then \
		echo "TIMELINE_REQUIRE_POSTGRES is set but TIMELINE_TEST_DATABASE_URL is not: the PostgreSQL run would be skipped" >&2; \
		exit 1; \
	else \
		echo "== PostgreSQL run skipped (set TIMELINE_TEST_DATABASE_URL to run it)"; \
	fi

# Knight Lab TimelineJS from npm, for the test that loads our timelinejs.json in Chromium
# (skipped when it is missing; a failed download does not stop the rest of the suite).
TIMELINEJS_VERSION := 3.9.11
install-timelinejs:
	@test -f .cache/timelinejs/node_modules/@knight-lab/timelinejs/dist/js/timeline.js || \
		npm install --silent --no-audit --no-fund --ignore-scripts --prefix .cache/timelinejs \
			@knight-lab/timelinejs@$(TIMELINEJS_VERSION) || \
		echo "TimelineJS could not be installed: its browser test will be skipped" >&2

bench: install
	command -v wrk >/dev/null || apt-get install -y wrk
	$(PY) -m bench

clean:
	rm -rf $(VENV) timeline.db timeline.db-wal timeline.db-shm .pytest_cache .mypy_cache .ruff_cache \
		.cache/coverage
