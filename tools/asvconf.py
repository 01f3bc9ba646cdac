"""Read asv.conf.json (JSON with whole-line // comments) so the tools agree with asv on paths."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

#: Repository root: tools/ sits directly under it.
ROOT = Path(__file__).resolve().parent.parent


def load_conf(path: str | Path = ROOT / "asv.conf.json") -> dict[str, Any]:
    """Parse asv.conf.json; only whole-line ``//`` comments are allowed (that is all we write)."""
    text = Path(path).read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("//")]
    return json.loads("\n".join(lines))


def conf_path(key: str, default: str) -> Path:
    """A directory setting of asv.conf.json (``html_dir``, ``results_dir``...) as an absolute path."""
    return (ROOT / load_conf().get(key, default)).resolve()
