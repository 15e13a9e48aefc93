# Nære relationer – the index of tasks. `make help` lists them.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
# The stamp names the interpreter's version: `make test PYTHON=python3.13` rebuilds a .venv
# made with another Python instead of reusing it.
PYVER  := $(shell $(PYTHON) -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)
STAMP  := $(VENV)/.installed-py$(PYVER)
DEMO   := data/raw/demo
RUN    ?= reports/demo
HEIGHT ?= 6000
export MPLBACKEND := Agg

.DEFAULT_GOAL := help
.PHONY: help install test test-pythons test-oldest report screenshots lab bench lint clean demo-data

help: ## List the tasks
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-13s %s\n", $$1, $$2}'

install: $(STAMP) ## Create or update .venv with the package, its test extras and a Jupyter kernel

$(STAMP): pyproject.toml
	@test -n "$(PYVER)" || (echo "$(PYTHON) not found: set PYTHON=python3.X (3.11 or newer)" && exit 2)
	@if [ -x $(BIN)/python ] && [ "$$($(BIN)/python -c 'import sys; print("%d.%d" % sys.version_info[:2])')" != "$(PYVER)" ]; then \
	  echo "$(VENV) was made with another Python: rebuilding it with $(PYTHON)"; rm -rf $(VENV); fi
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,lab,dask]'
	$(BIN)/python -m ipykernel install --sys-prefix --name naere-relationer --display-name "Nære relationer" > /dev/null
	touch $(STAMP)

test: install ## Run the whole test suite (unit, doctests, notebooks)
	$(BIN)/python -m pytest -n 2 -q

test-pythons: ## Run the suite on every installed Python 3.11-3.14, each in its own .venv-3.X
	tools/test-pythons

test-oldest: ## Run the suite on the oldest versions pyproject.toml admits (.venv-oldest)
	PYTHON=$(PYTHON) tools/test-oldest

report: install ## Run the main job on the bundled demo data: one HTML report per botilbud + overview
	$(BIN)/analyse report $(DEMO) --out reports/demo --workers 2
	@echo "Open: $(CURDIR)/reports/demo/index.html"

screenshots: ## Render a run's reports in headless Chromium to RUN-screenshots/*.png (RUN=reports/demo)
	@command -v chromium > /dev/null || (apt-get update -qq && apt-get install -y -qq chromium)
	test "$(RUN)" != reports/demo || test -f reports/demo/index.html || $(MAKE) report
	test -f $(RUN)/index.html
	@# Beside the run, not in it: a run folder holds only the run's own files (a later
	@# `analyse report` into it refuses a folder with files it did not write).
	mkdir -p $(RUN)-screenshots
	for f in $(RUN)/*.html; do n=$$(basename $$f .html); chromium --headless --no-sandbox --disable-gpu \
	  --disable-quic --no-first-run --disable-background-networking --disable-component-update --disable-sync \
	  --user-data-dir=$$(mktemp -d) --hide-scrollbars --window-size=1100,$(HEIGHT) \
	  --screenshot=$$(realpath $(RUN)-screenshots)/$$n.png file://$$(realpath $$f) 2>/dev/null; done
	@echo "Screenshots: $(RUN)-screenshots/"

# JupyterLab refuses to run as root without --allow-root; containers often run as root, so
# pass it then and only then. transport_encryption=auto gives each kernel CurveZMQ keys
# (ipykernel declares support), so the kernel has no reason to warn that it runs over TCP
# without encryption. New notebooks get the project's kernel.
USER_ID    ?= $(shell id -u)
ALLOW_ROOT := $(if $(filter 0,$(USER_ID)),--allow-root)
lab: install ## Open JupyterLab on the notebooks with the project's kernel
	$(BIN)/jupyter lab --notebook-dir=notebooks $(ALLOW_ROOT) \
	  --MultiKernelManager.default_kernel_name=naere-relationer \
	  --KernelManager.transport_encryption=auto

bench: install ## Print performance figures (never asserted in tests)
	@for b in benchmarks/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

lint: install ## Lint with ruff and check the layer contract (import-linter, pyproject.toml)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/lint-imports --no-cache

demo-data: install ## Rebuild the bundled demo data set (synthetic)
	$(BIN)/analyse demo-data $(DEMO) --sites 8

clean: ## Remove derived files (processed data, reports, caches)
	rm -rf data/processed/* reports/*/ .pytest_cache .hypothesis
