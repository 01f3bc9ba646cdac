"""Parser of the Go `text/template` port: items -> AST (one tree per template name).

Mirrors the grammar, error messages and error lines of Go's `text/template/parse`, so a
template that fails in osm (Go) fails here with the same text. Node `__str__` reproduces
Go's `Node.String()`, which execution errors quote as their context (`at <.foo>`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NoReturn

from one_shot_man.gotemplate import lexer as lx
from one_shot_man.gotemplate.errors import TemplateParseError
from one_shot_man.gotemplate.lexer import Item, go_quote


class Source:
    """The text a node came from and the top-level name it was parsed under (for errors)."""

    __slots__ = ("name", "text")

    def __init__(self, name: str, text: str) -> None:
        self.name = name
        self.text = text

    def location(self, pos: int) -> str:
        """Go's `name:line:col`, col counted in UTF-8 bytes from the line start (0-based)."""
        before = self.text[:pos]
        nl = before.rfind("\n")
        col = len(before[nl + 1 :].encode("utf-8", "surrogatepass"))
        return f"{self.name}:{before.count(chr(10)) + 1}:{col}"


class Node:
    """Base of every AST node: a character offset into its `Source`."""

    __slots__ = ("pos", "src")

    def __init__(self, pos: int, src: Source) -> None:
        self.pos = pos
        self.src = src


class ListNode(Node):
    """A sequence of nodes (a template body or a branch)."""

    __slots__ = ("nodes",)

    def __init__(self, pos: int, src: Source) -> None:
        super().__init__(pos, src)
        self.nodes: list[Node] = []

    def __str__(self) -> str:
        return "".join(str(n) for n in self.nodes)


class TextNode(Node):
    """Literal text between actions."""

    __slots__ = ("text",)

    def __init__(self, pos: int, src: Source, text: str) -> None:
        super().__init__(pos, src)
        self.text = text

    def __str__(self) -> str:
        return self.text


class PipeNode(Node):
    """`$x := cmd | cmd`: optional declarations and the commands."""

    __slots__ = ("cmds", "decl", "is_assign", "line")

    def __init__(self, pos: int, src: Source, line: int) -> None:
        super().__init__(pos, src)
        self.line = line
        self.is_assign = False
        self.decl: list[VariableNode] = []
        self.cmds: list[CommandNode] = []

    def __str__(self) -> str:
        text = ""
        if self.decl:
            text = ", ".join(str(v) for v in self.decl) + (" = " if self.is_assign else " := ")
        return text + " | ".join(str(c) for c in self.cmds)


class ActionNode(Node):
    """`{{pipeline}}`: prints the value unless the pipeline declares variables."""

    __slots__ = ("line", "pipe")

    def __init__(self, pos: int, src: Source, line: int, pipe: PipeNode) -> None:
        super().__init__(pos, src)
        self.line = line
        self.pipe = pipe

    def __str__(self) -> str:
        return "{{" + str(self.pipe) + "}}"


class CommandNode(Node):
    """One pipeline stage: the function/field/value and its arguments."""

    __slots__ = ("args",)

    def __init__(self, pos: int, src: Source) -> None:
        super().__init__(pos, src)
        self.args: list[Node] = []

    def __str__(self) -> str:
        return " ".join(f"({a})" if isinstance(a, PipeNode) else str(a) for a in self.args)


class IdentifierNode(Node):
    """A function name."""

    __slots__ = ("ident",)

    def __init__(self, pos: int, src: Source, ident: str) -> None:
        super().__init__(pos, src)
        self.ident = ident

    def __str__(self) -> str:
        return self.ident


class VariableNode(Node):
    """`$x.a.b`: ident[0] is the variable name including `$`."""

    __slots__ = ("ident",)

    def __init__(self, pos: int, src: Source, ident: str) -> None:
        super().__init__(pos, src)
        self.ident = tuple(ident.split("."))

    def __str__(self) -> str:
        return ".".join(self.ident)


