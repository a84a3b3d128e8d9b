# Set-up and checks of the metastudio.cloud collection. Two entry points: `make demo` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
# ansible-test wants the collection under ansible_collections/<namespace>/<name>/.
# Override COLLECTIONS to build elsewhere, so that several checks can run side by side.
COLLECTIONS ?= $(CURDIR)/.build/collections
COLLECTION := $(COLLECTIONS)/ansible_collections/metastudio/cloud
# pip version that the pinned ansible-core bootstraps into its test virtual environments.
ANSIBLE_TEST_PIP := $(HOME)/.ansible/test/cache/get_pip_24_2.py
WITH_EMULATOR := PYTHON=$(BIN)/python tests/utils/with-emulator.sh
# Controller Python for ansible-test, and the other Pythons that tests/config.yml claims for modules.
TEST_PYTHON := 3.11
MODULE_PYTHONS := 3.9 3.10 3.12 3.13
PYTEST := $(BIN)/python -m pytest -p no:cacheprovider

.PHONY: help venv collection demo test emulator-tests units sanity sanity-pythons lint changelog-lint docs-lint \
	integration build-check reliability awx bench bench-smoke clean

help:
	@echo "make demo         start the MetaStudio emulator with live jobs and stop them twice with the collection"
	@echo "make test         run every check (emulator, unit, sanity on every Python, lint, docs, changelog,"
	@echo "                  integration, build, reliability, AWX, benchmark smoke run)"
	@echo "make bench        measure the fleet teardown against the naive loop and the API's limit"

venv: $(VENV)/.installed

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
collection:
	rm -rf $(COLLECTION)
	mkdir -p $(COLLECTION)
	git ls-files --cached --others --exclude-standard | while read -r file; do [ -e "$$file" ] && echo "$$file"; done \
	  | tar -cf - -T - | tar -xf - -C $(COLLECTION)
	cd $(COLLECTION) && git init -q && git add -A

demo: venv
	EMULATOR_ARGS="--seed tests/demo/seed.json" $(WITH_EMULATOR) $(BIN)/python tests/demo/run_demo.py

test: emulator-tests units sanity sanity-pythons lint changelog-lint docs-lint integration build-check reliability awx bench-smoke
	@echo "make test: every check passed"

emulator-tests: venv
	$(PYTEST) tests/emulator/tests -q

units: venv collection
	cd $(COLLECTION) && $(BIN)/ansible-test units --local --python $(TEST_PYTHON) --color no

sanity: venv collection $(ANSIBLE_TEST_PIP)
	cd $(COLLECTION) && PATH=$(BIN):$$PATH $(BIN)/ansible-test sanity --venv --python $(TEST_PYTHON) --color no

sanity-pythons: venv collection $(ANSIBLE_TEST_PIP)
	tests/utils/sanity-pythons.sh $(BIN)/ansible-test $(COLLECTION) $(MODULE_PYTHONS)

lint: venv collection
	cd $(COLLECTION) && ANSIBLE_COLLECTIONS_PATH=$(COLLECTIONS) $(BIN)/ansible-lint --nocolor

changelog-lint: venv
	$(BIN)/antsibull-changelog lint

docs-lint: venv collection
	cd $(COLLECTION) && PATH=$(BIN):$$PATH ANSIBLE_COLLECTIONS_PATH=$(COLLECTIONS) $(BIN)/antsibull-docs lint-collection-docs --plugin-docs --check-extra-docs-refs .

integration: venv collection
	$(WITH_EMULATOR) bash -c 'cd $(COLLECTION) && \
	  printf "emulator_url: %s\n" "$$METASTUDIO_EMULATOR_URL" > tests/integration/integration_config.yml && \
	  $(BIN)/ansible-test integration --local --python $(TEST_PYTHON) --color no'

build-check: venv
	tests/utils/check-build.sh $(BIN)

reliability: venv
	$(PYTEST) tests/reliability -q

awx: venv
	$(PYTEST) tests/awx -q

bench: venv
	$(BIN)/python tests/bench/run_bench.py --scale 100,1000,10000 --raised-limit 0

bench-smoke: venv
	$(BIN)/python tests/bench/run_bench.py --smoke

clean:
	rm -rf .build tests/output
