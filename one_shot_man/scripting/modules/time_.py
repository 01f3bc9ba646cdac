"""`osm:time`: `sleep(ms)`, which blocks the JavaScript thread (spec §5.3.5)."""

from __future__ import annotations

import time
from collections.abc import Callable

TYPE_CHECKING = False  # typing costs ~2 ms to import; annotations only need it for checkers
if TYPE_CHECKING:
    from typing import Any

    from one_shot_man.scripting.engine import Engine

JS = r"""(function (module, exports, osm) {
'use strict';
exports.sleep = function sleep(ms) {
  const n = Number(ms);
  if (n > 0) osm.call('time.sleep', n);
};
})
"""


def ops(engine: Engine) -> dict[str, Callable[..., Any]]:
    return {"time.sleep": lambda ms: time.sleep(ms / 1000.0)}
