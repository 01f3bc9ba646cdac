# osm's prompt build against the prompt-assembly peers (tools/bench_peers.py; docs/performance.md).
#
#   make bench-peers            install the pinned peers into .peers/, build the trees, print the table
#   make bench-peers ROUNDS=15  more alternating runs per tool and tree
#
# files-to-prompt comes from PyPI into its own virtualenv, repomix from the npm registry into its
# own prefix; nothing is installed globally except node/npm themselves (apt, when missing and root).

PEERS_DIR              := .peers
FILES_TO_PROMPT_VERSION := 0.6
# repomix 1.x needs node >= 20; Debian's own nodejs is 18, which repomix 0.3.9 still supports.
REPOMIX_VERSION        ?= $(shell node -e 'process.stdout.write(+process.versions.node.split(".")[0] >= 20 ? "1.9.0" : "0.3.9")' 2>/dev/null || echo 0.3.9)
ROUNDS                 ?= 9
F2P                    := $(PEERS_DIR)/venv/bin/files-to-prompt
REPOMIX_PREFIX         := $(PEERS_DIR)/npm
# osm itself as users get it: a wheel install of the working tree (the editable .venv starts
# slower: its import hook costs ~6 ms), refreshed on every run.
OSM_VENV               := $(PEERS_DIR)/osm

.PHONY: bench-peers peers-node

peers-node:
	@command -v node >/dev/null && command -v npm >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq nodejs npm >/dev/null; \
	  else echo "bench-peers needs node and npm (apt-get install nodejs npm)"; exit 1; fi; }

$(F2P):
	$(PYTHON) -m venv $(PEERS_DIR)/venv
	$(PEERS_DIR)/venv/bin/python -m pip install --quiet files-to-prompt==$(FILES_TO_PROMPT_VERSION)

$(REPOMIX_PREFIX)/.installed-$(REPOMIX_VERSION): | peers-node
	npm install --silent --no-audit --no-fund --prefix $(REPOMIX_PREFIX) repomix@$(REPOMIX_VERSION)
	@touch $@

$(OSM_VENV)/bin/python:
	$(PYTHON) -m venv $(OSM_VENV)
	$(OSM_VENV)/bin/python -m pip install --quiet --upgrade pip

bench-peers: $(STAMP) $(F2P) $(REPOMIX_PREFIX)/.installed-$(REPOMIX_VERSION) $(OSM_VENV)/bin/python
	$(OSM_VENV)/bin/python -m pip install --quiet --force-reinstall --no-deps .
	$(OSM_VENV)/bin/python -m pip install --quiet .
	@echo "files-to-prompt $(FILES_TO_PROMPT_VERSION), repomix $(REPOMIX_VERSION) (node $$(node --version))"
	$(PY) tools/bench_peers.py --files-to-prompt $(F2P) \
	  --repomix $(REPOMIX_PREFIX)/node_modules/.bin/repomix \
	  --python $(OSM_VENV)/bin/python --osm $(OSM_VENV)/bin/osm \
	  --rounds $(ROUNDS) --work $(PEERS_DIR)/trees
