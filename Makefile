# Two commands on a fresh machine with only Python and make: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test bench bench-load clean tmux-check

# (Re)build the virtual environment when it is missing, broken, or older than pyproject.toml.
$(STAMP): pyproject.toml
	@if ! $(BIN)/python -c "import sys" >/dev/null 2>&1; then \
		rm -rf $(VENV) && $(PYTHON) -m venv $(VENV); fi
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test,lint,replica]'
	@touch $(STAMP)

# Byte-compiled once, as a pip install does: where PYTHONDONTWRITEBYTECODE is set, every start
# would otherwise compile the sources again (~50 ms).
run: $(STAMP)
	@$(BIN)/python -m compileall -q frontdesk screens widgets
	$(BIN)/frontdesk

test: $(STAMP)
	$(BIN)/ruff check frontdesk screens widgets tests
	$(BIN)/mypy
	$(BIN)/lint-imports --no-logo
	$(BIN)/python -m pytest -q -n 2 --dist loadfile
	bash tests/tmux_check.sh

bench: $(STAMP)
	$(BIN)/python tests/bench/bench.py
	$(BIN)/python tests/bench/replica.py
	$(BIN)/python tests/bench/load.py
	$(BIN)/python tests/bench/handoff.py

# 8 x 100 `frontdesk log` processes beside 3 open desks, an export loop and a backup loop (~1.5 min);
# then how soon a waiting writer gets the write lock (~20 s).
bench-load: $(STAMP)
	$(BIN)/python tests/bench/load.py
	$(BIN)/python tests/bench/handoff.py

tmux-check: $(STAMP)
	bash tests/tmux_check.sh

clean:
	rm -rf $(VENV) build dist *.egg-info
