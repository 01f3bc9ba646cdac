"""Goal JSON files: any mutation of a valid goal gives a goal or a `GoalFileError` naming the
file (and the key when one is at fault), never another exception (issue 10 item 1)."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from one_shot_man.workflows.goals import GoalFileError, goal_from_dict, load_goal_file
from tests.properties import tally
from tests.properties.strategies import json_values, mutated
from tests.workflows.test_workflows_goals import FULL_GOAL

VALID = [
    json.dumps(FULL_GOAL, indent=2).encode(),
    json.dumps({"name": "small", "description": "d"}).encode(),
]


def _load(path: Path) -> None:
    try:
        goal = load_goal_file(path)
    except GoalFileError as exc:
        message = str(exc)
        assert message.startswith(f"{path}: "), message
        if exc.field is not None:
            assert exc.field.split("[")[0].split(".")[0].lower() in message.lower()
        return
    assert goal.name and goal.description


@given(st.sampled_from(VALID).flatmap(mutated))
def test_mutated_goal_files_load_or_name_the_file(scratch, data: bytes) -> None:
    tally.count()
    path = scratch() / "g.json"
    path.write_bytes(data)
    _load(path)


@given(
    st.sampled_from([*sorted(FULL_GOAL), "unknown"]),
    json_values,
)
def test_any_value_for_any_key(key: str, value: object) -> None:
    tally.count()
    data = {**FULL_GOAL, key: value}
    try:
        goal = goal_from_dict(data, source="/g/x.json")
    except GoalFileError as exc:
        assert exc.path == "/g/x.json"
        assert exc.field is None or exc.field.split("[")[0].split(".")[0] == key
        return
    assert goal.name


@given(st.sampled_from(range(len(FULL_GOAL["commands"]))), st.text(max_size=12), json_values)
def test_any_value_for_any_command_key(index: int, key: str, value: object) -> None:
    tally.count()
    commands = [dict(c) for c in FULL_GOAL["commands"]]
    commands[index][key or "name"] = value
    try:
        goal_from_dict({**FULL_GOAL, "commands": commands}, source="/g/x.json")
    except GoalFileError as exc:
        assert exc.field is not None and exc.field.startswith(f"commands[{index}]")
