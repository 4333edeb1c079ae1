# Two commands: `make run` starts the app with demo data, `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run dev test lint format bench

$(BIN)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

.env: | $(BIN)/.installed
	$(BIN)/python manage.py write_local_env

# The web server, plus a Celery worker with the beat scheduler inside it, on
# the embedded filesystem broker (no Redis needed; set REDIS_URL to use Redis).
# Emails are written as files to var/sent-emails/ unless EMAIL_BACKEND is set.
# Safe by default: DEBUG off (`make dev` turns it on), and what it writes
# (database, .env, emails, queue) readable by the owner only. Ctrl-C stops
# both processes within 10 s (core/management/commands/run_local.py).
run: export EMAIL_BACKEND ?= django.core.mail.backends.filebased.EmailBackend
run: export SITE_URL ?= http://$(HOST):$(PORT)
run: export DEBUG ?= false
run: $(BIN)/.installed .env
	umask 077; $(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo_data
	$(BIN)/python manage.py load_demo_surveys
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	umask 077; mkdir -p var/celery/queue var/celery/processed var/celery/control var/sent-emails
	chmod -R go-rwx var .env $(wildcard db.sqlite3)
	@echo ""
	@echo "  Partnership CRM is running at http://$(HOST):$(PORT)/"
	@echo "  Demo logins (username / password):"
	@echo "    program manager: manager / demo-manager-pass"
	@echo "    leadership:      leader  / demo-leader-pass"
	@echo "    administrator:   admin   / demo-admin-pass"
	@echo "  Background worker and scheduler: running (embedded broker in var/celery/)."
	@echo "  Survey emails are written to var/sent-emails/ (open one and follow its link)."
	@echo "  Partner portal: http://$(HOST):$(PORT)/portal/sign-in/ with ruby@example.org;"
	@echo "    the sign-in link arrives in var/sent-emails/."
	@echo "  Ctrl-C stops both."
	@echo ""
	$(BIN)/python manage.py run_local $(HOST):$(PORT)

# `make run` with DEBUG on: Django's error pages with their details, for
# working on the code. Never on a machine others can reach.
dev: export DEBUG = true
dev: run

# The browser journeys (tests/e2e) need Chromium; without it they are skipped, and said so.
test: $(BIN)/.installed
	@if [ -n "$$CHROMIUM_PATH" ]; then [ -x "$$CHROMIUM_PATH" ]; \
	else command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ]; fi || \
		echo "NOTE: Chromium not found: the browser tests (tests/e2e) will be SKIPPED. Install it: apt-get install chromium"
	$(BIN)/python -m pytest

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy

format: $(BIN)/.installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The benchmark suite: writes docs/performance.md (see README, Performance).
bench: export DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/crm_bench
bench: export REDIS_URL ?= redis://127.0.0.1:6379/11
bench: export DJANGO_SETTINGS_MODULE = crm.settings.bench
bench: $(BIN)/.installed
	$(BIN)/python -m bench.run $(BENCH_ARGS)
