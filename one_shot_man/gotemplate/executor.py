"""Executor of the Go `text/template` port: walks a parsed tree against data.

Semantics follow Go's `text/template/exec.go`: dicts are maps (missing key -> `<no value>`
or the `missingkey` option), other objects expose attributes as fields and methods,
pipelines pass their value as the last argument, variables are scoped to the enclosing
control structure, and errors read `template: name:line:col: executing "name" at <node>: ...`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, NoReturn

from one_shot_man.gotemplate import functions as fx
from one_shot_man.gotemplate.errors import TemplateExecError
from one_shot_man.gotemplate.formatting import as_int, format_value, go_type_name
from one_shot_man.gotemplate.lexer import go_quote
from one_shot_man.gotemplate.parser import (
    ActionNode,
    BoolNode,
    BreakNode,
    ChainNode,
    CommandNode,
    ContinueNode,
    DotNode,
    FieldNode,
    IdentifierNode,
    IfNode,
    ListNode,
    NilNode,
    Node,
    NumberNode,
    PipeNode,
    RangeNode,
    StringNode,
    TemplateNode,
    TextNode,
    VariableNode,
    WithNode,
)

MISSINGKEY_INVALID = 0
MISSINGKEY_ZERO = 1
MISSINGKEY_ERROR = 2

# Go allows 100000 nested {{template}} calls; Python's stack allows far fewer.
MAX_EXEC_DEPTH = 100


class _Missing:
    """A map key that is absent (Go's invalid reflect.Value), distinct from an explicit nil."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<missing>"


MISSING: Any = _Missing()
NO_FINAL: Any = object()  # "no value piped in" (Go's missingVal)

# Types whose attributes are not template fields (Go's basic kinds have no methods).
_PLAIN_TYPES = (str, int, float, bool, complex, list, tuple, bytes, set, frozenset)


class _Break(Exception):
    pass


class _Continue(Exception):
    pass


class State:
    """One execution: output buffer, variable stack, current template and node."""

    __slots__ = ("depth", "node", "out", "tmpl", "vars")

    def __init__(self, tmpl: Any, out: list[str]) -> None:
        self.tmpl = tmpl
        self.out = out
        self.vars: list[list[Any]] = []
        self.node: Node | None = None
        self.depth = 0

    # -- errors ----------------------------------------------------------------------------

    def errorf(self, message: str) -> NoReturn:
        """Raise Go's execution error for the current node (location, template, context)."""
        name = self.tmpl._name
        node = self.node
        if node is None:
            raise TemplateExecError(f"template: {name}: {message}")
        context = str(node)
        if len(context) > 20:
            context = context[:20] + "..."
        location = node.src.location(node.pos)
        raise TemplateExecError(
            f"template: {location}: executing {go_quote(name)} at <{context}>: {message}"
        )

    # -- variables -------------------------------------------------------------------------

    def var_value(self, name: str) -> Any:
        """Innermost variable of that name (Go searches the stack from the top)."""
        for i in range(len(self.vars) - 1, -1, -1):
            if self.vars[i][0] == name:
                return self.vars[i][1]
        self.errorf(f"undefined variable: {name}")

    def set_var(self, name: str, value: Any) -> None:
        """`$x = v`: assign to the innermost existing variable."""
        for i in range(len(self.vars) - 1, -1, -1):
            if self.vars[i][0] == name:
                self.vars[i][1] = value
                return
        self.errorf(f"undefined variable: {name}")

    # -- walking -----------------------------------------------------------------------------

    def walk(self, dot: Any, node: Node) -> None:
        """Execute one node, appending output; dispatch on the exact node type for speed."""
        t = type(node)
        if t is TextNode:
            self.out.append(node.text)  # type: ignore[attr-defined]
        elif t is ActionNode:
            self.node = node
            pipe = node.pipe  # type: ignore[attr-defined]
            value = self.eval_pipeline(dot, pipe)
            if not pipe.decl:
                self.print_value(node, value)
        elif t is ListNode:
            walk = self.walk
            for n in node.nodes:  # type: ignore[attr-defined]
                walk(dot, n)
        elif t is IfNode or t is WithNode:
            self.node = node
            self.walk_if_or_with(dot, node, t is WithNode)  # type: ignore[arg-type]
        elif t is RangeNode:
            self.walk_range(dot, node)  # type: ignore[arg-type]
        elif t is TemplateNode:
            self.walk_template(dot, node)  # type: ignore[arg-type]
        elif t is BreakNode:
            raise _Break
        elif t is ContinueNode:
            raise _Continue
        else:  # pragma: no cover - the parser produces nothing else
            self.node = node
            self.errorf(f"unknown node: {node}")

    def print_value(self, node: Node, value: Any) -> None:
        """An action's value as Go prints it (`<no value>` for nil/missing)."""
        if type(value) is str:
            self.out.append(value)
        elif value is None or value is MISSING:
            self.out.append("<no value>")
        else:
            self.out.append(format_value(value))

    def walk_if_or_with(self, dot: Any, node: IfNode | WithNode, is_with: bool) -> None:
        """`if`/`with`: variables declared in the pipeline live until `{{end}}`."""
        mark = len(self.vars)
        try:
            value = self.eval_pipeline(dot, node.pipe)
            if value:
                self.walk(value if is_with else dot, node.list)
            elif node.else_list is not None:
                self.walk(dot, node.else_list)
        finally:
            del self.vars[mark:]

    def walk_range(self, dot: Any, r: RangeNode) -> None:
        """`range` over slices, maps (sorted keys), ints and iterables; `break`/`continue`."""
        self.node = r
        outer = len(self.vars)
        try:
            value = self.eval_pipeline(dot, r.pipe)
            mark = len(self.vars)
            decl = r.pipe.decl
            ndecl = len(decl)
            is_assign = r.pipe.is_assign
            items = self._range_items(value, ndecl)
            ran = False
            body = r.list
            walk = self.walk
            vars_ = self.vars
            try:
                for index, elem in items:
                    ran = True
                    if ndecl:
                        if is_assign:
                            if ndecl > 1:
                                self.set_var(decl[0].ident[0], index)
                                self.set_var(decl[1].ident[0], elem)
                            else:
                                self.set_var(decl[0].ident[0], elem)
                        else:
                            vars_[-1][1] = elem
                            if ndecl > 1:
                                vars_[-2][1] = index
                    try:
                        walk(elem, body)
                    except _Continue:
                        pass
                    finally:
                        del vars_[mark:]
            except _Break:
                pass
            if not ran and r.else_list is not None:
                self.walk(dot, r.else_list)
        finally:
            del self.vars[outer:]

    def _range_items(self, value: Any, ndecl: int) -> Iterable[tuple[Any, Any]]:
        """(index or key, element) pairs of what `range` iterates, or Go's error for it."""
        if value is None or value is MISSING:
            return ()
        if isinstance(value, (list, tuple)):
            return enumerate(value)
        if isinstance(value, Mapping):
            return ((k, value[k]) for k in _sorted_keys(value))
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            n = as_int(value)
            if n is None:
                self.errorf(f"range can't iterate over {format_value(value)}")
            if ndecl > 1:
                self.errorf(
                    f"can't use {format_value(value)} to iterate over more than one variable"
                )
            return ((i, i) for i in range(n))
        if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
            self.errorf(f"range can't iterate over {format_value(value)}")
        return enumerate(value)

    def walk_template(self, dot: Any, t: TemplateNode) -> None:
        """`{{template}}`: a fresh variable scope with `$` set to the argument."""
        self.node = t
        tmpl = self.tmpl._common.templates.get(t.name)
        if tmpl is None:
            self.errorf(f"template {go_quote(t.name)} not defined")
        if self.depth >= MAX_EXEC_DEPTH:
            self.errorf(f"exceeded maximum template depth ({MAX_EXEC_DEPTH})")
        value = self.eval_pipeline(dot, t.pipe)
        if value is MISSING:
            value = None
        if tmpl._root is None:
            self.errorf(f"{go_quote(t.name)} is an incomplete or empty template")
        saved = (self.tmpl, self.vars, self.depth)
        self.tmpl, self.vars, self.depth = tmpl, [["$", value]], self.depth + 1
        try:
            self.walk(value, tmpl._root)
        finally:
            self.tmpl, self.vars, self.depth = saved

    # -- evaluation --------------------------------------------------------------------------

    def eval_pipeline(self, dot: Any, pipe: PipeNode | None) -> Any:
        """Run the commands, each receiving the previous value as its last argument."""
        if pipe is None:
            return None
        self.node = pipe
        value = NO_FINAL
        for cmd in pipe.cmds:
            value = self.eval_command(dot, cmd, value)
        if value is MISSING:
            value = None
        for var in pipe.decl:
            if pipe.is_assign:
                self.set_var(var.ident[0], value)
            else:
                self.vars.append([var.ident[0], value])
        return value

    def eval_command(self, dot: Any, cmd: CommandNode, final: Any) -> Any:
        """Evaluate one command; the first word decides what it is."""
        first = cmd.args[0]
        t = type(first)
        if t is FieldNode:
            self.node = first
            return self.eval_field_chain(dot, dot, first, first.ident, cmd.args, final)  # type: ignore[attr-defined]
        if t is IdentifierNode:
            return self.eval_function(dot, first, cmd, cmd.args, final)  # type: ignore[arg-type]
        if t is VariableNode:
            return self.eval_variable_node(dot, first, cmd.args, final)  # type: ignore[arg-type]
        if t is ChainNode:
            return self.eval_chain_node(dot, first, cmd.args, final)  # type: ignore[arg-type]
        if t is PipeNode:
            self.not_a_function(cmd.args, final)
            return self.eval_pipeline(dot, first)  # type: ignore[arg-type]
        self.node = first
        self.not_a_function(cmd.args, final)
        if t is StringNode:
            return first.text  # type: ignore[attr-defined]
        if t is DotNode:
            return dot
        if t is NumberNode:
            return first.value  # type: ignore[attr-defined]
        if t is BoolNode:
            return first.value  # type: ignore[attr-defined]
        if t is NilNode:
            self.errorf("nil is not a command")
        self.errorf(f"can't evaluate command {go_quote(str(first))}")  # pragma: no cover

    def not_a_function(self, args: list[Node] | None, final: Any) -> None:
        """Reject arguments given to something that cannot take them."""
        if (args is not None and len(args) > 1) or final is not NO_FINAL:
            self.errorf(f"can't give argument to non-function {args[0]}")  # type: ignore[index]

    def eval_arg(self, dot: Any, n: Node) -> Any:
        """Evaluate an argument of a function or method."""
        self.node = n
        t = type(n)
        if t is FieldNode:
            return self.eval_field_chain(dot, dot, n, n.ident, None, NO_FINAL)  # type: ignore[attr-defined]
        if t is StringNode:
            return n.text  # type: ignore[attr-defined]
        if t is DotNode:
            return dot
        if t is VariableNode:
            return self.eval_variable_node(dot, n, None, NO_FINAL)  # type: ignore[arg-type]
        if t is NumberNode or t is BoolNode:
            return n.value  # type: ignore[attr-defined]
        if t is NilNode:
            return None
        if t is PipeNode:
            return self.eval_pipeline(dot, n)  # type: ignore[arg-type]
        if t is IdentifierNode:
            return self.eval_function(dot, n, n, None, NO_FINAL)  # type: ignore[arg-type]
        if t is ChainNode:
            return self.eval_chain_node(dot, n, None, NO_FINAL)  # type: ignore[arg-type]
        self.errorf(f"can't handle {n} for arg")  # pragma: no cover

    def eval_variable_node(
        self, dot: Any, v: VariableNode, args: list[Node] | None, final: Any
    ) -> Any:
        """`$x` or `$x.a.b` (possibly a method call with arguments)."""
        self.node = v
        value = self.var_value(v.ident[0])
        if len(v.ident) == 1:
            self.not_a_function(args, final)
            return value
        return self.eval_field_chain(dot, value, v, v.ident[1:], args, final)

    def eval_chain_node(
        self, dot: Any, chain: ChainNode, args: list[Node] | None, final: Any
    ) -> Any:
        """`(pipeline).a.b`."""
        self.node = chain
        if isinstance(chain.node, NilNode):
            self.errorf(f"indirection through explicit nil in {chain}")
        receiver = self.eval_arg(dot, chain.node)
        self.node = chain
        return self.eval_field_chain(dot, receiver, chain, chain.field, args, final)

    def eval_field_chain(
        self,
        dot: Any,
        receiver: Any,
        node: Node,
        idents: tuple[str, ...] | list[str],
        args: list[Node] | None,
        final: Any,
    ) -> Any:
        """Walk `.a.b.c`; only the last field receives arguments."""
        n = len(idents)
        inner = False
        for i in range(n - 1):
            receiver = self.eval_field(dot, idents[i], node, None, NO_FINAL, receiver, inner)
            inner = True
        value = self.eval_field(dot, idents[n - 1], node, args, final, receiver, inner)
        return None if value is MISSING else value

    def eval_field(
        self,
        dot: Any,
        name: str,
        node: Node,
        args: list[Node] | None,
        final: Any,
        receiver: Any,
        inner: bool,
    ) -> Any:
        """One field step: map key, object attribute or method call."""
        if receiver is MISSING or (receiver is None and not inner):
            if self.tmpl._missingkey == MISSINGKEY_ERROR:
                self.errorf(f"nil data; no entry for key {go_quote(name)}")
            return MISSING
        if receiver is None:
            self.errorf(f"nil pointer evaluating interface {{}}.{name}")
        has_args = (args is not None and len(args) > 1) or final is not NO_FINAL
        if type(receiver) is dict or isinstance(receiver, Mapping):
            value = receiver.get(name, MISSING)
            if value is MISSING:
                if has_args:
                    self.errorf(f"{name} is not a method but has arguments")
                mode = self.tmpl._missingkey
                if mode == MISSINGKEY_ERROR:
                    self.errorf(f"map has no entry for key {go_quote(name)}")
                return None if mode == MISSINGKEY_ZERO else MISSING
            if callable(value):
                return self.eval_call(dot, value, node, name, args, final)
            if has_args:
                self.errorf(f"{name} is not a method but has arguments")
            return value
        # Go names the static type: a value fetched from a map is an `interface {}`.
        typ = "interface {}" if inner else go_type_name(receiver)
        if isinstance(receiver, _PLAIN_TYPES) or name.startswith("_"):
            self.errorf(f"can't evaluate field {name} in type {typ}")
        try:
            value = getattr(receiver, name, MISSING)
        except Exception as exc:  # a property raised
            self.errorf(f"error calling {name}: {exc}")
        if value is MISSING:
            self.errorf(f"can't evaluate field {name} in type {typ}")
        if callable(value):
            return self.eval_call(dot, value, node, name, args, final)
        if has_args:
            self.errorf(f"{name} has arguments but cannot be invoked as function")
        return value

    def eval_function(
        self,
        dot: Any,
        node: IdentifierNode,
        cmd: Node,
        args: list[Node] | None,
        final: Any,
    ) -> Any:
        """A function call by name: user functions first, then built-ins."""
        self.node = node
        name = node.ident
        entry = self.tmpl._common.funcs.get(name)
        if entry is None:
            entry = fx.BUILTINS.get(name)
            if entry is None:
                self.errorf(f"{go_quote(name)} is not a defined function")
        fn, low, high = entry
        argc = (len(args) - 1 if args else 0) + (final is not NO_FINAL)
        if low is not None and (argc < low or (high is not None and argc > high)):
            given = len(args) - 1 if args else 0
            if high is None:
                self.errorf(f"wrong number of args for {name}: want at least {low} got {given}")
            elif low == high:
                self.errorf(f"wrong number of args for {name}: want {low} got {argc}")
            else:
                self.errorf(f"wrong number of args for {name}: want {low} to {high} got {argc}")
        if fn is fx.AND or fn is fx.OR:
            want = fn is fx.OR
            value: Any = None
            for arg in args[1:]:  # type: ignore[index]
                value = self.eval_arg(dot, arg)
                if bool(value) == want:
                    return value
            if final is not NO_FINAL:
                value = final
            return value
        if fn is fx.CALL:
            return self.eval_builtin_call(dot, cmd, args, final)
        return self.eval_call(dot, fn, cmd, name, args, final, checked=True)

    def eval_builtin_call(self, dot: Any, cmd: Node, args: list[Node] | None, final: Any) -> Any:
        """`call fn args...`: the first argument is fetched, not invoked."""
        if args is not None and len(args) > 1:
            first = args[1]
            fn = self.eval_callee(dot, first)
            rest = args[1:]
            label = str(first)
        else:
            fn, rest, label = final, None, "call"
            final = NO_FINAL
        self.node = cmd
        if fn is None or fn is MISSING:
            self.errorf("error calling call: call of nil")
        if not callable(fn):
            self.errorf(f"error calling call: non-function {label} of type {go_type_name(fn)}")
        return self.eval_call(dot, fn, cmd, label, rest, final, wrap="call")

    def eval_callee(self, dot: Any, n: Node) -> Any:
        """Evaluate a field/variable expression without invoking a function at its end."""
        self.node = n
        if isinstance(n, FieldNode):
            receiver, idents = dot, n.ident
        elif isinstance(n, VariableNode) and len(n.ident) > 1:
            receiver, idents = self.var_value(n.ident[0]), n.ident[1:]
        elif isinstance(n, ChainNode):
            receiver, idents = self.eval_arg(dot, n.node), tuple(n.field)
            self.node = n
        else:
            return self.eval_arg(dot, n)
        inner = False
        for name in idents[:-1]:
            receiver = self.eval_field(dot, name, n, None, NO_FINAL, receiver, inner)
            inner = True
        name = idents[-1]
        if isinstance(receiver, Mapping):
            value = receiver.get(name, MISSING)
            if value is not MISSING and callable(value):
                return value
        elif (
            receiver is not None
            and receiver is not MISSING
            and not isinstance(receiver, _PLAIN_TYPES)
            and not name.startswith("_")
        ):
            value = getattr(receiver, name, MISSING)
            if value is not MISSING and callable(value):
                return value
        value = self.eval_field(dot, name, n, None, NO_FINAL, receiver, inner)
        return None if value is MISSING else value

    def _check_arity(
        self, name: str, shape: tuple[int, int | None], n: int, given: int, wrap: str | None
    ) -> None:
        low, high = shape
        if low <= n and (high is None or n <= high):
            return
        if high is None:
            want = f"at least {low}"
        elif low == high:
            want = str(low)
        else:
            want = f"{low} to {high}"
        if wrap:  # the `call` builtin's own wording
            self.errorf(
                f"error calling {wrap}: wrong number of args for {name}: got {n} want {want}"
            )
        if high is None:
            self.errorf(f"wrong number of args for {name}: want {want} got {given}")
        self.errorf(f"wrong number of args for {name}: want {want} got {n}")

    def eval_call(
        self,
        dot: Any,
        fn: Callable[..., Any],
        node: Node,
        name: str,
        args: list[Node] | None,
        final: Any,
        *,
        checked: bool = False,
        wrap: str | None = None,
    ) -> Any:
        """Call a Python callable with evaluated arguments; wrap its failures Go's way."""
        shape = None if checked else fx.arity(fn)
        if shape is not None and not wrap:
            # Go checks a method's arity before evaluating its arguments.
            given = len(args) - 1 if args else 0
            self._check_arity(name, shape, given + (final is not NO_FINAL), given, None)
        argv = [self.eval_arg(dot, a) for a in args[1:]] if args else []
        if final is not NO_FINAL:
            argv.append(None if final is MISSING else final)
        if shape is not None and wrap:
            self.node = node
            self._check_arity(name, shape, len(argv), len(argv), wrap)
        try:
            return fn(*argv)
        except fx.FuncError as exc:
            self.node = node
            self.errorf(f"error calling {wrap or name}: {exc}")
        except RecursionError:
            raise
        except Exception as exc:
            self.node = node
            self.errorf(f"error calling {wrap or name}: {exc}")


def _sorted_keys(m: Mapping[Any, Any]) -> list[Any]:
    try:
        return sorted(m)
    except TypeError:
        return sorted(m, key=lambda k: (type(k).__name__, str(k)))


def execute(tmpl: Any, data: Any) -> str:
    """Run `tmpl` (a Template with `_root`) against `data`; returns the output text."""
    return "".join(execute_pieces(tmpl, data))


def execute_pieces(tmpl: Any, data: Any) -> list[str]:
    """`execute` before the join: a string value printed by the template is its own piece
    (the same object), so a caller can pass a big value on without copying it."""
    out: list[str] = []
    state = State(tmpl, out)
    if tmpl._root is None:
        state.errorf(f"{go_quote(tmpl._name)} is an incomplete or empty template")
    state.vars.append(["$", data])
    try:
        state.walk(data, tmpl._root)
    except RecursionError:
        state.node = None
        state.errorf(f"exceeded maximum template depth ({MAX_EXEC_DEPTH})")
    return out
