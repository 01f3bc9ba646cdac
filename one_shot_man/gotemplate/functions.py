"""Built-in functions of the Go `text/template` port (`len`, `index`, `eq`, `printf`, ...).

Each raises `FuncError` with Go's message; the executor wraps it as
`error calling <name>: <message>`. `and`, `or` and `call` are listed here for arity and
name checks but evaluated by the executor, because they need unevaluated arguments.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable

from one_shot_man.gotemplate.formatting import (
    as_int,
    format_value,
    go_type_name,
    sprint,
    sprintf,
    sprintln,
)


class FuncError(Exception):
    """A built-in function failed; the message is Go's text after `error calling <name>: `."""


def truth(value: object) -> bool:
    """Go's `isTrue`: false, 0, nil and empty strings, slices and maps are false."""
    return bool(value)


# -- comparison ----------------------------------------------------------------------------

_BOOL, _NUM, _STR, _COMPLEX = 1, 2, 3, 4


def _basic_kind(v: object) -> int | None:
    """Go's basicKind; ints and floats share one kind (JS numbers have one type)."""
    if isinstance(v, bool):
        return _BOOL
    if isinstance(v, (int, float)):
        return _NUM
    if isinstance(v, str):
        return _STR
    if isinstance(v, complex):
        return _COMPLEX
    return None


def _eq(arg1: object, *arg2: object) -> bool:
    if not arg2:
        raise FuncError("missing argument for comparison")
    k1 = _basic_kind(arg1)
    for arg in arg2:
        k2 = _basic_kind(arg)
        if k1 != k2:
            if arg1 is not None and arg is not None:
                raise FuncError("incompatible types for comparison")
            truth_ = False
        elif k1 is not None:
            truth_ = arg1 == arg
        elif arg1 is None or arg is None:
            truth_ = (arg1 is None) == (arg is None)
        else:
            for v in (arg1, arg):
                if isinstance(v, (list, dict, set)):
                    raise FuncError(f"non-comparable type {format_value(v)}: {go_type_name(v)}")
            truth_ = arg1 == arg
        if truth_:
            return True
    return False


def _ne(arg1: object, arg2: object) -> bool:
    return not _eq(arg1, arg2)


def _lt(arg1: object, arg2: object) -> bool:
    k1 = _basic_kind(arg1)
    k2 = _basic_kind(arg2)
    if k1 is None or k2 is None:
        raise FuncError("invalid type for comparison")
    if k1 != k2:
        raise FuncError("incompatible types for comparison")
    if k1 in (_BOOL, _COMPLEX):
        raise FuncError("invalid type for comparison")
    less: bool = arg1 < arg2  # type: ignore[operator]  # one basic kind, checked above
    return less


def _le(arg1: object, arg2: object) -> bool:
    return _lt(arg1, arg2) or _eq(arg1, arg2)


def _gt(arg1: object, arg2: object) -> bool:
    return not _le(arg1, arg2)


def _ge(arg1: object, arg2: object) -> bool:
    return not _lt(arg1, arg2)


# -- collections -----------------------------------------------------------------------------


def _len(item: object) -> int:
    if item is None:
        raise FuncError("len of untyped nil")
    if isinstance(item, str):
        return len(item.encode("utf-8", "surrogatepass"))  # Go counts bytes
    if isinstance(item, (list, tuple, dict, set, frozenset, bytes)):
        return len(item)
    if hasattr(item, "__len__") and not isinstance(item, (int, float, bool)):
        return len(item)
    raise FuncError(f"len of type {go_type_name(item)}")


def _index_arg(index: object, cap: int) -> int:
    if index is None:
        raise FuncError("cannot index slice/array with nil")
    x = as_int(index)
    if x is None:
        raise FuncError(f"cannot index slice/array with type {go_type_name(index)}")
    if x < 0 or x > cap:
        raise FuncError(f"index out of range: {x}")
    return x


_ABSENT = object()


def _index(item: object, *indexes: object) -> object:
    if item is None:
        raise FuncError("index of untyped nil")
    for i, index in enumerate(indexes):
        if item is None:
            if i == 0:
                raise FuncError("index of untyped nil")
            raise FuncError("index of nil pointer")
        if isinstance(item, (list, tuple, str, bytes)):
            seq = item.encode("utf-8", "surrogatepass") if isinstance(item, str) else item
            x = _index_arg(index, len(seq))
            if x == len(seq):
                kind = "string" if isinstance(item, str) else "slice"
                raise FuncError(f"reflect: {kind} index out of range")
            item = seq[x]
        elif isinstance(item, dict):
            try:
                found = item.get(index, _ABSENT)
            except TypeError:
                found = _ABSENT
            if found is _ABSENT:
                # A JS object is a string-keyed map: Go rejects other key types.
                if not isinstance(index, str) and (not item or isinstance(next(iter(item)), str)):
                    if index is None:
                        raise FuncError("value is nil; should be of type string")
                    raise FuncError(f"value has type {go_type_name(index)}; should be string")
                found = None
            item = found
        else:
            raise FuncError(f"can't index item of type {go_type_name(item)}")
    return item


