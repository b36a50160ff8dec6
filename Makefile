# The portal's commands. `make run` and `make test` are all a new user needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
APPS := core accounts reviews regions coordination funding projects portfolio tooling minusma_sr
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run serve test lint format migrate messages clean help backup restore screenshots

help:
	@echo "make run    - install, migrate, load demo data and serve on http://$(HOST):$(PORT) (development)"
	@echo "make test   - install test dependencies and run the whole suite"
	@echo "make lint   - ruff check, format check and bandit"
	@echo "make serve  - production-like: gunicorn, DEBUG off, collected static files"
	@echo "make bench  - the portal under load on PostgreSQL, as ratios to Django's floor (docs/performance.md)"
	@echo "make screenshots SUFFIX=after - the main pages for each demo user at 1280 and 360 px, in docs/screenshots"
	@echo "make backup - database and uploaded files in one archive in backups/ (BACKUP_DIR)"
	@echo "make restore ARCHIVE=backups/portal-backup-....tar - put an archive back (YES=1 when DEBUG is off)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.run-installed: requirements.lock | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements.lock
	@touch $@

$(VENV)/.test-installed: requirements-test.lock requirements.lock | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements-test.lock
	@touch $@ $(VENV)/.run-installed

run: export DJANGO_DEBUG = true
# Links in e-mails (reviews, reminders) lead to where this serves, unless
# PORTAL_URL is set in the environment, on the command line or in .env.
ifeq ($(origin PORTAL_URL),undefined)
ifeq ($(shell grep -s '^PORTAL_URL=' .env),)
run: export PORTAL_URL = http://$(HOST):$(PORT)
endif
endif
run: $(VENV)/.run-installed
	$(MANAGE) migrate --noinput
	$(MANAGE) createcachetable
	$(MANAGE) seed_demo $(if $(DEMO_PASSWORD),--password "$(DEMO_PASSWORD)")
	@echo "Serving on http://$(HOST):$(PORT)/ - sign in with a user above."
	$(MANAGE) runserver $(HOST):$(PORT)

# Production-like: DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS must be set
# (environment or .env). HTTPS is on, as settings decide with DEBUG off, unless
# DJANGO_HTTPS=false is set there: plain HTTP on this machine. Any deployment
# warning the settings do not silence stops it.
serve: export DJANGO_DEBUG = false
serve: $(VENV)/.run-installed
	$(MANAGE) check --deploy --fail-level WARNING
	$(MANAGE) migrate --noinput
	$(MANAGE) createcachetable
	$(MANAGE) collectstatic --noinput --verbosity 0
	$(BIN)/gunicorn minusma_sr.wsgi --bind $(HOST):$(PORT) --workers $${WEB_CONCURRENCY:-3} --access-logfile -

# The portal under load: PostgreSQL, gunicorn with production settings, locust;
# see "The benchmark" in docs/performance.md. The database stays for re-runs.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/portal_bench
BENCH_REDIS_URL ?= redis://127.0.0.1:6379/15
BENCH_PROJECTS ?= 100000
BENCH_SECONDS ?= 20
BENCH_FLOOR_SECONDS ?= 10
BENCH_REPETITIONS ?= 3
BENCH_USERS ?= 20
BENCH_PORT ?= 8765

$(VENV)/.bench-installed: requirements-bench.lock requirements.lock | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements-bench.lock
	@touch $@

.PHONY: bench
bench: export DATABASE_URL = $(BENCH_DATABASE_URL)
bench: export REDIS_URL = $(BENCH_REDIS_URL)
bench: export DJANGO_DEBUG = false
bench: export DJANGO_HTTPS = false
bench: export DJANGO_BENCH_FLOOR = true
bench: export DJANGO_ALLOWED_HOSTS = 127.0.0.1
# Start-up refuses the example IATI publisher with DEBUG off; the benchmark publishes nothing.
bench: export IATI_ORGANISATION_ID = XM-BENCH-SR
bench: $(VENV)/.bench-installed
	DJANGO_SECRET_KEY="$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
	$(MANAGE) bench --projects $(BENCH_PROJECTS) --seconds $(BENCH_SECONDS) \
		--floor-seconds $(BENCH_FLOOR_SECONDS) --repetitions $(BENCH_REPETITIONS) \
		--users $(BENCH_USERS) --port $(BENCH_PORT)

# A consistent copy while the portal runs; see "Backup and restore" in the README.
backup: $(VENV)/.run-installed
	$(MANAGE) backup $(if $(OUTPUT),--output "$(OUTPUT)")

# Replaces the whole database and restores the uploaded files: stop the portal first.
restore: $(VENV)/.run-installed
	@test -n "$(ARCHIVE)" || { echo "Usage: make restore ARCHIVE=backups/portal-backup-YYYYMMDD-HHMMSS.tar [YES=1]"; exit 2; }
	$(MANAGE) restore "$(ARCHIVE)" $(if $(YES),--yes)

# The suite runs on every core (pytest-xdist, one test database per process);
# TEST_PROCESSES=0 runs it in one process.
TEST_PROCESSES ?= auto
test: $(VENV)/.test-installed
	$(BIN)/pytest --numprocesses $(TEST_PROCESSES) $(PYTEST_ARGS)

lint: $(VENV)/.test-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/bandit --quiet --recursive $(APPS) --exclude '*/migrations/*'

format: $(VENV)/.test-installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The main pages as the demo users see them, at 1280 and 360 px, saved as
# docs/screenshots/design-<page>-<user>-<desktop|phone>-$(SUFFIX).png; served
# from a new demo database of their own. Needs Debian's chromium package.
SUFFIX ?= after
screenshots: export DJANGO_DEBUG = true
screenshots: $(VENV)/.test-installed
	$(MANAGE) screenshots --suffix "$(SUFFIX)"

# Refresh the French catalogue after changing strings (needs GNU gettext);
# the compiled .mo files are committed so that running needs no gettext.
messages: $(VENV)/.test-installed
	DJANGO_DEBUG=true $(MANAGE) makemessages --locale fr --no-obsolete --ignore '.venv/*' --ignore 'staticfiles/*'
	DJANGO_DEBUG=true $(MANAGE) compilemessages --locale fr --ignore '.venv/*'

clean:
	rm -rf $(VENV) staticfiles
