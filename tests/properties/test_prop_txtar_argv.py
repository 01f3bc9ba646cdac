"""Round trips of the two small text formats: txtar archives and shell-like argv lines
(`parse(format(x)) == x`), and neither parser fails on any text (issue 10 item 1)."""

from __future__ import annotations

from hypothesis import assume, given
from hypothesis import strategies as st

from one_shot_man.argv import before_cursor, format_argv, parse_argv
from one_shot_man.prompt.txtar import fix_nl, format_txtar, parse_txtar
from tests.properties import tally

chars = st.characters(exclude_categories=["Cs"])
any_text = st.text(st.one_of(chars, st.sampled_from("-\n \r\t'\"\\")), max_size=200)

# A file name txtar can carry: one line, not blank, no surrounding spaces, no " --" end.
names = st.text(
    st.characters(exclude_categories=["Cs"], exclude_characters="\n\r"), min_size=1, max_size=20
).filter(lambda n: n.strip() == n and n and not n.endswith(" --"))
# Data can hold anything except a line that would read as a marker.
datas = st.text(st.one_of(chars, st.sampled_from("-\n ")), max_size=200)


def _has_marker(text: str) -> bool:
    return any(parse_txtar(line + "\n")[1] for line in text.replace("\r", "").split("\n") if line)


@given(st.lists(st.tuples(names, datas), max_size=6), datas)
def test_txtar_round_trip(files: list[tuple[str, str]], comment: str) -> None:
    assume(not any(_has_marker(d) for _, d in files) and not _has_marker(comment))
    tally.count()
    parsed_comment, parsed = parse_txtar(format_txtar(files, comment))
    assert parsed_comment == fix_nl(comment)
    assert parsed == [(n, fix_nl(d)) for n, d in files]


@given(any_text)
def test_txtar_parse_any_text_and_reformat(text: str) -> None:
    """Any text parses; formatting what was parsed and parsing again is a fixed point."""
    tally.count()
    comment, files = parse_txtar(text)
    again = parse_txtar(format_txtar(files, comment))
    assert again == (comment, files)


@given(
    st.lists(st.text(st.one_of(chars, st.sampled_from(" \t\n'\"\\$`")), max_size=15), max_size=6)
)
def test_argv_round_trip(args: list[str]) -> None:
    tally.count()
    assert parse_argv(format_argv(args)) == args


@given(any_text)
def test_argv_parses_any_line(text: str) -> None:
    tally.count()
    tokens = parse_argv(text)
    assert all(isinstance(t, str) for t in tokens)
    _done, _current, start = before_cursor(text)
    assert 0 <= start <= len(text)
    assert parse_argv(format_argv(tokens)) == tokens
