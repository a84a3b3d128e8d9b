# Set-up and checks of the metastudio.cloud collection. Two entry points: `make demo` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3) ## Python that creates .venv
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
# ansible-test wants the collection under ansible_collections/<namespace>/<name>/.
# Override COLLECTIONS to build elsewhere, so that several checks can run side by side.
COLLECTIONS ?= $(CURDIR)/.build/collections ## folder holding ansible_collections/ for `make collection`
COLLECTION := $(COLLECTIONS)/ansible_collections/metastudio/cloud
# pip version that the pinned ansible-core bootstraps into its test virtual environments.
ANSIBLE_TEST_PIP := $(HOME)/.ansible/test/cache/get_pip_24_2.py
WITH_EMULATOR := PYTHON=$(BIN)/python tests/utils/with-emulator.sh
# Controller Python for ansible-test, and the other Pythons that tests/config.yml claims for modules.
TEST_PYTHON := 3.11
MODULE_PYTHONS := 3.9 3.10 3.12 3.13
SKIP_PYTHONS ?= ## module Pythons left out on purpose, e.g. SKIP_PYTHONS=3.9; make test's last line names them
TESTED_MODULE_PYTHONS = $(filter-out $(SKIP_PYTHONS),$(MODULE_PYTHONS))
# Links to the real interpreters of every Python tested, found on PATH by tests/utils/find-pythons.sh.
PYTHONS := $(CURDIR)/.build/pythons
PYTEST := $(BIN)/python -m pytest -p no:cacheprovider

.PHONY: help venv collection demo test test-summary pythons infra-tests emulator-tests units sanity sanity-pythons lint changelog-lint docs-lint \
	integration build-check reliability awx bench bench-smoke clean

# `make help` is made of the `## ` comments of the targets and variables below, so that it cannot drift.
help: ## list the targets and the variables that change them (this text)
	@echo "Usage: make TARGET [VARIABLE=value ...]. The tools are installed in .venv/bin."
	@echo "Targets:"
	@sed -nE 's/^([a-z][a-z-]*):.*## (.*)$$/\1\t\2/p' $(firstword $(MAKEFILE_LIST)) | awk -F '\t' '{printf "  %-16s %s\n", $$1, $$2}'
	@echo "Variables:"
	@sed -nE 's/^([A-Z_]+) \?= .*## (.*)$$/\1\t\2/p' $(firstword $(MAKEFILE_LIST)) | awk -F '\t' '{printf "  %-16s %s\n", $$1, $$2}'

venv: $(VENV)/.installed ## create .venv with the collection's test tools (ansible-core, ansible-lint, pytest...)

$(VENV)/.installed: test-requirements.txt requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt -r test-requirements.txt
	touch $@

# Only when missing: a real cached bootstrap script is left alone.
$(ANSIBLE_TEST_PIP): | tests/utils/get_pip_offline.py
	mkdir -p $(dir $@)
	cp tests/utils/get_pip_offline.py $@

# A fresh copy of the working tree (tracked and new, unignored files) where ansible-test expects it.
# The copy is a git repository of its own: ansible-test lists files through git, and the copy sits
# in a folder this repository ignores.
collection: ## copy the working tree to COLLECTIONS/ansible_collections/metastudio/cloud for ansible-test
	rm -rf $(COLLECTION)
	mkdir -p $(COLLECTION)
	git ls-files --cached --others --exclude-standard | while read -r file; do [ -e "$$file" ] && echo "$$file"; done \
	  | tar -cf - -T - | tar -xf - -C $(COLLECTION)
	cd $(COLLECTION) && git init -q && git add -A

demo: venv ## start the emulator with live jobs and stop them twice with the collection
	EMULATOR_ARGS="--seed tests/demo/seed.json" $(WITH_EMULATOR) $(BIN)/python tests/demo/run_demo.py

test: infra-tests emulator-tests units sanity sanity-pythons lint changelog-lint docs-lint integration build-check reliability awx bench-smoke ## run every check below; CI runs this on a clean clone
	@$(MAKE) --no-print-directory test-summary

