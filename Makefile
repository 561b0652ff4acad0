# Two commands for a newcomer: `make ground` and `make test`.
# Both install what is missing (Debian/Ubuntu packages via apt-get when run as root,
# otherwise they print the exact command), create .venv and install companion into it.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUN_DEBS := espeak-ng libportaudio2 festival festvox-us-slt-hts
TEST_DEBS := $(RUN_DEBS) pulseaudio pulseaudio-utils libasound2-plugins strace

.PHONY: ground test lint bench system-run system-test clean

ground: system-run $(VENV)/.installed
	@$(BIN)/companion ground

test: system-test $(VENV)/.installed lint
	$(BIN)/python -m pytest

lint: $(VENV)/.installed
	$(BIN)/ruff check companion tests bench
	$(BIN)/ruff format --check companion tests bench
	$(BIN)/mypy

bench: system-test $(VENV)/.installed
	@for b in bench/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m companion.whisper_base || echo "Sessions will try again to prepare it."
	@touch $@

# Installs Debian packages that are missing; without root, says what to run and goes on
# (companion then runs in text mode, and tests that need the missing parts say so).
define system_packages
	@debs="$(1)"; \
	if ! $(PYTHON) -c 'import ensurepip, venv' >/dev/null 2>&1; then debs="$$debs python3-venv"; fi; \
	if ! command -v dpkg-query >/dev/null 2>&1; then \
	  echo "Not a Debian/Ubuntu system: install these yourself if missing: $$debs"; exit 0; fi; \
	missing=""; \
	for p in $$debs; do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	[ -z "$$missing" ] && exit 0; \
	if [ "$$(id -u)" = 0 ]; then \
	  echo "Installing:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	else \
	  echo "Missing system packages. Please run:"; \
	  echo "  sudo apt-get install -y$$missing"; \
	fi
endef

system-run:
	$(call system_packages,$(RUN_DEBS))

system-test:
	$(call system_packages,$(TEST_DEBS))

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build dist
