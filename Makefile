# Every developer command. `make run` and `make test` work on a fresh machine with only
# Python 3.11, make and Debian's package tools: they install everything else they need.

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMPS := $(VENV)/.stamps
MANAGE := $(BIN)/python manage.py
# Packages `make run` needs (msgfmt compiles the translations; certificate PDFs embed a Song
# typeface and, for rare characters outside it, the HanaMin fonts of CJK Extension B).
RUN_PACKAGES := gettext fonts-arphic-uming fonts-hanazono
# Packages the tests need on top: the browser for journeys, CJK fonts for what it renders.
TEST_PACKAGES := $(RUN_PACKAGES) chromium fonts-noto-cjk
BENCH_PACKAGES := $(RUN_PACKAGES) wrk
PO_FILES := $(wildcard tongban/locale/*/LC_MESSAGES/django.po)
MO_FILES := $(PO_FILES:.po=.mo)
STATIC_SOURCES := $(shell find tongban -path '*/static/*' -type f 2>/dev/null)
TEST_ARGS ?=

.PHONY: run test check pytest bench screenshot lock messages config-doc clean

## run: the platform with the demo city on http://localhost:8000
run: $(STAMPS)/base $(STAMPS)/debian-run $(MO_FILES) var/static/.collected
	$(MANAGE) migrate --no-input
	$(MANAGE) seed_demo
	$(MANAGE) serve localhost:8000

## test: the checks once, then the whole suite
test: $(STAMPS)/dev $(STAMPS)/debian-test $(MO_FILES)
	$(MAKE) --no-print-directory check
	$(MAKE) --no-print-directory pytest

check: $(STAMPS)/dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .
	$(BIN)/lint-imports
	DJANGO_SETTINGS_MODULE=tongban.config.settings.test $(MANAGE) makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=tongban.config.settings.test $(MANAGE) config_doc --check

pytest: $(STAMPS)/dev $(MO_FILES)
	$(BIN)/pytest -n auto --dist loadgroup $(TEST_ARGS)

## bench: throughput and latency as ratios to same-run baselines
bench: $(STAMPS)/dev $(STAMPS)/debian-bench $(MO_FILES) var/static/.collected
	$(BIN)/python -m benchmarks

## screenshot: regenerate docs/images/portal.png (the portal, as the browser tests see it)
screenshot: $(STAMPS)/dev $(STAMPS)/debian-test $(MO_FILES)
	TONGBAN_UPDATE_SCREENSHOT=1 $(BIN)/pytest tests/e2e -n 1 -q -k screenshot

## lock: re-resolve requirements/*.in into hash-pinned lock files
lock: $(STAMPS)/dev
	$(BIN)/uv pip compile --python-version 3.11 --generate-hashes -q requirements/base.in -o requirements/base.txt
	$(BIN)/uv pip compile --python-version 3.11 --generate-hashes -q requirements/dev.in -o requirements/dev.txt

## messages: extract translatable strings into the catalogs
messages: $(STAMPS)/dev
	cd tongban && ../$(BIN)/python ../manage.py makemessages -l zh_Hans -l en --no-obsolete --add-location file
	# The msgids are English: the English catalog repeats them, so it is complete by construction.
	msgfilter --keep-header -i tongban/locale/en/LC_MESSAGES/django.po -o tongban/locale/en/LC_MESSAGES/django.po sed -e d
	msgen --force-po -o tongban/locale/en/LC_MESSAGES/django.po tongban/locale/en/LC_MESSAGES/django.po
	msgattrib --clear-fuzzy --clear-previous -o tongban/locale/en/LC_MESSAGES/django.po tongban/locale/en/LC_MESSAGES/django.po
	bin/po-header $(PO_FILES)

config-doc: $(STAMPS)/dev
	DJANGO_SETTINGS_MODULE=tongban.config.settings.test $(MANAGE) config_doc

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

$(STAMPS)/base: requirements/base.txt | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements/base.txt
	mkdir -p $(STAMPS) && touch $@

$(STAMPS)/dev: requirements/dev.txt $(STAMPS)/base
	$(BIN)/python -m pip install --quiet --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements/dev.txt
	touch $@

# The package lists above live in this file: a change to them installs what is new.
$(STAMPS)/debian-%: bin/debian-packages Makefile | $(VENV)/bin/python
	@case "$*" in run) p="$(RUN_PACKAGES)";; test) p="$(TEST_PACKAGES)";; bench) p="$(BENCH_PACKAGES)";; esac; \
	bin/debian-packages $$p
	mkdir -p $(STAMPS) && touch $@

%.mo: %.po | $(STAMPS)/debian-run
	msgfmt --check -o $@ $<

var/static/.collected: $(STAMPS)/base $(STATIC_SOURCES)
	$(MANAGE) collectstatic --no-input --verbosity 0
	touch $@

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache .hypothesis