class DotNode(Node):
    """`.`, the current data."""

    __slots__ = ()

    def __str__(self) -> str:
        return "."


class NilNode(Node):
    """The untyped `nil` constant."""

    __slots__ = ()

    def __str__(self) -> str:
        return "nil"


class FieldNode(Node):
    """`.a.b`: ident is ("a", "b")."""

    __slots__ = ("ident",)

    def __init__(self, pos: int, src: Source, ident: str) -> None:
        super().__init__(pos, src)
        self.ident = tuple(ident[1:].split("."))

    def __str__(self) -> str:
        return "".join("." + i for i in self.ident)


class ChainNode(Node):
    """`(pipeline).a.b` or `$x` / literal followed by fields."""

    __slots__ = ("field", "node")

    def __init__(self, pos: int, src: Source, node: Node) -> None:
        super().__init__(pos, src)
        self.node = node
        self.field: list[str] = []

    def add(self, field: str) -> None:
        """Append `.field` (possibly several dotted names) to the chain."""
        self.field.extend(field[1:].split("."))

    def __str__(self) -> str:
        head = f"({self.node})" if isinstance(self.node, PipeNode) else str(self.node)
        return head + "".join("." + f for f in self.field)


class BoolNode(Node):
    """`true` or `false`."""

    __slots__ = ("value",)

    def __init__(self, pos: int, src: Source, value: bool) -> None:
        super().__init__(pos, src)
        self.value = value

    def __str__(self) -> str:
        return "true" if self.value else "false"


class NumberNode(Node):
    """A numeric or character constant; `value` is what Go's `idealConstant` yields."""

    __slots__ = ("text", "value")

    def __init__(self, pos: int, src: Source, text: str, value: int | float | complex) -> None:
        super().__init__(pos, src)
        self.text = text
        self.value = value

    def __str__(self) -> str:
        return self.text


class StringNode(Node):
    """A quoted or raw string; `text` is its unquoted value."""

    __slots__ = ("quoted", "text")

    def __init__(self, pos: int, src: Source, quoted: str, text: str) -> None:
        super().__init__(pos, src)
        self.quoted = quoted
        self.text = text

    def __str__(self) -> str:
        return self.quoted


class EndNode(Node):
    """`{{end}}` (parser internal)."""

    __slots__ = ()

    def __str__(self) -> str:
        return "{{end}}"


class KeywordNode(Node):
    """Common shape of the bare keyword actions that keep their line: else/break/continue."""

    __slots__ = ("line",)
    keyword = ""

    def __init__(self, pos: int, src: Source, line: int) -> None:
        super().__init__(pos, src)
        self.line = line

    def __str__(self) -> str:
        return "{{" + self.keyword + "}}"


class ElseNode(KeywordNode):
    """`{{else}}` (parser internal)."""

    __slots__ = ()
    keyword = "else"


class BranchNode(Node):
    """Common shape of if/range/with."""

    __slots__ = ("else_list", "line", "list", "pipe")
    keyword = ""

    def __init__(
        self,
        pos: int,
        src: Source,
        line: int,
        pipe: PipeNode,
        lst: ListNode,
        else_list: ListNode | None,
    ) -> None:
        super().__init__(pos, src)
        self.line = line
        self.pipe = pipe
        self.list = lst
        self.else_list = else_list

    def __str__(self) -> str:
        text = "{{" + self.keyword + " " + str(self.pipe) + "}}" + str(self.list)
        if self.else_list is not None:
            text += "{{else}}" + str(self.else_list)
        return text + "{{end}}"


class IfNode(BranchNode):
    """`{{if}}`."""

    __slots__ = ()
    keyword = "if"


class RangeNode(BranchNode):
    """`{{range}}`."""

    __slots__ = ()
    keyword = "range"


class WithNode(BranchNode):
    """`{{with}}`."""

    __slots__ = ()
    keyword = "with"


