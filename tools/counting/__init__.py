"""Instruction counts of benchmark operations under Callgrind (docs/performance.md, "Counts").

Wall-clock time on a shared 2-core box cannot show a 2% change; the number of instructions a
deterministic operation executes can, to a few thousandths of a percent. This package runs one
operation of the asv suite in a fresh child process under Callgrind, counts only the measured
calls, and judges base against head in `make compare`.

Modules, one job each: `callgrind` reads Callgrind's output, `allocators` and `threads` name the
allocator and thread hand-off functions whose cost is left out of the gated figure, `shim` builds the client-request
library, `environment` fixes what the child sees and fingerprints the toolchain, `child` is the
script that runs under Callgrind, `harness` runs it and computes the figures, `record` keeps
the per-benchmark details beside asv's results, `gate` judges them, `cli` is `make bench-counts`
and the spread measurement.

Standard library only: the asv suite loads this package in environments that have nothing else.
"""
