# Two commands on a fresh Debian 12 machine:
#
#   make run    install everything, build an SQLite database with the provinces
#               and the demo data, and serve the portal on http://127.0.0.1:8000
#   make test   install everything, lint, check, and run the whole suite on
#               SQLite and on a throwaway PostgreSQL server
#
# Both install the Debian packages the project needs (scripts/install-system-deps,
# a no-op when they are there) and the Python ones into .venv.
#
# How the suite is split (CI has 2 cores and 90 minutes): PostgreSQL, the
# production database, runs every test. SQLite, the `make run` database, runs
# every test except those marked `browser` (headless Chromium) and `services`
# (real Redis and Celery workers): those exercise HTTP and processes, not the
# database, so a second run of them would double the slowest tests and find
# nothing new. The database tests run on two processes (pytest-xdist), each with
# its own test database; the browser and services tests run on one, after them,
# because they time real processes that two test processes would starve of CPU.
# Coverage from every run is combined into one report at the end.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
INSTALLED := $(VENV)/.installed
# Errors only: this keeps the output readable, and pip still stops on any error.
PIP := $(PY) -m pip --disable-pip-version-check --no-input --quiet --quiet

# Tests run as production does, with DEBUG off (the secret only signs test
# sessions) and with eager Celery tasks unless a test starts its own workers.
TEST_VARS := DEBUG=0 SECRET_KEY=make-test-only-secret
SQLITE_ENV := env -u DATABASE_URL -u CELERY_BROKER_URL $(TEST_VARS)
POSTGRES_ENV := env -u CELERY_BROKER_URL $(TEST_VARS)
# The tests that exercise the database; the rest (browser, services) time real processes.
DATABASE_TESTS := not browser and not services
# `make test TEST_PROCESSES=0` runs them in one process.
TEST_PROCESSES ?= 2
PARALLEL := -n $(TEST_PROCESSES)
PYTEST_ARGS ?= --tb=short
RESULTS := .pytest_cache/results
# `make test` combines the runs' coverage and reports once; a run on its own reports itself.
COV_REPORT ?= term:skip-covered

.PHONY: help setup system-deps messages run serve lint check test test-sqlite test-postgres clean

help:
	@echo "make run    serve the portal with demo data on http://127.0.0.1:8000"
	@echo "make serve  run as production does: gunicorn, Redis, Celery worker and beat (PostgreSQL)"
	@echo "make test   lint, check and run the whole test suite (SQLite and PostgreSQL)"
	@echo "            parts: make lint | check | test-sqlite | test-postgres"

setup: system-deps $(INSTALLED)

system-deps:
	@scripts/install-system-deps

$(INSTALLED): pyproject.toml
	@echo "Installing Python packages into $(VENV)"
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PIP) install --upgrade pip
	@$(PIP) install --progress-bar off -e '.[data,dev]'
	@touch $@

messages: setup
	@mkdir -p locale
	@DEBUG=1 $(MANAGE) compilemessages --ignore=$(VENV) --verbosity=0

run: setup messages
	@set -a; if [ -f .env ]; then . ./.env; fi; set +a; \
	export DEBUG=$${DEBUG:-1}; \
	$(MANAGE) migrate --noinput --verbosity=0; \
	$(MANAGE) load_provinces; \
	$(MANAGE) seed_demo; \
	$(MANAGE) recompute_progress --verbosity=0; \
	echo "Serving the portal on http://127.0.0.1:8000 (Ctrl-C stops it)"; \
	exec $(MANAGE) runserver 127.0.0.1:8000

# As production runs, on this machine: PostgreSQL (DATABASE_URL in .env), gunicorn,
# Redis as cache and broker, a Celery worker and beat, each restarted by supervisord
# if it dies (deploy/supervisord.conf). A server uses deploy/systemd and deploy/nginx.
serve: setup messages
	@set -a; if [ -f .env ]; then . ./.env; fi; set +a; \
	: "$${DATABASE_URL:?make serve runs on PostgreSQL: set DATABASE_URL, SECRET_KEY and ALLOWED_HOSTS in .env}"; \
	: "$${SECRET_KEY:?make serve needs SECRET_KEY in .env}"; \
	export DEBUG=0 ROOT="$(CURDIR)" VENV="$(CURDIR)/$(VENV)" SERVE_DIR="$(CURDIR)/.serve"; \
	export REDIS_PORT=$${REDIS_PORT:-6380}; \
	export CELERY_BROKER_URL=$${CELERY_BROKER_URL:-redis://127.0.0.1:$$REDIS_PORT/0}; \
	export CACHE_URL=$${CACHE_URL:-redis://127.0.0.1:$$REDIS_PORT/1}; \
	mkdir -p "$$SERVE_DIR"; \
	$(MANAGE) migrate --noinput --verbosity=0; \
	$(MANAGE) collectstatic --noinput --verbosity=0; \
	$(MANAGE) load_provinces; \
	$(MANAGE) load_reference_data; \
	echo "Serving the portal with gunicorn on http://$${GUNICORN_BIND:-127.0.0.1:8000} (Ctrl-C stops every process)"; \
	exec $(VENV)/bin/supervisord -c deploy/supervisord.conf

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

check: setup messages
	$(SQLITE_ENV) $(MANAGE) check
	$(SQLITE_ENV) $(MANAGE) makemigrations --check --dry-run

# pytest exits 5 when it ran no test; make treats that like any failure.
test-sqlite: setup messages
	@echo "== pytest on SQLite (all but browser and services tests)"
	COVERAGE_FILE=.coverage.sqlite $(SQLITE_ENV) $(PY) -m pytest $(PYTEST_ARGS) $(PARALLEL) -m "$(DATABASE_TESTS)" \
		--cov --cov-report=$(COV_REPORT) --junitxml=$(RESULTS)/sqlite.xml

# One throwaway server for the database tests (on TEST_PROCESSES processes) and then
# the browser and services tests (on one): scripts/test-postgres-pass.
test-postgres: setup messages
	@echo "== pytest on PostgreSQL (every test: the database ones, then browser and services)"
	COVERAGE_FILE=.coverage.postgres PY=$(PY) RESULTS=$(RESULTS) TEST_PROCESSES=$(TEST_PROCESSES) \
		DATABASE_TESTS="$(DATABASE_TESTS)" COV_REPORT=$(COV_REPORT) \
		scripts/with-postgres $(POSTGRES_ENV) scripts/test-postgres-pass $(PYTEST_ARGS)

test: lint check
	@$(MAKE) --no-print-directory test-sqlite COV_REPORT=
	@$(MAKE) --no-print-directory test-postgres COV_REPORT=
	@echo "== coverage, SQLite and PostgreSQL runs combined"
	@$(PY) -m coverage combine --keep --quiet .coverage.sqlite .coverage.postgres
	@$(PY) -m coverage report
	@$(PY) scripts/test-summary $(RESULTS)/sqlite.xml $(RESULTS)/postgres.xml $(RESULTS)/postgres-processes.xml

clean:
	rm -rf $(VENV) .coverage .coverage.* htmlcov staticfiles .pytest_cache .ruff_cache .serve
