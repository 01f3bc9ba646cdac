"""The prompt workflows users run every day: goal rendering and a scripted shell session.

These go beyond the seed's micro-operations: each body is a whole user action, with
the engine built in `setup` (or per call where the action includes it). Output is
discarded; the session store is in memory so fsync latency stays out of the curve.
"""

from __future__ import annotations

import io
import os
import subprocess

from benchmarks import instructions
from benchmarks.common import TempDirBenchmark, require, source_tree, write_tree

try:
    from one_shot_man.scripting import Engine

    try:
        from one_shot_man.shell.shell import run_piped_session
    except ImportError:  # commits before shell/: the shell lived in scripting/terminal.py
        from one_shot_man.scripting.terminal import run_piped_session
    from one_shot_man.storage import clear_all_in_memory_sessions
    from one_shot_man.workflows import script_source, template_text
    from one_shot_man.workflows.goals import GoalRegistry, builtin_goals

    GOAL_NAMES = sorted(g.name for g in builtin_goals())
except ImportError:
    Engine = None
    GOAL_NAMES = ["comment-stripper"]


def _require() -> None:
    """Skip (through `require`) on commits without everything the imports above bind."""
    require("one_shot_man.scripting", "Engine")
    require(("one_shot_man.shell.shell", "one_shot_man.scripting.terminal"), "run_piped_session")
    require("one_shot_man.storage", "clear_all_in_memory_sessions")
    require("one_shot_man.workflows", "script_source", "template_text")
    require("one_shot_man.workflows.goals", "GoalRegistry", "builtin_goals")


class GoalRendering(TempDirBenchmark):
    """`show` in each built-in goal's mode with one note: template render of its prompt."""

    version = "1"
    params = GOAL_NAMES
    param_names = ["goal"]

    def setup(self, goal: str) -> None:
        _require()
        super().setup(goal)
        os.chdir(self.tmpdir)
        self.out = io.StringIO()
        self.engine = Engine(self.out, self.out, session_id="bench-goal", store="memory")
        definition = GoalRegistry(paths=[], warn=lambda _m: None).get(goal)
        self.engine.execute_script(definition.name, definition.script())
        self.engine.switch_mode(definition.name)
        self.engine.execute_command("note", ["Keep", "the", "public", "API", "stable."])

    def teardown(self, goal: str) -> None:
        self.engine.close()
        clear_all_in_memory_sessions()
        super().teardown(goal)

    def _show(self) -> None:
        self.out.seek(0)
        self.out.truncate()
        self.engine.execute_command("show", [])

    def time_render_goal(self, goal: str) -> None:
        self._show()

    def peakmem_render_goal(self, goal: str) -> None:
        self._show()

    def collect_garbage(self, goal: str) -> None:
        """A full QuickJS collection: run between the counted calls, not counted.

        A render leaves a little garbage on the long-lived engine; QuickJS collects when its
        allocated bytes pass a threshold that follows glibc's heap layout, so without this
        the one collection of ~15 calls fell into one counted region or the other by layout
        (tools/counting/collectors.py). The time_ benchmark keeps QuickJS's own timing.
        """
        self.engine.runtime.run_sync(lambda context: context.gc())

    # Instruction count (Callgrind; see benchmarks/instructions.py): the render without the
    # engine's garbage collections.
    track_render_goal_instructions = instructions.mirror(
        "time_render_goal", version="2", calls=5, between_calls="collect_garbage"
    )


class ScriptedShellSession(TempDirBenchmark):
    """A whole `osm code-review` session from piped lines: add, diff, note, show.

    Includes engine creation, the workflow script and closing, in a git repository
    with one changed file (so `diff` runs git, as it does for users).
    """

    version = "1"
    number = 1
    repeat = (5, 20, 20.0)
    LINES = ("add src/pkg0/module_0000.py", "diff", "note Review for bugs.", "show")

    def setup(self) -> None:
        _require()
        super().setup()
        repo = self.tmpdir / "repo"
        write_tree(repo / "src", source_tree(4, 512))
        git = ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.invalid"]
        subprocess.run(["git", "init", "-q", str(repo)], check=True)
        subprocess.run([*git, "-C", str(repo), "add", "."], check=True)
        subprocess.run([*git, "-C", str(repo), "commit", "-qm", "init"], check=True)
        with open(repo / "src/pkg0/module_0000.py", "a", encoding="utf-8") as fh:
            fh.write("changed = True\n")
        os.chdir(repo)
        self.template = template_text("code_review")
        self.script = script_source("code_review")

    def teardown(self) -> None:
        clear_all_in_memory_sessions()
        super().teardown()

    def _session(self) -> None:
        out = io.StringIO()
        engine = Engine(out, out, session_id="bench-shell", store="memory")
        engine.set_global("config", {"name": "code-review"})
        engine.set_global("args", [])
        engine.set_global("codeReviewTemplate", self.template)
        engine.execute_script("code-review", self.script)
        run_piped_session(engine, self.LINES, out, save=False)
        engine.close()
        clear_all_in_memory_sessions()

    def time_code_review_session(self) -> None:
        self._session()

    def peakmem_code_review_session(self) -> None:
        self._session()

    # Instruction count (Callgrind): git runs in its own process, which is not counted; the
    # count is osm's user-space side of the session.
    track_code_review_session_instructions = instructions.mirror(
        "time_code_review_session", version="1", calls=2
    )
