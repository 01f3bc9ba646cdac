"""Prompt assembly (`one_shot_man/prompt/`): files, a diff and notes become the prompt text."""

from __future__ import annotations

from benchmarks import instructions
from benchmarks.common import TempDirBenchmark, require, source_tree, write_tree


class PromptAssembly(TempDirBenchmark):
    """Build the prompt from 1/10/100 files plus a diff and two notes (git stubbed out).

    The files are re-read on every build (as osm does, so the prompt shows what is on
    disk now); the diff is a fixed text so git's own cost stays out of the curve.
    """

    version = "1"
    params = [1, 10, 100]
    param_names = ["files"]

    def setup(self, files: int) -> None:
        # Commits before prompt/: prompt assembly lived in scripting/.
        places = ("one_shot_man.prompt.build", "one_shot_man.scripting.prompt")
        build_context = require(places, "build_context").build_context
        places = ("one_shot_man.prompt.context", "one_shot_man.scripting.context")
        ContextManager = require(places, "ContextManager").ContextManager
        super().setup(files)
        root = self.tmpdir / "project"
        paths = write_tree(root, source_tree(files, 1024))
        self.manager = ContextManager(root)
        for path in paths:
            self.manager.add_path(str(path))
        self.build_context = build_context
        diff_text = "diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-old\n+new\n"
        self.items = [
            {"type": "note", "label": "goal", "payload": "Review the change for bugs."},
            {"type": "diff", "label": "git diff HEAD", "payload": diff_text},
            {"type": "note", "label": "constraints", "payload": "Keep the public API."},
        ]

    def _build(self) -> str:
        return self.build_context(self.items, {"toTxtar": self.manager.to_txtar})

    def time_build_prompt(self, files: int) -> None:
        self._build()

    def peakmem_build_prompt(self, files: int) -> None:
        self._build()

    # Instruction count (Callgrind): the files are read with system calls, which are not counted.
    # The NUL scan's memchr and the copies' memcpy cost depends on where the file buffers sit
    # (offset modulo 64), so the 100-file count is the mean of 16 fixed heap layouts (version
    # 2; single layouts: standard deviation ~0.09%, range 0.39% over 16) and the 10-file count
    # the mean of 4 (version 3; one layout: 0.129% over 8 heap shifts, the mean of 4: 0.028%).
    track_build_prompt_instructions = instructions.mirror(
        "time_build_prompt",
        version="3",
        calls={1: 20, 10: 10, 100: 3},
        layouts={1: 1, 10: 4, 100: 16},
    )

    def track_prompt_bytes(self, files: int) -> int:
        return len(self._build().encode("utf-8"))

    track_prompt_bytes.unit = "bytes"
