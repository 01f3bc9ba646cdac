"""Errors of the Go `text/template` port.

Kept in their own module so the lexer, parser and executor can raise them without
importing each other; `template.py` re-exports them as the public names.
"""

from __future__ import annotations

from one_shot_man.errors import ScriptError


class TemplateError(ScriptError):
    """A template failed to parse or execute; the message is Go's (`template: name:line: ...`)."""


class TemplateParseError(TemplateError):
    """Parsing failed: `template: <name>:<line>: <message>`."""


class TemplateExecError(TemplateError):
    """Execution failed: `template: <name>:<line>:<col>: executing "<name>" at <node>: ...`."""
