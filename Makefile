# The two commands: `make site` and `make test`. Each sets up what it needs.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-$(shell sha1sum requirements.txt | cut -c1-12)
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
export NO_MKDOCS_2_WARNING := 1

.PHONY: site serve test validate chromium nginx hugo release deploy clean bench

$(STAMP): requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	rm -f $(VENV)/.installed-* && touch $(STAMP)

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

test: $(STAMP) chromium nginx validate
	$(PY) -m pytest -q

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
	$(PY) -m benchmarks.run $(if $(SIZES),--sizes $(SIZES)) $(if $(BUILD_MAX),--build-max $(BUILD_MAX))

clean:
	rm -rf site site.tmp .site.lock .site.tmp-* .site.old-* .pytest_cache .cache
