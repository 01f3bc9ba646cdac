"""Test helper: trust a project folder the way `osm trust DIR` does."""

from __future__ import annotations

import os
from typing import Any

from one_shot_man.command.builtins.trust import project_files
from one_shot_man.trust import default_store


def trust_folder(folder: str | os.PathLike[str], config: Any = None) -> dict[str, str]:
    """Record every goal and script file of `folder` as trusted; returns what was recorded."""
    files = project_files(os.fspath(folder), config)
    assert files, f"nothing to trust in {folder}"
    default_store().record(os.fspath(folder), files, "2026-01-01T00:00:00Z")
    return files
