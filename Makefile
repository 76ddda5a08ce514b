# Two commands for a fresh Debian/Ubuntu machine with Python 3.11+:
#   make demo   set up, then build every demo chamber (sites and newsletters) into sites/
#   make test   set up with the test extra, then run the whole test suite
#   make docs   build the user guide (Chinese) and the developer guide (English) into site-docs/
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

# Debian packages: CJK fonts for the newsletter PDFs (HarfBuzz subsetting makes embedding them fast);
# poppler-utils and chromium for the tests; openssh-server for the publish tests (an SFTP server on 127.0.0.1);
# a Java runtime for the Nu Html Checker (vnu.jar, npm's vnu-jar) in tests/test_site_care.py.
APT_RUN := fonts-noto-cjk fonts-dejavu-core fontconfig libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
APT_TEST := poppler-utils chromium openssh-server openssh-client default-jre-headless

# Install the Debian packages that are missing, where apt-get exists (sudo when not root).
define apt_ensure
	@if command -v apt-get >/dev/null 2>&1; then \
	  missing=$$(for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	  if [ -n "$$missing" ]; then \
	    sudo=$$([ "$$(id -u)" -eq 0 ] || echo sudo); \
	    echo "installing Debian packages:" $$missing; \
	    $$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq $$missing >/dev/null; \
	  fi; \
	fi
endef

.PHONY: demo test docs bench lighthouse setup setup-test clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $@

setup: $(VENV)/.installed
	$(call apt_ensure,$(APT_RUN))

# npm's tools (package.json, package-lock.json): axe-core for the accessibility checks in the browser tests,
# vnu-jar (the Nu Html Checker) for the markup checks, lighthouse for `make lighthouse` (bench/lighthouse.py).
node_modules/axe-core/axe.min.js: package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || { sudo=$$([ "$$(id -u)" -eq 0 ] || echo sudo); \
	  echo "installing Debian packages: nodejs npm"; $$sudo apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq nodejs npm >/dev/null; }
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

setup-test: $(VENV)/.installed-test node_modules/axe-core/axe.min.js
	$(call apt_ensure,$(APT_RUN) $(APT_TEST))

demo: setup
	$(BIN)/chamber build --all
	$(BIN)/chamber audit
	@echo
	@echo "Open sites/index.html (the portal) or sites/<slug>/index.html in a browser;"
	@echo "the seven-haves report for the supervising office is sites/_audit/index.html (not for publishing)."

test: setup-test
	$(BIN)/ruff check generator tests bench docs
	$(BIN)/ruff format --check generator tests bench docs
	$(BIN)/python -m pytest -q

# The guides (docs/mkdocs.yml; the reference page is made from the code's schemas by docs/hooks.py).
docs: setup
	NO_MKDOCS_2_WARNING=1 $(BIN)/python -m mkdocs build --strict -f docs/mkdocs.yml
	@echo
	@echo "Open site-docs/index.html in a browser (the user guide; the developer guide is its second tab)."

# Build times on corpora of several shapes (bench/run.py); e.g. BENCH="--shapes today --repeat 1 --skip-stock".
bench: setup-test
	$(BIN)/python -m bench.run $(BENCH)

# Lighthouse (mobile) on the demo sites served gzip-compressed; scores into bench/RESULTS.md (LABEL=after).
LABEL ?= latest
lighthouse: setup-test
	$(BIN)/python -m bench.lighthouse --label $(LABEL)

clean:
	rm -rf sites/*/ sites/index.html sites/.chamber .cache site-docs

# The interface's catalogue (generator/i18n.py): the English messages of the code extracted, and merged into
# the Chinese .po (new ones empty, changed ones fuzzy until translated; tests/test_i18n.py says which), then
# compiled beside it (chamberpress.mo, what a command reads while it is the .po's).
CATALOGUE := generator/locale/zh_CN/LC_MESSAGES/chamberpress.po
.PHONY: messages
messages: $(VENV)/.installed
	$(BIN)/python -m babel.messages.frontend extract -F pyproject.toml --add-location=file --sort-by-file \
	  --no-wrap --project=ChamberPress -o $(VENV)/chamberpress.pot generator
	$(BIN)/python -m babel.messages.frontend update -i $(VENV)/chamberpress.pot -o $(CATALOGUE) -l zh_CN \
	  --no-wrap --ignore-obsolete
	$(BIN)/python -m chamberpress.i18n
