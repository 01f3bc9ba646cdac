"""Config files: any text gives a `Config` whose issues name a line, a bad line never costs
a good one, and what the editor writes reads back the same (issue 10 item 1)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from one_shot_man.config import (
    load_from_path,
    load_from_reader,
    set_command_key_in_file,
    set_key_in_file,
)
from one_shot_man.config.parser import _WS
from one_shot_man.errors import ConfigError
from tests.properties import tally
from tests.properties.strategies import mutated

REAL_CONFIG = b"""# osm config
verbose true
color auto
editor vim
pager less -R
logLevel info
goal.paths ~/goals:./goals

[sessions]
maxAgeDays 30
maxCount 50
autoCleanupEnabled yes
cleanupIntervalHours 12

[code-review]
template ~/review.md

[prompt-flow]
template ./flow.md
"""

lines = st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\n"), max_size=60)
keys = st.text(
    st.characters(exclude_categories=["Cs"], exclude_characters=_WS + "#["), min_size=1, max_size=20
)
values = st.text(
    st.characters(exclude_categories=["Cs"], exclude_characters="\r\n"), max_size=40
).map(lambda v: v.rstrip(_WS).lstrip(_WS))
sections = st.text(
    st.characters(exclude_categories=["Cs"], exclude_characters="\r\n[]"), min_size=1, max_size=15
).filter(lambda s: s.strip(_WS) == s and s != "sessions")


def _check_config(cfg, text_lines: int) -> None:
    for issue in cfg.issues:
        assert issue.line is not None and 1 <= issue.line <= text_lines, issue
        assert f":{issue.line}: " in str(issue)
    for issue in cfg.validate():  # the schema check never raises either
        assert issue.path


@given(st.text(st.characters(exclude_categories=["Cs"]), max_size=500))
def test_any_text_loads_with_located_issues(text: str) -> None:
    tally.count()
    cfg = load_from_reader(text, source="/cfg/config")
    _check_config(cfg, text.count("\n") + 1)


@given(mutated(REAL_CONFIG))
def test_mutated_real_config_loads_from_disk(scratch, data: bytes) -> None:
    tally.count()
    path = scratch() / "config"
    path.write_bytes(data)
    try:
        cfg = load_from_path(path)
    except ConfigError as exc:  # only for the file itself (never for its content)
        raise AssertionError(f"content made the load fail: {exc}") from exc
    _check_config(cfg, data.count(b"\n") + 1)


@given(st.lists(lines, max_size=15), st.dictionaries(keys, values, min_size=1, max_size=5))
def test_a_bad_line_never_discards_a_good_one(noise: list[str], good: dict[str, str]) -> None:
    """Good `key value` lines after any junk (headers reset by `[]`) all load."""
    tally.count()
    named = {f"zzgood{i}.{k}": v for i, (k, v) in enumerate(good.items())}
    noise = [line for line in noise if "zzgood" not in line]
    body = []
    for i, (key, value) in enumerate(named.items()):
        body += [*noise[i :: len(named)], "[]", f"{key} {value}" if value else key]
    cfg = load_from_reader("\n".join(body), source="<t>")
    for key, value in named.items():
        assert cfg.global_options.get(key) == value


@given(
    st.dictionaries(keys, values, max_size=6),
    st.dictionaries(sections, st.dictionaries(keys, values, min_size=1, max_size=3), max_size=3),
)
@tally.examples(0.5)
def test_what_the_editor_writes_reads_back(scratch, glob, commands) -> None:
    tally.count()
    path = scratch() / "config"
    for key, value in glob.items():
        set_key_in_file(path, key, value)
    for section, options in commands.items():
        for key, value in options.items():
            set_command_key_in_file(path, section, key, value)
    cfg = load_from_path(path) if path.exists() else load_from_reader("", source=str(path))
    assert cfg.global_options == glob
    assert {name: opts for name, opts in cfg.commands.items() if opts} == commands
