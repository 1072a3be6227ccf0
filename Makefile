# Two commands: `make run` (embedded stack, demo data) and `make test` (PostgreSQL + Redis).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
NGINX_PORT ?= 8080
WORKERS ?= 2

export DJANGO_SETTINGS_MODULE := educa.settings

.PHONY: run test lint format install dev clean prod-local

# Reinstall only when the dependency list changes.
$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

dev: $(VENV)/.installed-dev

run: install
	$(BIN)/python -m django migrate --no-input -v 0
	$(BIN)/python -m django seed_demo --if-empty
	@echo "Educa is at http://$(HOST):$(PORT)/  (admin: http://$(HOST):$(PORT)/admin/)"
	$(BIN)/uvicorn educa.asgi:application --host $(HOST) --port $(PORT) --lifespan off

# The production topology on this machine: nginx in front of WORKERS uvicorn
# processes on PostgreSQL and Redis, DEBUG off (see README, Deploying).
prod-local: DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/educa
prod-local: REDIS_URL ?= redis://127.0.0.1:6379/1
prod-local: install
	@command -v nginx >/dev/null || test -x /usr/sbin/nginx || { \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light; }
	DATABASE_URL=$(DATABASE_URL) REDIS_URL=$(REDIS_URL) \
		$(BIN)/python deploy/prod_local.py --port $(NGINX_PORT) --workers $(WORKERS) $(PROD_LOCAL_ARGS)

test: DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/educa_test
test: REDIS_URL ?= redis://127.0.0.1:6379/0
test: dev
	DATABASE_URL=$(DATABASE_URL) REDIS_URL=$(REDIS_URL) $(BIN)/python -m pytest $(PYTEST_ARGS)

lint: dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) data test-artifacts .pytest_cache .ruff_cache
