# The portal's commands. `make run` and `make test` are all a new user needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run serve test lint format migrate messages clean help

help:
	@echo "make run    - install, migrate, load demo data and serve on http://$(HOST):$(PORT) (development)"
	@echo "make test   - install test dependencies and run the whole suite"
	@echo "make lint   - ruff check and format check"
	@echo "make serve  - production-like: gunicorn, DEBUG off, collected static files"

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
run: $(VENV)/.run-installed
	$(MANAGE) migrate --noinput
	$(MANAGE) createcachetable
	$(MANAGE) seed_demo $(if $(DEMO_PASSWORD),--password "$(DEMO_PASSWORD)")
	@echo "Serving on http://$(HOST):$(PORT)/ - sign in with a user above."
	$(MANAGE) runserver $(HOST):$(PORT)

# Production-like: DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS must be set
# (environment or .env); plain HTTP on this machine unless DJANGO_HTTPS=true.
serve: export DJANGO_DEBUG = false
serve: export DJANGO_HTTPS ?= false
serve: $(VENV)/.run-installed
	$(MANAGE) check --deploy --fail-level ERROR
	$(MANAGE) migrate --noinput
	$(MANAGE) createcachetable
	$(MANAGE) collectstatic --noinput --verbosity 0
	$(BIN)/gunicorn minusma_sr.wsgi --bind $(HOST):$(PORT) --workers $${WEB_CONCURRENCY:-3} --access-logfile -

test: $(VENV)/.test-installed
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(VENV)/.test-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.test-installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Refresh the French catalogue after changing strings (needs GNU gettext);
# the compiled .mo files are committed so that running needs no gettext.
messages: $(VENV)/.test-installed
	DJANGO_DEBUG=true $(MANAGE) makemessages --locale fr --no-obsolete --ignore '.venv/*' --ignore 'staticfiles/*'
	DJANGO_DEBUG=true $(MANAGE) compilemessages --locale fr --ignore '.venv/*'

clean:
	rm -rf $(VENV) staticfiles
