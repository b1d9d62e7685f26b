# Two commands do all set-up: `make run` (demo server) and `make test` (whole suite).
# `make test-fast` is the quick tier to run while working (SQLite only; no browser,
# soak, benchmark or other tests marked slow; in parallel).
PYTHON := $(shell scripts/find-python)
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test test-fast lint format venv test-tools demo-db clean

$(BIN)/.installed: requirements.lock
	@test -n "$(PYTHON)" || (echo "Python 3.12+ is required" && exit 1)
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	@touch $@

venv: $(BIN)/.installed

# The W3C Nu HTML checker the browser tests run on each page they visit (npm's
# vnu-jar, run with Java). Its install script, which would fetch a Java runtime,
# is not needed: Java comes from the system. Without npm the check is skipped
# (and fails the run where REQUIRE_BROWSER=1, as in CI).
TOOLS := tests/tools
$(TOOLS)/node_modules/.installed: $(TOOLS)/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --prefix $(TOOLS) --no-audit --no-fund --ignore-scripts --loglevel=error && touch $@; \
	else echo "npm not found: the browser tests cannot run the HTML checker"; fi

test-tools: $(TOOLS)/node_modules/.installed

demo-db: venv
	@# Quietly: the demo prints its accounts and little else (OPS-5); a failing migration
	@# still prints its error.
	@echo "Creating the demo databases (migrations, about 30 s) and the demo data..."
	@$(BIN)/python manage.py migrate --noinput --verbosity 0
	@# Only the key store's own app: walking every app's migrations there (which the router
	@# keeps out of it anyway) took most of a minute.
	@$(BIN)/python manage.py migrate keystore --database keystore --noinput --verbosity 0
	@$(BIN)/python manage.py seed_demo

run: demo-db
	@# The background worker (the screen's purge, OPS-2) runs beside the server and stops with it.
	$(BIN)/python manage.py db_worker --no-reload --verbosity 0 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver 127.0.0.1:8000

test: venv test-tools
	scripts/run-tests

# Bytecode is cached even where the environment turns it off (PYTHONDONTWRITEBYTECODE),
# so each run and worker does not compile every module and rewrite every test again.
test-fast: venv
	PYTHONDONTWRITEBYTECODE= $(BIN)/python -m pytest tests --ignore=tests/e2e -m "not slow and not soak and not browser" \
		-n 2 --durations=15

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: venv
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf var