class TemplateNode(Node):
    """`{{template "name" pipeline}}` (also what `{{block}}` leaves in place)."""

    __slots__ = ("line", "name", "pipe")

    def __init__(self, pos: int, src: Source, line: int, name: str, pipe: PipeNode | None) -> None:
        super().__init__(pos, src)
        self.line = line
        self.name = name
        self.pipe = pipe

    def __str__(self) -> str:
        if self.pipe is None:
            return "{{template " + go_quote(self.name) + "}}"
        return "{{template " + go_quote(self.name) + " " + str(self.pipe) + "}}"


class BreakNode(KeywordNode):
    """`{{break}}`."""

    __slots__ = ()
    keyword = "break"


class ContinueNode(KeywordNode):
    """`{{continue}}`."""

    __slots__ = ()
    keyword = "continue"


def is_empty_tree(node: Node | None) -> bool:
    """Go's `IsEmptyTree`: nothing but whitespace text."""
    if node is None:
        return True
    if isinstance(node, ListNode):
        return all(is_empty_tree(n) for n in node.nodes)
    if isinstance(node, TextNode):
        return node.text.strip() == ""
    return False


_SIMPLE = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}


def unquote_char(s: str, i: int, quote: str) -> tuple[str, int]:
    """Go's `strconv.UnquoteChar` at index i: (character, next index); ValueError if bad."""
    ch = s[i]
    if ch == quote and quote in "'\"":
        raise ValueError("invalid syntax")
    if ch != "\\":
        return ch, i + 1
    if i + 1 >= len(s):
        raise ValueError("invalid syntax")
    c = s[i + 1]
    i += 2
    if c in _SIMPLE:
        return _SIMPLE[c], i
    if c in "xuU":
        n = {"x": 2, "u": 4, "U": 8}[c]
        digits = s[i : i + n]
        if len(digits) < n or any(d not in "0123456789abcdefABCDEF" for d in digits):
            raise ValueError("invalid syntax")
        v = int(digits, 16)
        if c != "x" and (v > 0x10FFFF or 0xD800 <= v < 0xE000):
            raise ValueError("invalid syntax")
        return chr(v), i + n
    if "0" <= c <= "7":
        digits = s[i - 1 : i + 2]
        if len(digits) < 3 or any(d not in "01234567" for d in digits):
            raise ValueError("invalid syntax")
        v = int(digits, 8)
        if v > 255:
            raise ValueError("invalid syntax")
        return chr(v), i + 2
    if c == "\\":
        return "\\", i
    if c in "'\"":
        if c != quote:
            raise ValueError("invalid syntax")
        return c, i
    raise ValueError("invalid syntax")


def unquote(s: str) -> str:
    """Go's `strconv.Unquote` for "..." and `...` literals (\\x escapes give code points)."""
    if len(s) < 2 or s[0] != s[-1]:
        raise ValueError("invalid syntax")
    if s[0] == "`":
        body = s[1:-1]
        if "`" in body:
            raise ValueError("invalid syntax")
        return body.replace("\r", "")
    if s[0] != '"':
        raise ValueError("invalid syntax")
    body = s[1:-1]
    if "\\" not in body:
        if '"' in body or "\n" in body:
            raise ValueError("invalid syntax")
        return body
    out: list[str] = []
    i = 0
    while i < len(body):
        ch, i = unquote_char(body, i, '"')
        out.append(ch)
    return "".join(out)


def _parse_int(text: str) -> int | None:
    """Go's `strconv.ParseInt(text, 0, 64)` without the range check (done by the caller)."""
    sign = 1
    body = text
    if body[:1] in "+-":
        sign = -1 if body[0] == "-" else 1
        body = body[1:]
    if not body:
        return None
    try:
        if len(body) > 1 and body[0] == "0" and body[1] not in "xXoObB":
            if body.startswith("0_"):
                return sign * int("0o" + body[1:], 0)
            return sign * int(body[1:], 8)
        return sign * int(body, 0)
    except ValueError:
        return None


