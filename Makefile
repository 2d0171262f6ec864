# The two commands: `make site` and `make test`. Each sets up what it needs.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-$(shell sha1sum requirements.txt | cut -c1-12)
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
export NO_MKDOCS_2_WARNING := 1

.PHONY: site serve test validate chromium clean bench

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

test: $(STAMP) chromium validate
	$(PY) -m pytest -q

# Benchmark on generated data: `make bench SIZES=1000,10000` (default 1000,10000,100000; builds up to BUILD_MAX agencies).
bench: $(STAMP)
	$(PY) -m benchmarks.run $(if $(SIZES),--sizes $(SIZES)) $(if $(BUILD_MAX),--build-max $(BUILD_MAX))

clean:
	rm -rf site site.tmp .site.lock .site.tmp-* .site.old-* .pytest_cache .cache
