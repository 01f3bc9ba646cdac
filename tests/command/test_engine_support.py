"""One engine factory: `script`, `goal` and the workflow commands all build through `new_engine`."""

from __future__ import annotations

import io
from typing import Any

import pytest

from one_shot_man.command import engine_support
from one_shot_man.command.builtins.goal import GoalCommand
from one_shot_man.command.builtins.script import ScriptCommand
from one_shot_man.command.builtins.workflows import CodeReviewCommand
from one_shot_man.command.engine_support import new_engine
from one_shot_man.scripting.engine import Engine
from one_shot_man.workflows.goals import GoalRegistry


class Made(Exception):
    """Raised by the recording factory so no command goes past building its engine."""


def test_log_options_are_passed_only_when_given() -> None:
    seen: list[dict[str, Any]] = []

    def factory(stdout: Any, stderr: Any, **options: Any) -> Any:
        seen.append(options)
        return "engine"

    out = io.StringIO()
    assert new_engine(factory, out, out, session="", store="", config=None, test_mode=False)
    assert seen[-1] == {"session_id": None, "store": None, "config": None, "test_mode": False}
    new_engine(
        factory, out, out, session="s", store="memory", config=None, test_mode=True, log_buffer=5
    )
    assert seen[-1] == {
        "session_id": "s",
        "store": "memory",
        "config": None,
        "test_mode": True,
        "log_buffer": 5,
    }


def test_the_default_factory_is_engine() -> None:
    out = io.StringIO()
    engine = new_engine(None, out, out, session="", store="memory", config=None, test_mode=True)
    try:
        assert type(engine) is Engine
    finally:
        engine.close()


@pytest.mark.parametrize("which", ["script", "goal", "code-review"])
def test_every_engine_command_builds_through_new_engine(
    which: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `script` used to have its own copy of the factory call.
    calls: list[dict[str, Any]] = []

    def recording(factory: Any, stdout: Any, stderr: Any, **options: Any) -> Any:
        calls.append(options)
        raise Made

    monkeypatch.setattr(engine_support, "new_engine", recording)
    out = io.StringIO()
    if which == "script":
        # The module imports `new_engine` when it runs, so the seam above is the one it uses.
        cmd: Any = ScriptCommand()
        cmd.options.script = "1"
        cmd.options.store = "memory"
        with pytest.raises(Exception) as info:
            cmd.execute([], out, out)
        assert isinstance(info.value.__cause__ or info.value, Made)
        assert calls and calls[0]["store"] == "memory"
        assert calls[0]["log_level"] is not None
        return
    import one_shot_man.command.builtins.goal as goal_module
    import one_shot_man.command.builtins.workflows as workflow_module

    for module in (goal_module, workflow_module):
        monkeypatch.setattr(module, "new_engine", recording)
    if which == "goal":
        cmd = GoalCommand(None, GoalRegistry(paths=[]), test_mode=True)
        args = ["commit-message"]
    else:
        cmd = CodeReviewCommand(None)
        args = []
    with pytest.raises(Made):
        cmd.execute(args, out, out)
    assert len(calls) == 1