def parse_number(text: str, typ: int) -> int | float | complex:
    """Value of a numeric literal as Go's `idealConstant` would produce it; ValueError if bad."""
    if typ == lx.CHAR_CONSTANT:
        ch, i = unquote_char(text, 1, "'")
        if text[i:] != "'":
            raise ValueError(f"malformed character constant: {text}")
        return ord(ch)
    if typ == lx.COMPLEX or text.endswith("i"):
        try:
            return complex(text.replace("_", "")[:-1] + "j")
        except ValueError:
            raise ValueError(f"illegal number syntax: {go_quote(text)}") from None
    lowered = text.lower()
    is_hex_int = lowered.lstrip("+-").startswith("0x") and "p" not in lowered
    integer = _parse_int(text)
    if integer is not None and (is_hex_int or not any(c in lowered for c in ".ep")):
        if not -(2**63) <= integer < 2**63:
            raise ValueError(f"{text} overflows int")
        return integer
    try:
        if lowered.lstrip("+-").startswith("0x"):
            value = float.fromhex(text.replace("_", ""))
        else:
            value = float(text)
    except ValueError:
        raise ValueError(f"illegal number syntax: {go_quote(text)}") from None
    if not any(c in lowered for c in ".ep"):
        raise ValueError(f"integer overflow: {go_quote(text)}")
    return value


