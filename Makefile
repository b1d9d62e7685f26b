# Two commands do all set-up: `make run` (demo server) and `make test` (whole suite).
# `make test-fast` is the quick tier to run while working (SQLite only; no browser,
# soak, benchmark or other tests marked slow; in parallel).
PYTHON := $(shell scripts/find-python)
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test test-fast lint format venv demo-db clean

$(BIN)/.installed: requirements.lock
	@test -n "$(PYTHON)" || (echo "Python 3.12+ is required" && exit 1)
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	@touch $@

venv: $(BIN)/.installed

demo-db: venv
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py migrate --database keystore --noinput
	$(BIN)/python manage.py seed_demo

run: demo-db
	$(BIN)/python manage.py runserver 127.0.0.1:8000

test: venv
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
