# The few commands people run. `make run` and `make test` work on a fresh machine with Python 3.11.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: venv run serve demo worker beat test test-postgres lint format messages bench bench-ingest bench-coverage bench-employers bench-pages

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

venv: $(VENV)/.installed

run: venv demo serve

demo: venv
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo

serve: venv
	$(PY) manage.py runserver $(HOST):$(PORT)

worker: venv
	$(VENV)/bin/celery -A bpjs_outreach worker --loglevel=info

beat: venv
	$(VENV)/bin/celery -A bpjs_outreach beat --loglevel=info

# Parallel on every core (pytest-xdist); PYTEST_ARGS="-n 0" runs it in one process.
test: venv
	$(PY) -m pytest -q -n auto $(PYTEST_ARGS)

# The same suite against the local PostgreSQL and Redis (as CI runs it).
test-postgres: venv
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/bpjs_outreach} \
	REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/0} \
	$(PY) -m pytest -q -n auto -m "not real_worker" $(PYTEST_ARGS)
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/bpjs_outreach} \
	REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/0} \
	$(PY) -m pytest -q -m real_worker $(PYTEST_ARGS)

lint: venv
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/lint-imports

format: venv
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

# Needs gettext's msgfmt; the compiled .mo files are committed so a fresh machine needs nothing.
messages: venv
	$(PY) manage.py makemessages -l id -l en --ignore=.venv --ignore=staticfiles
	$(PY) manage.py compilemessages --ignore=.venv

bench: bench-ingest bench-coverage bench-employers bench-pages

# Coverage engine at national scale on its own PostgreSQL database (created if missing).
BENCH_COVERAGE_DB ?= bpjs_coverage_bench
BENCH_COVERAGE_COUNT ?= 10000000
bench-coverage: venv
	createdb -h 127.0.0.1 -U postgres $(BENCH_COVERAGE_DB) 2>/dev/null || true
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/$(BENCH_COVERAGE_DB) $(PY) manage.py migrate --noinput -v0
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/$(BENCH_COVERAGE_DB) $(PY) manage.py bench_coverage --count $(BENCH_COVERAGE_COUNT)

# Worker-list ingestion end to end on PostgreSQL + Redis (real HTTP server and Celery worker on
# BENCH_PORT); appends the results to docs/BENCHMARKS.md.
bench-ingest: venv
	createdb -h 127.0.0.1 -U postgres bpjs_outreach 2>/dev/null || true
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/bpjs_outreach} \
	REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/0} \
	$(PY) manage.py migrate --noinput && \
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/bpjs_outreach} \
	REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/0} \
	$(PY) manage.py bench_ingest --rows $${BENCH_ROWS:-100000 1000000} --port $${BENCH_PORT:-8101}

# Employer list page at 100,000 synthetic employers (PostgreSQL; rolled back afterwards).
bench-employers: venv
	createdb -h 127.0.0.1 -U postgres bpjs_outreach 2>/dev/null || true
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/bpjs_outreach} $(PY) manage.py migrate --noinput -v0
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/bpjs_outreach} \
	$(PY) manage.py bench_employer_pages

# Pages and API lists at production shape (10M participants from bench-coverage, 5M leads,
# 1,000 partner lists, 100,000 employers; generated set-based when missing) through gunicorn on
# BENCH_PAGES_PORT (8140-8149), concurrency 1 and 4; appends p50/p95 and the SQL floor.
BENCH_PAGES_PORT ?= 8140
bench-pages: venv
	createdb -h 127.0.0.1 -U postgres $(BENCH_COVERAGE_DB) 2>/dev/null || true
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/$(BENCH_COVERAGE_DB) $(PY) manage.py migrate --noinput -v0
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/$(BENCH_COVERAGE_DB) $(PY) manage.py bench_pages --port $(BENCH_PAGES_PORT)
