# Continuous benchmarking with asv (airspeed velocity). How to read the output: docs/performance.md.
# Every target installs .venv (with asv) first, and everything asv writes stays under .asv/.
#
#   make bench              benchmark HEAD (full suite), record it, publish the dashboard
#   make bench-quick        every wall-time benchmark once on the working tree; nothing recorded
#   make bench-counts       every instruction-count benchmark once on the working tree, as a table
#   make bench-smoke        CI: `asv check` + bench-quick + bench-counts (every benchmark runs)
#   make bench-tools        install valgrind and a C compiler for the counts if missing (root+apt)
#   make history N=20       record the last N commits of main (HISTORY_REF), skipping recorded ones
#   make compare BASE=main  PR review: BASE vs HEAD side by side, Markdown table, exit 1 on a
#                           confirmed regression or a count regression (2 = a benchmark crashes)
#   make dashboard          publish .asv/html, vendored so it renders offline
#   make dashboard-check    render the dashboard in headless chromium with no network, assert it
#
# Variables: BENCH=regex (only matching benchmarks, asv -b), ASV_MACHINE (default: hostname),
# N, HISTORY_REF, BASE, COMPARE_HEAD (default HEAD), REPORT_FACTOR (1.1), FAIL_FACTOR (1.4),
# COUNT_THRESHOLD (1: % more instructions per call that fails compare), COUNT_REPORT (0.5: %
# change listed), ASV_ARGS (extra arguments for the recording `asv run` of bench and history).

ASV           := $(VENV)/bin/asv
# One machine name per box (results/<machine>/ and ~/.asv-machine.json are keyed by it). asv's own
# default is the hostname; we pass it explicitly to every command so a second entry in
# ~/.asv-machine.json can never split the results. Set ASV_MACHINE where hostnames are not stable.
ASV_MACHINE   ?= $(shell uname -n)
ASV_HTML      := .asv/html
BENCH         ?=
N             ?= 20
HISTORY_REF   ?= main
BASE          ?= main
COMPARE_HEAD  ?= HEAD
REPORT_FACTOR ?= 1.1
FAIL_FACTOR   ?= 1.4
COUNT_THRESHOLD ?= 1
COUNT_REPORT  ?= 0.5
ASV_ARGS      ?=
BENCH_FILTER  := $(if $(BENCH),-b '$(BENCH)')
# The working tree's interpreter: .venv has the project installed in editable mode.
ASV_EXISTING  := -E existing:$(CURDIR)/$(PY)
# Every benchmark once against the working tree; --dry-run because asv 0.6.6 would otherwise
# save these one-sample numbers over real ones.
QUICK_RUN     = $(ASV) run --machine $(ASV_MACHINE) $(ASV_EXISTING) --quick --dry-run \
	--show-stderr --durations 5

