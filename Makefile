# Two commands: `make run` starts the app with demo data, `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint format

$(BIN)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

.env: | $(BIN)/.installed
	$(BIN)/python manage.py write_local_env

run: $(BIN)/.installed .env
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo_data
	@echo ""
	@echo "  Partnership CRM is running at http://$(HOST):$(PORT)/"
	@echo "  Demo logins (username / password):"
	@echo "    program manager: manager / demo-manager-pass"
	@echo "    leadership:      leader  / demo-leader-pass"
	@echo "    administrator:   admin   / demo-admin-pass"
	@echo ""
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: $(BIN)/.installed
	$(BIN)/python -m pytest

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(BIN)/.installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