class Parser:
    """One parse of one text: builds the main tree and every `define`/`block` it contains."""

    def __init__(
        self,
        name: str,
        text: str,
        has_function: Callable[[str], bool],
        left: str = "{{",
        right: str = "}}",
    ) -> None:
        self.name = name
        self.src = Source(name, text)
        self.items, self.lexer = lx.lex(name, text, left, right)
        self.i = 0
        self.hi = 0
        self.has_function = has_function
        self.vars: list[str] = ["$"]
        self.range_depth = 0
        self.action_line = 0
        self.trees: dict[str, ListNode] = {}

    # -- token stream --------------------------------------------------------------------------

    def _fetch(self, idx: int) -> Item:
        try:
            item = self.items[idx]
        except IndexError:  # past the final EOF/ERROR item
            item = self.items[-1]
        if idx > self.hi:
            self.hi = idx
        if item.typ == lx.ERROR:
            self.hi = idx
            self._lex_error(item)
        return item

    def next(self) -> Item:
        """Consume the next item."""
        item = self._fetch(self.i)
        self.i += 1
        return item

    def backup(self, n: int = 1) -> None:
        """Step back n items."""
        self.i -= n

    def peek(self) -> Item:
        """The next item, not consumed."""
        return self._fetch(self.i)

    def next_non_space(self) -> Item:
        """Consume and return the next non-space item."""
        while True:
            item = self.next()
            if item.typ != lx.SPACE:
                return item

    def peek_non_space(self) -> Item:
        """The next non-space item, not consumed (spaces are consumed)."""
        item = self.next_non_space()
        self.backup()
        return item

    # -- errors ----------------------------------------------------------------------------------

    def errorf(self, message: str) -> NoReturn:
        """Raise Go's parse error at the line of the furthest item read."""
        line = self.items[min(self.hi, len(self.items) - 1)].line
        raise TemplateParseError(f"template: {self.name}:{line}: {message}")

    def _lex_error(self, item: Item) -> None:
        extra = ""
        if self.action_line and self.action_line != item.line:
            extra = f" in action started at {self.name}:{self.action_line}"
            if item.val.endswith(" action"):
                extra = extra[len(" in action") :]
        self.errorf(item.val + extra)

    def unexpected(self, item: Item, context: str) -> NoReturn:
        """Raise `unexpected <item> in <context>`."""
        self.errorf(f"unexpected {item} in {context}")

    def expect(self, typ: int, context: str) -> Item:
        """Consume the next non-space item, which must have the given type."""
        item = self.next_non_space()
        if item.typ != typ:
            self.unexpected(item, context)
        return item

    # -- grammar ---------------------------------------------------------------------------------

    def parse(self) -> dict[str, ListNode]:
        """Parse everything; returns name -> root list (the main template under `self.name`)."""
        root = ListNode(self.peek().pos, self.src)
        while self.peek().typ != lx.EOF:
            if self.peek().typ == lx.LEFT_DELIM:
                delim_at = self.i
                self.next()
                if self.next_non_space().typ == lx.DEFINE:
                    self._parse_definition()
                    continue
                self.i = delim_at
            node = self._text_or_action()
            if isinstance(node, (EndNode, ElseNode)):
                self.errorf(f"unexpected {node}")
            root.nodes.append(node)
        self._add(self.name, root)
        return self.trees

    def _add(self, name: str, root: ListNode) -> None:
        old = self.trees.get(name)
        if old is None or is_empty_tree(old):
            self.trees[name] = root
            return
        if not is_empty_tree(root):
            self.errorf(f"template: multiple definition of template {go_quote(name)}")

    def _parse_definition(self) -> None:
        context = "define clause"
        name = self._template_name(self.next_non_space(), context)
        self.expect(lx.RIGHT_DELIM, context)
        self._define_body(name, context)

    def _define_body(self, name: str, context: str) -> None:
        """Parse a `define`/`block` body up to its `{{end}}` as template `name`.

        The body is a template of its own: only `$` is in scope and it is outside any range.
        """
        saved_vars, self.vars = self.vars, ["$"]
        saved_depth, self.range_depth = self.range_depth, 0
        root, end = self._item_list()
        if not isinstance(end, EndNode):
            self.errorf(f"unexpected {end} in {context}")
        self._add(name, root)
        self.vars, self.range_depth = saved_vars, saved_depth

    def _unquote(self, text: str) -> str:
        try:
            return unquote(text)
        except ValueError as exc:
            self.errorf(str(exc))
            raise  # pragma: no cover - errorf always raises

    def _item_list(self) -> tuple[ListNode, Node]:
        lst = ListNode(self.peek_non_space().pos, self.src)
        while self.peek_non_space().typ != lx.EOF:
            node = self._text_or_action()
            if isinstance(node, (EndNode, ElseNode)):
                return lst, node
            lst.nodes.append(node)
        self.errorf("unexpected EOF")
        raise AssertionError  # pragma: no cover

    def _text_or_action(self) -> Node:
        item = self.next_non_space()
        if item.typ == lx.TEXT:
            return TextNode(item.pos, self.src, item.val)
        if item.typ == lx.LEFT_DELIM:
            saved = self.action_line
            self.action_line = item.line
            try:
                return self._action()
            finally:
                self.action_line = saved
        self.unexpected(item, "input")
        raise AssertionError  # pragma: no cover

    def _action(self) -> Node:
        item = self.next_non_space()
        typ = item.typ
        if typ == lx.BLOCK:
            return self._block_control()
        if typ == lx.BREAK:
            return self._break_control(item, "break")
        if typ == lx.CONTINUE:
            return self._break_control(item, "continue")
        if typ == lx.ELSE:
            return self._else_control()
        if typ == lx.END:
            end = self.expect(lx.RIGHT_DELIM, "end")
            return EndNode(end.pos, self.src)
        if typ == lx.IF:
            return IfNode(*self._parse_control("if"))
        if typ == lx.RANGE:
            return RangeNode(*self._parse_control("range"))
        if typ == lx.TEMPLATE:
            return self._template_control()
        if typ == lx.WITH:
            return WithNode(*self._parse_control("with"))
        self.backup()
        item = self.peek()
        return ActionNode(item.pos, self.src, item.line, self._pipeline("command", lx.RIGHT_DELIM))

    def _break_control(self, item: Item, word: str) -> Node:
        token = self.next_non_space()
        if token.typ != lx.RIGHT_DELIM:
            self.unexpected(token, "{{" + word + "}}")
        if self.range_depth == 0:
            self.errorf("{{" + word + "}} outside {{range}}")
        if word == "break":
            return BreakNode(item.pos, self.src, item.line)
        return ContinueNode(item.pos, self.src, item.line)

    def _else_control(self) -> Node:
        peek = self.peek_non_space()
        if peek.typ in (lx.IF, lx.WITH):
            return ElseNode(peek.pos, self.src, peek.line)
        token = self.expect(lx.RIGHT_DELIM, "else")
        return ElseNode(token.pos, self.src, token.line)

    def _parse_control(
        self, context: str
    ) -> tuple[int, Source, int, PipeNode, ListNode, ListNode | None]:
        n_vars = len(self.vars)
        try:
            pipe = self._pipeline(context, lx.RIGHT_DELIM)
            if context == "range":
                self.range_depth += 1
            lst, nxt = self._item_list()
            if context == "range":
                self.range_depth -= 1
            else_list = None
            if isinstance(nxt, ElseNode):
                # "{{else if x}}" is "{{else}}{{if x}}...{{end}}{{end}}" with one shared end;
                # likewise "{{else with x}}".
                if context == "if" and self.peek().typ == lx.IF:
                    self.next()
                    else_list = ListNode(nxt.pos, self.src)
                    else_list.nodes.append(IfNode(*self._parse_control("if")))
                elif context == "with" and self.peek().typ == lx.WITH:
                    self.next()
                    else_list = ListNode(nxt.pos, self.src)
                    else_list.nodes.append(WithNode(*self._parse_control("with")))
                else:
                    else_list, nxt = self._item_list()
                    if not isinstance(nxt, EndNode):
                        self.errorf(f"expected end; found {nxt}")
            return pipe.pos, self.src, pipe.line, pipe, lst, else_list
        finally:
            del self.vars[n_vars:]

    def _template_name(self, item: Item, context: str) -> str:
        if item.typ not in (lx.STRING, lx.RAW_STRING):
            self.unexpected(item, context)
        return self._unquote(item.val)

    def _template_control(self) -> Node:
        context = "template clause"
        item = self.next_non_space()
        name = self._template_name(item, context)
        pipe = None
        if self.next_non_space().typ != lx.RIGHT_DELIM:
            self.backup()
            pipe = self._pipeline(context, lx.RIGHT_DELIM)
        return TemplateNode(item.pos, self.src, item.line, name, pipe)

    def _block_control(self) -> Node:
        context = "block clause"
        item = self.next_non_space()
        name = self._template_name(item, context)
        pipe = self._pipeline(context, lx.RIGHT_DELIM)
        self._define_body(name, context)
        return TemplateNode(item.pos, self.src, item.line, name, pipe)

    def _pipeline(self, context: str, end: int) -> PipeNode:
        token = self.peek_non_space()
        pipe = PipeNode(token.pos, self.src, token.line)
        while True:  # declarations
            v = self.peek_non_space()
            if v.typ != lx.VARIABLE:
                break
            start = self.i
            self.next_non_space()
            nxt = self.peek_non_space()
            if nxt.typ in (lx.ASSIGN, lx.DECLARE):
                pipe.is_assign = nxt.typ == lx.ASSIGN
                self.next_non_space()
                pipe.decl.append(VariableNode(v.pos, self.src, v.val))
                self.vars.append(v.val)
            elif nxt.typ == lx.CHAR and nxt.val == ",":
                self.next_non_space()
                pipe.decl.append(VariableNode(v.pos, self.src, v.val))
                self.vars.append(v.val)
                if context == "range" and len(pipe.decl) < 2:
                    if self.peek_non_space().typ in (lx.VARIABLE, lx.RIGHT_DELIM, lx.RIGHT_PAREN):
                        continue
                    self.errorf("range can only initialize variables")
                self.errorf(f"too many declarations in {context}")
            else:
                self.i = start
            break
        while True:
            token = self.next_non_space()
            if token.typ == end:
                self._check_pipeline(pipe, context)
                return pipe
            if token.typ in _OPERAND_START:
                self.backup()
                pipe.cmds.append(self._command())
            else:
                self.unexpected(token, context)

    def _check_pipeline(self, pipe: PipeNode, context: str) -> None:
        if not pipe.cmds:
            self.errorf(f"missing value for {context}")
        for i, cmd in enumerate(pipe.cmds[1:]):
            if isinstance(cmd.args[0], (BoolNode, DotNode, NilNode, NumberNode, StringNode)):
                self.errorf(f"non executable command in pipeline stage {i + 2}")

    def _command(self) -> CommandNode:
        cmd = CommandNode(self.peek_non_space().pos, self.src)
        while True:
            self.peek_non_space()
            operand = self._operand()
            if operand is not None:
                cmd.args.append(operand)
            token = self.next()
            if token.typ == lx.SPACE:
                continue
            if token.typ in (lx.RIGHT_DELIM, lx.RIGHT_PAREN):
                self.backup()
            elif token.typ != lx.PIPE:
                self.errorf(f"unexpected {token} in operand")
            break
        if not cmd.args:
            self.errorf("empty command")
        return cmd

    def _operand(self) -> Node | None:
        node = self._term()
        if node is None:
            return None
        if self.peek().typ == lx.FIELD:
            chain = ChainNode(self.peek().pos, self.src, node)
            while self.peek().typ == lx.FIELD:
                chain.add(self.next().val)
            if isinstance(node, FieldNode):
                return FieldNode(chain.pos, self.src, str(chain))
            if isinstance(node, VariableNode):
                return VariableNode(chain.pos, self.src, str(chain))
            if isinstance(node, (BoolNode, StringNode, NumberNode, NilNode, DotNode)):
                self.errorf(f"unexpected . after term {go_quote(str(node))}")
            return chain
        return node

    def _term(self) -> Node | None:
        token = self.next_non_space()
        typ = token.typ
        if typ == lx.IDENTIFIER:
            if not self.has_function(token.val):
                self.errorf(f"function {go_quote(token.val)} not defined")
            return IdentifierNode(token.pos, self.src, token.val)
        if typ == lx.DOT:
            return DotNode(token.pos, self.src)
        if typ == lx.NIL:
            return NilNode(token.pos, self.src)
        if typ == lx.VARIABLE:
            name = token.val.split(".")[0]
            if name not in self.vars:
                self.errorf(f"undefined variable {go_quote(name)}")
            return VariableNode(token.pos, self.src, token.val)
        if typ == lx.FIELD:
            return FieldNode(token.pos, self.src, token.val)
        if typ == lx.BOOL:
            return BoolNode(token.pos, self.src, token.val == "true")
        if typ in (lx.CHAR_CONSTANT, lx.COMPLEX, lx.NUMBER):
            try:
                value = parse_number(token.val, typ)
            except ValueError as exc:
                self.errorf(str(exc))
                raise  # pragma: no cover
            return NumberNode(token.pos, self.src, token.val, value)
        if typ == lx.LEFT_PAREN:
            pipe = self._pipeline("parenthesized pipeline", lx.RIGHT_PAREN)
            return pipe
        if typ in (lx.STRING, lx.RAW_STRING):
            return StringNode(token.pos, self.src, token.val, self._unquote(token.val))
        self.backup()
        return None


_OPERAND_START = frozenset(
    {
        lx.BOOL,
        lx.CHAR_CONSTANT,
        lx.COMPLEX,
        lx.DOT,
        lx.FIELD,
        lx.IDENTIFIER,
        lx.NUMBER,
        lx.NIL,
        lx.RAW_STRING,
        lx.STRING,
        lx.VARIABLE,
        lx.LEFT_PAREN,
    }
)


def parse(
    name: str,
    text: str,
    has_function: Callable[[str], bool],
    left: str = "{{",
    right: str = "}}",
) -> tuple[dict[str, ListNode], Source]:
    """Parse `text` as template `name`; returns every tree it defines and their shared source."""
    parser = Parser(name, text, has_function, left, right)
    try:
        return parser.parse(), parser.src
    except RecursionError:
        # The parser recurses per nested pipeline and control block; Go bounds the same
        # with its max expression depth and reports it as a parse error.
        parser.errorf("max expression depth exceeded")
