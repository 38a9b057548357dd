# newsdesk: `make run` serves a demo newsroom, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test test-sqlite test-postgresql bench lint format clean

install: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-virtualenv -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

run: install
	$(BIN)/newsdesk migrate --noinput -v 0
	$(BIN)/newsdesk loaddemo --if-empty
	@echo
	@$(BIN)/newsdesk demo_logins
	@echo
	$(BIN)/newsdesk serve

# Every test on SQLite; the database-backed ones again on PostgreSQL when DATABASE_URL names it
# or under CI=true.
test: install
	bash scripts/test.sh

bench: install
	bash bench/run.sh

lint: install
	$(BIN)/ruff format --check newsdesk bench
	$(BIN)/ruff check newsdesk bench
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff format newsdesk bench
	$(BIN)/ruff check --fix newsdesk bench

clean:
	rm -rf $(VENV) var
