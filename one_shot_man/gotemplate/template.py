"""Go `text/template` for osm: every prompt template is Go template syntax.

Public entry of the engine (lexer -> parser -> AST -> executor in the sibling
modules). A `Template` is parsed once and executed many times; templates created by
`new`, `{{define}}` and `{{block}}` share one namespace and one function map, as in Go.

    t = Template("prompt").funcs({"upper": str.upper}).parse("**{{.d | upper}}**")
    t.execute({"d": "review"})  # '**REVIEW**'

Data: dicts behave as Go maps, lists/tuples as slices, other objects expose attributes
as fields and methods; callables stored in dicts are called like methods.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from one_shot_man.gotemplate import executor as _exec
from one_shot_man.gotemplate import functions as _funcs
from one_shot_man.gotemplate.errors import (
    TemplateError,
    TemplateExecError,
    TemplateParseError,
)
from one_shot_man.gotemplate.formatting import format_value, sprint, sprintf, sprintln
from one_shot_man.gotemplate.functions import html_escape_string, js_escape_string
from one_shot_man.gotemplate.lexer import go_quote
from one_shot_man.gotemplate.parser import ListNode, Source, is_empty_tree, parse

__all__ = [
    "Template",
    "TemplateError",
    "TemplateExecError",
    "TemplateParseError",
    "execute",
    "format_value",
    "html_escape_string",
    "js_escape_string",
    "must",
    "sprint",
    "sprintf",
    "sprintln",
]

_IDENT = re.compile(r"^[^\W\d]\w*$")
_MISSINGKEY = {
    "invalid": _exec.MISSINGKEY_INVALID,
    "default": _exec.MISSINGKEY_INVALID,
    "zero": _exec.MISSINGKEY_ZERO,
    "error": _exec.MISSINGKEY_ERROR,
}


class _Common:
    """What all associated templates share: the name -> template map and the functions."""

    __slots__ = ("funcs", "templates")

    def __init__(self) -> None:
        self.templates: dict[str, Template] = {}
        self.funcs: dict[str, tuple[Callable[..., Any], int | None, int | None]] = {}

    def has_function(self, name: str) -> bool:
        """Parse-time check: user functions and built-ins are callable by name."""
        return name in self.funcs or name in _funcs.BUILTINS


class Template:
    """A named Go template; see the module docstring."""

    __slots__ = ("_common", "_left", "_missingkey", "_name", "_right", "_root", "_src")

    def __init__(self, name: str) -> None:
        self._name = name
        self._common = _Common()
        self._root: ListNode | None = None
        self._src: Source | None = None
        self._left = "{{"
        self._right = "}}"
        self._missingkey = _exec.MISSINGKEY_INVALID

    def __repr__(self) -> str:
        return f"<Template {self._name!r}>"

    def name(self) -> str:
        """The template's name."""
        return self._name

    def new(self, name: str) -> Template:
        """A new, empty template associated with this one (same namespace, functions,
        delimiters and options), like Go's `Template.New`."""
        t = Template(name)
        t._common = self._common
        t._left, t._right, t._missingkey = self._left, self._right, self._missingkey
        return t

    def funcs(self, mapping: Mapping[str, Callable[..., Any]]) -> Template:
        """Add functions to the shared map; call before `parse`, which checks names."""
        for name, fn in mapping.items():
            if not _IDENT.match(name):
                raise TemplateError(
                    f"template: function name {go_quote(name)} is not a valid identifier"
                )
            if not callable(fn):
                raise TemplateError(f"template: value for {name} not a function")
        for name, fn in mapping.items():
            shape = _funcs.arity(fn)
            low, high = shape if shape is not None else (None, None)
            self._common.funcs[name] = (fn, low, high)
        return self

    def option(self, *opts: str) -> Template:
        """Go options; only `missingkey=default|invalid|zero|error` exists."""
        for opt in opts:
            key, sep, value = opt.partition("=")
            if not sep or key != "missingkey" or value not in _MISSINGKEY:
                raise TemplateError(f"template: unrecognized option: {opt}")
            self._missingkey = _MISSINGKEY[value]
        return self

    def delims(self, left: str = "", right: str = "") -> Template:
        """Action delimiters for later `parse` calls; empty means the default `{{` / `}}`."""
        self._left = left or "{{"
        self._right = right or "}}"
        return self

    def parse(self, text: str) -> Template:
        """Parse `text` as this template's body; `{{define}}`s join the namespace.

        Raises TemplateParseError (`template: <name>:<line>: <message>`); on error the
        namespace is left as it was.
        """
        trees, src = parse(self._name, text, self._common.has_function, self._left, self._right)
        for name, root in trees.items():
            self._add_parse_tree(name, root, src)
        return self

    def _add_parse_tree(self, name: str, root: ListNode, src: Source) -> None:
        target = self if name == self._name else self.new(name)
        templates = self._common.templates
        old = templates.get(name)
        if old is not None and is_empty_tree(root) and old._root is not None:
            # Go keeps an existing body rather than replacing it with an empty one.
            if target._root is None:
                target._root, target._src = root, src
            return
        templates[name] = target
        target._root, target._src = root, src

    def clone(self) -> Template:
        """A copy of this template and its associates (Go's `Clone`): later `parse`/`funcs`
        on either side do not affect the other. Parsed trees are immutable and shared."""
        common = _Common()
        common.funcs = dict(self._common.funcs)
        copies: dict[int, Template] = {}

        def copy_of(t: Template) -> Template:
            """One copy per original, so aliases stay aliases."""
            if id(t) not in copies:
                c = Template(t._name)
                c._common = common
                c._root, c._src = t._root, t._src
                c._left, c._right, c._missingkey = t._left, t._right, t._missingkey
                copies[id(t)] = c
            return copies[id(t)]

        for name, t in self._common.templates.items():
            common.templates[name] = copy_of(t)
        return copy_of(self)

    def lookup(self, name: str) -> Template | None:
        """The associated template of that name, or None."""
        return self._common.templates.get(name)

    def templates(self) -> list[Template]:
        """All associated templates that have been defined."""
        return list(self._common.templates.values())

    def defined_templates(self) -> str:
        """Go's `DefinedTemplates`: `; defined templates are: "a", "b"` or ``."""
        names = [go_quote(n) for n in self._common.templates]
        return "; defined templates are: " + ", ".join(names) if names else ""

    def execute(self, data: object = None) -> str:
        """Render with `data` as dot and `$`. Raises TemplateExecError on failure."""
        return _exec.execute(self, data)

    def execute_pieces(self, data: object = None) -> list[str]:
        """`execute` as the list of output pieces (joined, they are its text)."""
        return _exec.execute_pieces(self, data)

    def execute_template(self, name: str, data: object = None) -> str:
        """Render the associated template `name`."""
        tmpl = self._common.templates.get(name)
        if tmpl is None:
            raise TemplateExecError(
                f"template: no template {go_quote(name)} associated with template "
                f"{go_quote(self._name)}"
            )
        return _exec.execute(tmpl, data)


def must(t: Template) -> Template:
    """Go's `template.Must` for symmetry; errors already raise."""
    return t


def execute(text: str, data: object = None, *, name: str = "template") -> str:
    """Parse and execute in one step (the `osm:text/template` module's `execute`)."""
    return Template(name).parse(text).execute(data)
