# idm: `make demo` serves the demo (the web server and one worker), `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

.PHONY: install demo test lint bench messages clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $@

demo: install
	$(BIN)/idm demo

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check src tests bench

bench: install
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	@set -e; scripts=$$(ls bench/[!_]*.py 2>/dev/null || true); \
	if [ -z "$$scripts" ]; then echo "no benchmark yet"; fi; \
	for script in $$scripts; do echo "== $$script"; $(BIN)/python $$script; done

# Refresh the translation catalogues after changing texts, then translate and compile them.
messages: install
	cd src/idm && ../../$(BIN)/idm makemessages --locale fr --locale es --no-obsolete --add-location file
	cd src/idm && ../../$(BIN)/idm compilemessages

clean:
	rm -rf $(VENV) var