# The last line of make test: what was left out on purpose is said there, where nobody misses it.
test-summary: ## print make test's closing line, naming the Pythons left out with SKIP_PYTHONS
	@if [ -n "$(strip $(SKIP_PYTHONS))" ]; then \
	  echo "make test: every check passed, but Python $(strip $(SKIP_PYTHONS)) was NOT tested (left out with SKIP_PYTHONS)"; \
	else echo "make test: every check passed"; fi

infra-tests: venv ## pytest the build's own promises (make help, interpreters, home directory)
	$(PYTEST) tests/infra -q

emulator-tests: venv ## pytest the MetaStudio emulator itself
	$(PYTEST) tests/emulator/tests -q

units: venv collection ## ansible-test units (mocked HTTP)
	cd $(COLLECTION) && $(BIN)/ansible-test units --local --python $(TEST_PYTHON) --color no

sanity: venv collection $(ANSIBLE_TEST_PIP) ## ansible-test sanity, every test, on the controller Python
	cd $(COLLECTION) && PATH=$(BIN):$$PATH $(BIN)/ansible-test sanity --venv --python $(TEST_PYTHON) --color no

# A Python that tests/config.yml claims and that no interpreter on PATH provides fails the build, unless it is
# named in SKIP_PYTHONS.
pythons: ## find an interpreter for the controller Python and every module Python, or fail
	@unknown="$(filter-out $(MODULE_PYTHONS),$(SKIP_PYTHONS))"; if [ -n "$$unknown" ]; then \
	  echo "SKIP_PYTHONS names $$unknown, which is not a module Python of this collection ($(MODULE_PYTHONS))" >&2; exit 1; fi
	rm -rf $(PYTHONS)
	tests/utils/find-pythons.sh $(PYTHONS) $(TEST_PYTHON) $(TESTED_MODULE_PYTHONS)

sanity-pythons: venv collection pythons $(ANSIBLE_TEST_PIP) ## ansible-test sanity compile and import on every module Python of tests/config.yml
	tests/utils/sanity-pythons.sh $(BIN)/ansible-test $(COLLECTION) $(PYTHONS) $(TESTED_MODULE_PYTHONS)

lint: venv collection ## ansible-lint the roles, playbooks and metadata
	cd $(COLLECTION) && ANSIBLE_COLLECTIONS_PATH=$(COLLECTIONS) $(BIN)/ansible-lint --nocolor

changelog-lint: venv ## check the changelog fragments
	$(BIN)/antsibull-changelog lint

docs-lint: venv collection ## antsibull-docs lint of the module documentation and docs/docsite
	cd $(COLLECTION) && PATH=$(BIN):$$PATH ANSIBLE_COLLECTIONS_PATH=$(COLLECTIONS) $(BIN)/antsibull-docs lint-collection-docs --plugin-docs --check-extra-docs-refs .

integration: venv collection ## ansible-test integration targets against the emulator over HTTP
	$(WITH_EMULATOR) bash -c 'cd $(COLLECTION) && \
	  printf "emulator_url: %s\n" "$$METASTUDIO_EMULATOR_URL" > tests/integration/integration_config.yml && \
	  $(BIN)/ansible-test integration --local --python $(TEST_PYTHON) --color no'

build-check: venv ## build the tarball, check its contents, install it and run the demo from it
	tests/utils/check-build.sh $(BIN)

reliability: venv ## pytest the reliability and security suite (faults, retries, secrets)
	$(PYTEST) tests/reliability -q

awx: venv ## pytest the AWX credential type and job-template playbooks with ansible-runner
	$(PYTEST) tests/awx -q

bench: venv ## measure the fleet teardown against the naive loop and the API limit (prints figures)
	$(BIN)/python tests/bench/run_bench.py

# The smoke run judges correctness only: its summary must say so, and never print PASS beside a timing.
bench-smoke: venv ## tiny benchmark run: correctness only, timings shown but not judged
	mkdir -p .build
	$(BIN)/python tests/bench/run_bench.py --smoke | tee .build/bench-smoke.out
	tail -n 1 .build/bench-smoke.out | grep -q '^summary: correctness OK (smoke run: correctness judged, timings NOT judged)'
	! grep -q PASS .build/bench-smoke.out

clean: ## remove .build and tests/output
	rm -rf .build tests/output