def _slice(item: object, *indexes: object) -> object:
    if item is None:
        raise FuncError("slice of untyped nil")
    if len(indexes) > 3:
        raise FuncError(f"too many slice indexes: {len(indexes)}")
    if isinstance(item, str):
        if len(indexes) == 3:
            raise FuncError("cannot 3-index slice a string")
        seq: object = item.encode("utf-8", "surrogatepass")
    elif isinstance(item, (list, tuple)):
        seq = item
    else:
        raise FuncError(f"can't slice item of type {go_type_name(item)}")
    size = len(seq)  # type: ignore[arg-type]
    idx = [0, size, size]
    for i, index in enumerate(indexes):
        idx[i] = _index_arg(index, size)
    if idx[0] > idx[1]:
        raise FuncError(f"invalid slice index: {idx[0]} > {idx[1]}")
    if len(indexes) == 3 and idx[1] > idx[2]:
        raise FuncError(f"invalid slice index: {idx[1]} > {idx[2]}")
    part = seq[idx[0] : idx[1]]  # type: ignore[index]
    if isinstance(item, str):
        return part.decode("utf-8", "replace")
    return part


# -- escaping --------------------------------------------------------------------------------


def _eval_args(args: tuple[object, ...]) -> str:
    """Go's evalArgs: a lone string as is, else Sprint with nil shown as `<no value>`."""
    if len(args) == 1 and isinstance(args[0], str):
        return args[0]
    return sprint(*("<no value>" if a is None else a for a in args))


_HTML = {"<": "&lt;", ">": "&gt;", "&": "&amp;", "'": "&#39;", '"': "&#34;", "\x00": "\ufffd"}


def html_escape_string(s: str) -> str:
    """Go's `template.HTMLEscapeString`."""
    if not any(c in s for c in "<>&'\"\x00"):
        return s
    return "".join(_HTML.get(c, c) for c in s)


_JS = {
    "\\": "\\\\",
    "'": "\\'",
    '"': '\\"',
    "<": "\\u003C",
    ">": "\\u003E",
    "&": "\\u0026",
    "=": "\\u003D",
}


def js_escape_string(s: str) -> str:
    """Go's `template.JSEscapeString`."""
    from one_shot_man.gotemplate.lexer import is_printable

    out = []
    for c in s:
        o = ord(c)
        if c in _JS:
            out.append(_JS[c])
        elif o < 0x20:
            out.append(f"\\u00{o:02X}")
        elif o < 0x80 or is_printable(c):
            out.append(c)
        else:
            out.append(f"\\u{o:04X}")
    return "".join(out)


_URL_SAFE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~")


def query_escape(s: str) -> str:
    """Go's `url.QueryEscape`: unreserved kept, space -> '+', the rest %XX."""
    out = []
    for b in s.encode("utf-8", "surrogatepass"):
        c = chr(b)
        if c in _URL_SAFE:
            out.append(c)
        elif c == " ":
            out.append("+")
        else:
            out.append(f"%{b:02X}")
    return "".join(out)


def _html(*args: object) -> str:
    return html_escape_string(_eval_args(args))


def _js(*args: object) -> str:
    return js_escape_string(_eval_args(args))


def _urlquery(*args: object) -> str:
    return query_escape(_eval_args(args))


def _not(arg: object) -> bool:
    return not truth(arg)


def _printf(fmt: object, *args: object) -> str:
    if not isinstance(fmt, str):
        raise FuncError(f"wrong type for value; expected string; got {go_type_name(fmt)}")
    return sprintf(fmt, *args)


def _placeholder(*args: object) -> object:  # pragma: no cover - executor evaluates these
    raise FuncError("internal error: evaluated by the executor")


def _and(*args: object) -> object:  # pragma: no cover
    return _placeholder(*args)


def _or(*args: object) -> object:  # pragma: no cover
    return _placeholder(*args)


def _call(*args: object) -> object:  # pragma: no cover
    return _placeholder(*args)


# name -> (function, minimum args, maximum args or None for variadic)
FuncEntry = tuple[Callable[..., object], int, "int | None"]

BUILTINS: dict[str, FuncEntry] = {
    "and": (_and, 1, None),
    "call": (_call, 1, None),
    "html": (_html, 0, None),
    "index": (_index, 1, None),
    "slice": (_slice, 1, None),
    "js": (_js, 0, None),
    "len": (_len, 1, 1),
    "not": (_not, 1, 1),
    "or": (_or, 1, None),
    "print": (sprint, 0, None),
    "printf": (_printf, 1, None),
    "println": (sprintln, 0, None),
    "urlquery": (_urlquery, 0, None),
    "eq": (_eq, 1, None),
    "ge": (_ge, 2, 2),
    "gt": (_gt, 2, 2),
    "le": (_le, 2, 2),
    "lt": (_lt, 2, 2),
    "ne": (_ne, 2, 2),
}

AND, OR, CALL = _and, _or, _call

_ARITY_CACHE: dict[object, tuple[int, int | None] | None] = {}


def arity(fn: Callable[..., object]) -> tuple[int, int | None] | None:
    """(min, max) positional arguments of a Python callable; None if it cannot be told."""
    key = getattr(fn, "__func__", fn)
    bound = key is not fn
    try:
        return _ARITY_CACHE[(key, bound)]
    except (KeyError, TypeError):
        pass
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        result = None
    else:
        low, high = 0, 0
        variadic = False
        for p in sig.parameters.values():
            if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
                high += 1
                if p.default is p.empty:
                    low += 1
            elif p.kind == p.VAR_POSITIONAL:
                variadic = True
            elif p.kind == p.KEYWORD_ONLY and p.default is p.empty:
                result = None
                break
        else:
            result = (low, None if variadic else high)
    if len(_ARITY_CACHE) > 1024:  # callables made on the fly must not pile up
        _ARITY_CACHE.clear()
    try:
        _ARITY_CACHE[(key, bound)] = result
    except TypeError:
        pass
    return result
