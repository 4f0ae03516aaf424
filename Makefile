# One entry point for the kit: `make demo` and `make test` set everything up on a machine with python3, git, make.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
PYTHON ?= python3
# uv installs uv.lock; the one version pyproject.toml's [tool.uv] requires lives in .tools/, bootstrapped by pip
UV_VERSION := $(shell sed -n 's/^required-version = "==\(.*\)"/\1/p' pyproject.toml)
UV_HOME := $(CURDIR)/.tools/uv-$(UV_VERSION)
UV := $(UV_HOME)/bin/uv
# uv leaves lock files in its temporary folder: keep them in .tools/, not in the machine's /tmp
UV_TMP := $(CURDIR)/.tools/tmp
export UV_PYTHON := $(PYTHON)
# The venv's Node 24 and the pinned CLI come first, whatever the machine has installed.
export PATH := $(BIN):$(PATH)
export JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION := 1
export CDK_DISABLE_VERSION_CHECK := 1
export CDK_CLI_TELEMETRY_DISABLED := 1
export NPM_CONFIG_UPDATE_NOTIFIER := false

# the lab of `make check` and `make preflight` (labkit --help lists them)
LAB ?=
# extra labkit options, e.g. make check LAB=<Lab> ARGS=--self-heal, or ARGS='--owner alice'
ARGS ?=
PYTEST_ARGS ?=

.PHONY: help setup setup-steps lock test pytest-all unit synth-tests emulator-tests e2e lint typecheck demo bench synth check leftovers cost preflight clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 12

SETUP_FILES := $(VENV)/.synced $(VENV)/.warm node_modules/.installed $(VENV)/bin/cdk $(VENV)/bin/aws
# once the dependencies are in, the rest runs side by side (a -j the caller chose is kept): the project's own
# editable install, npm ci, and one synth that compiles the aws-cdk-lib modules it imports
SETUP_JOBS := $(if $(filter -j%,$(MAKEFLAGS)),,-j4)

setup:  ## install uv.lock, Node 24 and the pinned CDK CLI (idempotent)
	@$(MAKE) --no-print-directory -q setup-steps || $(MAKE) --no-print-directory $(SETUP_JOBS) setup-steps

setup-steps: $(SETUP_FILES)

lock: $(UV)  ## re-resolve uv.lock after editing pyproject.toml's dependencies
	mkdir -p $(UV_TMP) && TMPDIR=$(UV_TMP) $(UV) lock

$(UV):
	$(PYTHON) scripts/bootstrap_uv.py $(UV_VERSION) $(UV_HOME)

# --inexact: on a re-run, the project installed before stays
$(VENV)/.deps: pyproject.toml uv.lock $(UV)
	mkdir -p $(UV_TMP)
	TMPDIR=$(UV_TMP) $(UV) sync --locked --extra dev --inexact --no-install-project
	touch $@

# building the project (setuptools, in an isolated env) takes seconds that nothing else waits for
$(VENV)/.synced: $(VENV)/.deps
	TMPDIR=$(UV_TMP) $(UV) sync --locked --extra dev
	touch $@

# the venv keeps the bytecode of what it imports (in .venv/pycache); one synth fills it for aws-cdk-lib
$(VENV)/.warm: $(VENV)/.deps scripts/precompile.py scripts/mypy_modules.py scripts/bytecode/_labkit_bytecode.py
	$(BIN)/python scripts/precompile.py synth
	touch $@

# Node comes with the dependencies; a change of Python packages needs no new npm ci. npm keeps Node's compile
# cache in its temporary folder: the project's, not the machine's /tmp
node_modules/.installed: package.json package-lock.json | $(VENV)/.deps
	mkdir -p $(UV_TMP) && TMPDIR=$(UV_TMP) $(BIN)/npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(VENV)/bin/cdk: scripts/cdk | $(VENV)/.deps
	install -m 755 scripts/cdk $@

# after the packages: awscli installs a bin/aws of its own, which the kit's launcher replaces
$(VENV)/bin/aws: scripts/aws $(VENV)/.synced
	install -m 755 scripts/aws $@

# the type check (a minute of one core, silent) runs beside the tests, whose progress shows meanwhile
test: setup  ## lint, type-check and run every test but e2e, in about four minutes (no AWS credentials needed)
	@$(MAKE) --no-print-directory -j3 lint typecheck pytest-all

e2e: setup  ## each lab's whole life through the real CLIs on the emulator (the README's flows, verbatim)
	$(BIN)/pytest -n 2 -m e2e $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# at a lower priority: beside the tests it only needs to finish before them, and their progress comes first
typecheck: setup
	nice -n 10 $(BIN)/mypy

# two workers for two cores: the emulator and CLI tests mostly wait on other processes
pytest-all: setup
	$(BIN)/pytest -n 2 --dist loadgroup -m "not e2e" $(PYTEST_ARGS)

# the test kinds (tests/conftest.py gives each test one): a quick loop for every save, and each tier alone
unit: setup  ## the unit tests only: no server, no synth, no CLI (well under a minute)
	$(BIN)/pytest -n 2 -m unit $(PYTEST_ARGS)

synth-tests: setup  ## the tests that synthesize the labs or run the CDK app and CLI
	$(BIN)/pytest -n 2 --dist loadgroup -m synth $(PYTEST_ARGS)

emulator-tests: setup  ## the tests that start the kit's emulator (a moto server)
	$(BIN)/pytest -n 2 --dist loadgroup -m emulator $(PYTEST_ARGS)

demo: setup  ## deploy, check, destroy and scan every lab on a local AWS emulator
	$(BIN)/labkit demo $(ARGS)

bench: setup  ## measure synth, handler, suite and set-up figures in one run
	$(BIN)/python -m bench

# the kit's labs by name (the registry's list): a learner's broken My<Lab> fails only its own `cdk synth My<Lab>`
synth: setup  ## synthesize every lab into cdk.out
	$(BIN)/cdk synth $$($(BIN)/python -c 'from labs.registry import lab_ids; print(*lab_ids())') --quiet

check: setup  ## check a deployed lab: make check LAB=<Lab> [ARGS=--self-heal]
	$(BIN)/labkit check $(LAB) $(ARGS)

leftovers: setup  ## list resources the labs left behind in the current account
	$(BIN)/labkit leftovers $(ARGS)

cost: setup  ## each lab's cost per hour, against the same lab on CDK defaults
	$(BIN)/labkit cost

preflight: setup  ## quotas a deploy of LAB would hit: make preflight LAB=<Lab>
	$(BIN)/labkit preflight $(LAB) $(ARGS)

clean:  ## remove build output (keeps the venv and node_modules)
	rm -rf cdk.out .mypy_cache .ruff_cache .pytest_cache .hypothesis