# --- Instruction counts (track_*_instructions, tools/counting/) ------------------------------
# asv -b takes one regex (re.search on the name); these select the count benchmarks, or all the
# others, narrowed further by BENCH when it is set.
COUNT_RX      := \.track_\w+_instructions(\(|$$)
COUNT_FILTER  := -b '^(?=.*$(COUNT_RX))$(if $(BENCH),(?=.*$(BENCH)))'
TIME_FILTER   := -b '^(?!.*$(COUNT_RX))$(if $(BENCH),(?=.*$(BENCH)))'
COUNTS_DIR    := .asv/counts
# One id per make run: the first count twin asv runs for a commit then counts the whole BENCH
# selection two Callgrind children at a time, the others take their result from it
# (tools/counting/prefetch.py). Plain `asv run` without these counts twin by twin.
ifndef OSM_COUNT_RUN
OSM_COUNT_RUN := $(shell od -An -N8 -tx8 /dev/urandom | tr -d ' ')
endif
OSM_COUNT_SELECT ?= $(BENCH)
export OSM_COUNT_RUN OSM_COUNT_SELECT

.PHONY: bench bench-quick bench-smoke history compare dashboard dashboard-check bench-machine
.PHONY: bench-counts bench-tools

# `make bench-help` lists these targets (the Makefile's own `help` points at docs/performance.md).
.PHONY: bench-help
bench-help:
	@echo "make bench             full asv run of HEAD, results recorded, dashboard published"
	@echo "make bench-quick       every wall-time benchmark once against the working tree (nothing recorded)"
	@echo "make bench-counts      every instruction-count benchmark once on the working tree, as a table"
	@echo "make bench-smoke       asv check + bench-quick + bench-counts, what CI runs"
	@echo "make bench-tools       install valgrind + a C compiler for the counts where missing"
	@echo "make history N=20      record the last N commits of main (skips recorded ones)"
	@echo "make compare BASE=main PR review: Markdown table, fails on a confirmed regression"
	@echo "make dashboard         publish .asv/html (offline); view: .venv/bin/asv preview"
	@echo "make dashboard-check   render the dashboard in headless chromium without network"
	@echo "make bench-peers       osm's prompt build against files-to-prompt and repomix (mk/peers.mk)"

# Writes/refreshes this box's entry in ~/.asv-machine.json without questions (0.3 s).
bench-machine: $(STAMP) bench-tools
	@$(ASV) machine --yes --machine $(ASV_MACHINE) >/dev/null

# The count benchmarks need valgrind (with its C headers: Debian's `valgrind` package) and a C
# compiler for the client-request shim. Installed here when missing and we may (root + apt-get);
# otherwise one line says why the count benchmarks will skip. The wall-time suite needs neither.
bench-tools:
	@missing=""; command -v valgrind >/dev/null && [ -f /usr/include/valgrind/callgrind.h ] || \
	  missing=" valgrind"; command -v cc >/dev/null || command -v gcc >/dev/null || missing="$$missing gcc"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "bench-tools: installing$$missing (apt-get) for the instruction counts"; \
	    (apt-get install -y -qq $$missing >/dev/null 2>&1 || \
	     (apt-get update -qq >/dev/null && apt-get install -y -qq $$missing >/dev/null)) || \
	    echo "bench-tools: apt-get install $$missing failed: count benchmarks will skip"; \
	  else \
	    echo "bench-tools: $$missing missing and not root with apt-get: count benchmarks will skip"; \
	  fi; \
	fi

# Publish the dashboard and make it offline-capable (asv publish rewrites index.html each time).
PUBLISH = $(ASV) publish && $(PY) tools/vendor_dashboard.py && \
	echo "Dashboard: $(CURDIR)/$(ASV_HTML)/index.html" && \
	echo "Preview:   $(ASV) preview   (serves it on http://127.0.0.1:8080; no internet needed)"

bench: bench-machine
	@git diff --quiet HEAD -- one_shot_man setup.cfg pyproject.toml || \
	  echo "NOTE: uncommitted library changes are NOT benchmarked (asv builds the commit); use make bench-quick"
	@rc=0; $(ASV) run --machine $(ASV_MACHINE) --show-stderr --record-samples $(BENCH_FILTER) \
	  $(ASV_ARGS) "HEAD^!" || rc=$$?; \
	$(PUBLISH) || exit $$?; \
	if [ $$rc -ne 0 ]; then echo "make bench: asv run exited $$rc (2 = a benchmark raised, 1 = build/import failed)"; fi; \
	exit $$rc

bench-quick: bench-machine
	$(QUICK_RUN) $(TIME_FILTER)

# The development loop for counts: the working tree's library (uncommitted changes included),
# every count benchmark once (~2 min), then a table with the change against the previous run.
# Exit 1 if a count benchmark failed, or skipped although this machine can count.
bench-counts: bench-machine
	@rm -rf $(COUNTS_DIR)/previous $(COUNTS_DIR)/prefetch && mkdir -p $(COUNTS_DIR)/previous && \
	  { [ ! -d $(COUNTS_DIR)/worktree ] || mv $(COUNTS_DIR)/worktree $(COUNTS_DIR)/previous/; }
	@rc=0; $(QUICK_RUN) $(COUNT_FILTER) || rc=$$?; \
	$(PY) tools/counting/cli.py report --previous $(COUNTS_DIR)/previous \
	  $(if $(BENCH),--bench '$(BENCH)') || { [ $$rc -ne 0 ] || rc=1; }; exit $$rc

bench-smoke: bench-machine
	$(ASV) check $(ASV_EXISTING)
	$(QUICK_RUN) $(TIME_FILTER)
	$(MAKE) --no-print-directory bench-counts

history: bench-machine
	@mkdir -p .asv
	@git rev-list -n $(N) $(HISTORY_REF) > .asv/history-hashes
	@$(if $(SHARD_FILTER),$(SHARD_FILTER) .asv/history-hashes)
	@rc=0; $(ASV) run --machine $(ASV_MACHINE) --show-stderr --record-samples \
	  --skip-existing-commits $(BENCH_FILTER) $(ASV_ARGS) HASHFILE:.asv/history-hashes || rc=$$?; \
	if [ $$rc -eq 2 ]; then \
	  echo "make history: some benchmarks raised on some commits (expected for commits older than"; \
	  echo "the API they measure; see the dashboard or 'asv show'); results are recorded"; rc=0; fi; \
	[ $$rc -eq 0 ] || exit $$rc; $(PUBLISH)

compare: bench-machine
	@$(PY) tools/asv_compare.py --base '$(BASE)' --head '$(COMPARE_HEAD)' --machine $(ASV_MACHINE) \
	  --report-factor $(REPORT_FACTOR) --fail-factor $(FAIL_FACTOR) $(if $(BENCH),--bench '$(BENCH)') \
	  --count-threshold $(COUNT_THRESHOLD) --count-report $(COUNT_REPORT)

dashboard: $(STAMP)
	@$(PUBLISH)

dashboard-check: $(STAMP)
	$(PY) tools/check_dashboard.py
