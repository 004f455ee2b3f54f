# The whole set-up on a fresh machine is `make demo` and `make test`; nothing else is needed.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
SYSTEM_PACKAGES := bcftools tabix chromium chromium-driver slurm-wlm slurmctld slurmd munge
DEMO_OUT := results/demo
# axe-core (npm), injected into the report pages by the browser tests' accessibility checks
AXE := tests/js/node_modules/axe-core/axe.min.js

.PHONY: demo test lint bench bench-scale system-deps resources examples clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	@# the workflow extra: Snakemake and what `snakemake --report` needs (the library needs neither)
	$(BIN)/pip install --quiet -e ".[workflow]"
	@# byte-compile once: with PYTHONDONTWRITEBYTECODE set, every run would recompile the package
	$(BIN)/python -m compileall -q alkannot
	@# validate the bundled catalogue now; its validated form is cached by content for later runs
	$(BIN)/alkannot catalogue validate resources/catalogue/catalogue.yaml
	touch $@

$(TEST_STAMP): $(STAMP) pyproject.toml
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@

$(AXE): tests/js/package.json tests/js/package-lock.json
	@command -v npm >/dev/null || { SUDO=""; [ "$$(id -u)" = 0 ] || SUDO="sudo"; \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends npm >/dev/null; }
	npm ci --prefix tests/js --no-audit --no-fund --silent
	touch $@

# Debian packages the tests need (browser, SLURM, htslib tools). Installs only what is missing.
system-deps:
	@missing=""; for p in $(SYSTEM_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing system packages:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO="sudo"; \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

EX := resources/examples/GRCh38
demo: $(STAMP)
	$(BIN)/alkannot annotate $(EX)/P01.rebiopsy.vcf.gz --sample-name P01 \
	  --cnv $(EX)/P01.cns --fusions $(EX)/P01.fusions.tsv --baseline-vcf $(EX)/P01.baseline.vcf.gz \
	  --prior-therapy crizotinib --no-cns-metastases -o $(DEMO_OUT)/P01
	$(BIN)/alkannot batch resources/examples/samples.tsv -o $(DEMO_OUT)/batch
	$(BIN)/alkannot cohort $(DEMO_OUT)/batch/*/ -o $(DEMO_OUT)/cohort
	@echo
	@echo "One sample:   $(DEMO_OUT)/P01/P01.html (and .findings.tsv, .drugs.tsv, .json, .xlsx)"
	@echo "Example batch: $(DEMO_OUT)/batch/<sample>/  cohort overview: $(DEMO_OUT)/cohort/index.html"

lint: $(TEST_STAMP)
	$(BIN)/ruff check alkannot tests scripts benchmarks
	$(BIN)/ruff format --check alkannot tests scripts benchmarks
	$(BIN)/snakefmt --check Snakefile workflow/Snakefile workflow/rules
	$(BIN)/snakemake --lint --cores 1 --directory . >/dev/null

test: $(TEST_STAMP) system-deps $(AXE)
	$(MAKE) lint
	$(BIN)/pytest -q

bench: $(TEST_STAMP) system-deps
	$(BIN)/python -m compileall -q alkannot
	$(BIN)/python benchmarks/run.py

# Ten thousand panel samples: in-process batch vs the workflow locally and through SLURM (slow)
bench-scale: $(TEST_STAMP) system-deps
	$(BIN)/python benchmarks/scale.py

resources:
	$(PYTHON) scripts/build_genome_resources.py

examples: $(STAMP)
	$(BIN)/python scripts/make_examples.py

clean:
	rm -rf $(VENV) results .pytest_cache
