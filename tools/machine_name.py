#!/usr/bin/env python3
"""A machine name for asv that is made of the hardware facts, for runners whose hostname is random.

CI runners are new machines every time, with random hostnames, and a hosted runner pool mixes CPU
models. Naming results by hostname would give every run its own one-point graph; one fixed name
would mix CPUs in one line (tools/merge_results.py then refuses to merge). A name made of the very
facts the merge compares (arch, CPU count, RAM in GiB, CPU model) keeps runs of one kind of
hardware in one series and different hardware apart, with no configuration.

Prints e.g. `gha-x86_64-4cpu-16g-amd-epyc-7763-64-core-processor`. Facts come from asv itself
(`asv.machine.Machine.get_defaults`), so they are exactly what `asv machine --yes` records.
"""

from __future__ import annotations

import argparse
import re
import sys
from typing import Any


def machine_name(facts: dict[str, Any], prefix: str) -> str:
    """Lower-case, [a-z0-9.-_] only, at most 80 characters (a directory name under results/)."""
    try:
        ram_gib = round(float(facts.get("ram") or 0) / 2**30)
    except ValueError:
        ram_gib = 0
    cpu = re.sub(r"\(r\)|\(tm\)|@.*$", "", str(facts.get("cpu") or "unknown-cpu").lower())
    parts = [prefix, str(facts.get("arch") or "arch"), f"{facts.get('num_cpu') or 0}cpu"]
    parts += [f"{ram_gib}g", cpu]
    name = re.sub(r"[^a-z0-9._]+", "-", "-".join(p for p in parts if p).lower()).strip("-")
    return name[:80].rstrip("-")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--prefix", default="ci", help="first part of the name (default ci)")
    args = parser.parse_args(argv)
    try:
        from asv.machine import Machine
    except ImportError:
        print("machine_name: asv is not installed here: run `make venv`", file=sys.stderr)
        return 2
    print(machine_name(Machine.get_defaults(), args.prefix))
    return 0


if __name__ == "__main__":
    sys.exit(main())
