"""The one module that imports python-hcl2 (R-HCL-0): HCL text -> `tfvpc.load.hcl.syntax`.

python-hcl2 8.1.4's dict output carries no line numbers (R-HCL-8) and re-prints expressions as
text, so this adapter walks the Lark tree of `hcl2.parses_to_tree` instead: one parse gives
both the exact expression structure and the line of every block.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

import hcl2
from lark import Token, Tree
from lark.exceptions import LarkError, UnexpectedCharacters, UnexpectedInput, UnexpectedToken

from tfvpc.load.hcl.syntax import (
    Attribute,
    AttrStep,
    BinaryOp,
    Block,
    Body,
    Call,
    Conditional,
    Expr,
    ForExpr,
    GetAttr,
    Index,
    IndexStep,
    Literal,
    Name,
    ObjectExpr,
    Splat,
    SyntaxProblem,
    Template,
    TupleExpr,
    UnaryOp,
)
from tfvpc.load.hcl.templates import Directive, FlatInterp, FlatPart, assemble
from tfvpc.load.hcl.templates import parse_template_source as _parse_template_source

LarkTree = Tree[Token]

_PROBE = "__tfvpc_expression__"

_OPERATORS = {
    "DOUBLE_EQ": "==",
    "NEQ": "!=",
    "LT": "<",
    "GT": ">",
    "LEQ": "<=",
    "GEQ": ">=",
    "MINUS": "-",
    "PLUS": "+",
    "ASTERISK": "*",
    "SLASH": "/",
    "PERCENT": "%",
    "DOUBLE_AMP": "&&",
    "DOUBLE_PIPE": "||",
    "NOT": "!",
}
_LITERAL_WORDS: dict[str, bool | None] = {"true": True, "false": False, "null": None}
_ESCAPE = re.compile(r"\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)", re.DOTALL)
_SIMPLE_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}
_INT = re.compile(r"-?[0-9]+")


def parse_config(text: str) -> Body:
    """Return the syntax tree of one HCL configuration file (or ``.tfvars`` file).

    Raises `SyntaxProblem` with the 1-based line of the first error.
    """
    try:
        tree = hcl2.parses_to_tree(text)
    except UnexpectedInput as error:
        raise SyntaxProblem(_describe(error), _line_of(error)) from None
    except LarkError as error:
        raise SyntaxProblem(str(error).splitlines()[0] if str(error) else "syntax error") from None
    except RecursionError:
        raise SyntaxProblem("nesting too deep to parse") from None
    try:
        return _body(tree.children[0])
    except RecursionError:
        raise SyntaxProblem("nesting too deep to parse") from None


def parse_expression(text: str) -> Expr:
    """Return the syntax tree of one HCL expression given as text. Raises `SyntaxProblem`."""
    body = parse_config(f"{_PROBE} = {text}\n")
    if list(body.attributes) != [_PROBE] or body.blocks:
        raise SyntaxProblem(f"not a single expression: {text!r}")
    return body.attributes[_PROBE].expr


def parse_template(text: str) -> Expr:
    """Return the expression for raw template text (a ``*.tf.json`` string, a template file)."""
    return _simplify(_parse_template_source(text, parse_expression))


def _describe(error: UnexpectedInput) -> str:
    if isinstance(error, UnexpectedCharacters):
        return f"unexpected character {error.char!r}"
    if isinstance(error, UnexpectedToken):
        token = error.token
        if token.type == "$END":
            return "unexpected end of file"
        shown = str(token.value).strip().splitlines()
        return f"unexpected {shown[0][:40]!r}" if shown else "unexpected line break"
    return "syntax error"


def _line_of(error: UnexpectedInput) -> int | None:
    line = getattr(error, "line", None)
    return line if isinstance(line, int) and line > 0 else None


def _line(tree: LarkTree) -> int | None:
    line = getattr(tree.meta, "line", None)
    return line if isinstance(line, int) else None


def _subtrees(tree: LarkTree, *skip: str) -> list[LarkTree]:
    ignored = {"new_line_or_comment", *skip}
    return [c for c in tree.children if isinstance(c, Tree) and c.data not in ignored]


def _tokens(tree: LarkTree) -> list[Token]:
    return [c for c in tree.children if isinstance(c, Token)]


def _word(tree: LarkTree) -> str:
    """The text of an identifier, keyword or literal_value node."""
    return str(tree.children[0])


def _body(tree: LarkTree) -> Body:
    body = Body()
    for child in _subtrees(tree):
        if child.data == "attribute":
            name_node, value_node = _subtrees(child)
            name = _word(name_node)
            if name in body.attributes:
                raise SyntaxProblem(f"attribute {name!r} is defined twice", _line(child))
            body.attributes[name] = Attribute(name, _expr(value_node), _line(child))
        elif child.data == "block":
            body.blocks.append(_block(child))
    return body


def _block(tree: LarkTree) -> Block:
    parts = _subtrees(tree)
    block_type = _word(parts[0])
    labels: list[str] = []
    for label in parts[1:-1]:
        if label.data == "string":
            value = _string(label)
            if not isinstance(value, Literal) or not isinstance(value.value, str):
                raise SyntaxProblem("a block label cannot contain interpolation", _line(label))
            labels.append(value.value)
        else:
            labels.append(_word(label))
    return Block(block_type, tuple(labels), _body(parts[-1]), _line(tree))


def _expr(tree: LarkTree) -> Expr:
    kind = tree.data
    if kind == "expr_term":
        return _term(tree)
    if kind == "conditional":
        cond, if_true, if_false = _subtrees(tree)
        return Conditional(_expr(cond), _expr(if_true), _expr(if_false))
    if kind == "binary_op":
        left, term = _subtrees(tree)[:2]
        operator, right = _subtrees(term)
        return BinaryOp(_OPERATORS[_tokens(operator)[0].type], _expr(left), _expr(right))
    if kind == "unary_op":
        return UnaryOp(_OPERATORS[_tokens(tree)[0].type], _expr(_subtrees(tree)[0]))
    raise SyntaxProblem(f"unsupported expression ({kind})", _line(tree))


def _term(tree: LarkTree) -> Expr:
    inner = _subtrees(tree)
    if len(inner) != 1:
        raise SyntaxProblem("malformed expression", _line(tree))
    node = inner[0]
    if node.data in _TERMS:
        return _TERMS[node.data](node)
    return _expr(node)  # a parenthesised expression


def _number(text: str) -> int | float:
    if _INT.fullmatch(text):
        return int(text)
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise SyntaxProblem(f"invalid number {text!r}") from None
    if value.is_finite() and abs(value.adjusted()) < 400 and value == value.to_integral_value():
        return int(value)
    return float(value)


def _number_literal(tree: LarkTree) -> Expr:
    return Literal(_number(str(tree.children[0])))


def _literal_word(tree: LarkTree) -> Expr:
    return Literal(_LITERAL_WORDS[_word(tree)])


def _decode(text: str) -> str:
    def replace(match: re.Match[str]) -> str:
        code = match.group(1)
        if code in _SIMPLE_ESCAPES:
            return _SIMPLE_ESCAPES[code]
        if code[0] in "uU" and len(code) > 1:
            return chr(int(code[1:], 16))
        raise SyntaxProblem(f"invalid escape sequence \\{code}")

    return _ESCAPE.sub(replace, text)


def _string(tree: LarkTree) -> Expr:
    parts: list[FlatPart] = []
    for child in tree.children:
        if isinstance(child, Token):
            continue
        node = child.children[0] if child.data == "string_part" else child
        if isinstance(node, Token):
            parts.append(_string_chars(node))
        else:
            parts.append(_template_piece(node))
    return _simplify(assemble(parts))


def _string_chars(token: Token) -> str:
    text = str(token)
    if token.type in ("ESCAPED_INTERPOLATION", "ESCAPED_DIRECTIVE"):
        return _decode(text[1:])  # "$${" is a literal "${", "%%{" a literal "%{"
    return _decode(text)


def _template_piece(node: LarkTree) -> FlatPart:
    tokens = _tokens(node)
    types = [t.type for t in tokens]
    strip_left = len(types) > 1 and types[1] == "STRIP_MARKER"
    strip_right = len(types) > 1 and types[-2] == "STRIP_MARKER"
    if node.data == "interpolation":
        return FlatInterp(_expr(_subtrees(node)[0]))
    if node.data == "template_if_start":
        return Directive("if", strip_left, strip_right, _expr(_subtrees(node)[0]))
    if node.data == "template_for_start":
        names = [_word(t) for t in _subtrees(node) if t.data == "identifier"]
        collection = next(t for t in _subtrees(node) if t.data != "identifier")
        key_var, value_var = (names[0], names[1]) if len(names) == 2 else (None, names[0])
        return Directive(
            "for", strip_left, strip_right, _expr(collection), key_var=key_var, value_var=value_var
        )
    if node.data == "template_else":
        return Directive("else", strip_left, strip_right)
    if node.data == "template_endif":
        return Directive("endif", strip_left, strip_right)
    if node.data == "template_endfor":
        return Directive("endfor", strip_left, strip_right)
    raise SyntaxProblem(f"unsupported template element ({node.data})", _line(node))


def _simplify(template: Template) -> Expr:
    if all(isinstance(part, str) for part in template.parts):
        return Literal("".join(str(part) for part in template.parts))
    return template


def _template_string(tree: LarkTree) -> Expr:
    return Literal(_decode(str(tree.children[0])[2:-2]))


def _heredoc(tree: LarkTree) -> Expr:
    raw = str(tree.children[0]).replace("\r\n", "\n")
    header, _, rest = raw.partition("\n")
    lines = rest.rstrip("\n").split("\n")[:-1]  # the last line is the closing marker
    if header.startswith("<<-"):
        lines = _dedent(lines)
    body = "".join(line + "\n" for line in lines)
    try:
        return _simplify(_parse_template_source(body, parse_expression))
    except SyntaxProblem as problem:
        raise SyntaxProblem(f"in heredoc: {problem.message}", _line(tree)) from None


def _dedent(lines: list[str]) -> list[str]:
    """R-HCL-7: ``<<-`` removes the smallest indentation of the non-blank lines."""
    indents = [len(line) - len(line.lstrip(" \t")) for line in lines if line.strip()]
    cut = min(indents, default=0)
    return [line[cut:] for line in lines]


def _tuple(tree: LarkTree) -> Expr:
    return TupleExpr(tuple(_expr(item) for item in _subtrees(tree)))


def _object(tree: LarkTree) -> Expr:
    items: list[tuple[Expr, Expr]] = []
    for elem in _subtrees(tree):
        key_node, value_node = _subtrees(elem)
        items.append((_object_key(key_node), _expr(value_node)))
    return ObjectExpr(tuple(items))


def _object_key(tree: LarkTree) -> Expr:
    """A bare identifier or keyword key is a literal string; anything else is evaluated."""
    inner = _subtrees(tree)[0]
    if inner.data == "keyword":
        return Literal(_word(inner))
    if inner.data == "expr_term":
        parts = _subtrees(inner)
        if len(parts) == 1 and parts[0].data == "identifier" and not _tokens(inner):
            return Literal(_word(parts[0]))
    return _expr(inner)


def _call(tree: LarkTree) -> Expr:
    names = [_word(t) for t in _subtrees(tree) if t.data == "identifier"]
    arguments = [t for t in _subtrees(tree) if t.data == "arguments"]
    args: tuple[Expr, ...] = ()
    expand = False
    if arguments:
        args = tuple(_expr(a) for a in _subtrees(arguments[0]))
        expand = any(t.type == "ELLIPSIS" for t in _tokens(arguments[0]))
    return Call("::".join(names), args, expand)


def _index_key(node: LarkTree) -> Expr:
    if node.data == "short_index":
        return Literal(int(str(_tokens(node)[-1])))
    return _expr(_subtrees(node)[0])


def _index(tree: LarkTree) -> Expr:
    target, index = _subtrees(tree)
    return Index(_expr(target), _index_key(index))


def _attr_name(node: LarkTree) -> str:
    return _word(_subtrees(node)[0])


def _get_attr(tree: LarkTree) -> Expr:
    target, attr = _subtrees(tree)
    return GetAttr(_expr(target), _attr_name(attr))


def _splat(tree: LarkTree) -> Expr:
    target, splat = _subtrees(tree)
    steps: list[AttrStep | IndexStep] = []
    for step in _subtrees(splat):
        if step.data == "get_attr":
            steps.append(AttrStep(_attr_name(step)))
        else:
            steps.append(IndexStep(_index_key(step)))
    return Splat(_expr(target), tuple(steps), legacy=splat.data == "attr_splat")


def _for_intro(tree: LarkTree) -> tuple[str | None, str, Expr]:
    names = [_word(t) for t in _subtrees(tree) if t.data == "identifier"]
    collection = next(t for t in _subtrees(tree) if t.data != "identifier")
    key_var, value_var = (names[0], names[1]) if len(names) == 2 else (None, names[0])
    return key_var, value_var, _expr(collection)


def _for(tree: LarkTree) -> Expr:
    intro = next(t for t in _subtrees(tree) if t.data == "for_intro")
    conds = [t for t in _subtrees(tree) if t.data == "for_cond"]
    cond = _expr(_subtrees(conds[0])[0]) if conds else None
    exprs = [_expr(t) for t in _subtrees(tree, "for_intro", "for_cond")]
    key_var, value_var, collection = _for_intro(intro)
    if tree.data == "for_tuple_expr":
        return ForExpr(key_var, value_var, collection, None, exprs[0], cond)
    grouping = any(t.type == "ELLIPSIS" for t in _tokens(tree))
    return ForExpr(key_var, value_var, collection, exprs[0], exprs[1], cond, grouping)


def _name(tree: LarkTree) -> Expr:
    return Name(_word(tree))


_TERMS = {
    "int_lit": _number_literal,
    "float_lit": _number_literal,
    "string": _string,
    "template_string": _template_string,
    "tuple": _tuple,
    "object": _object,
    "identifier": _name,
    "literal_value": _literal_word,
    "function_call": _call,
    "heredoc_template": _heredoc,
    "heredoc_template_trim": _heredoc,
    "index_expr_term": _index,
    "get_attr_expr_term": _get_attr,
    "attr_splat_expr_term": _splat,
    "full_splat_expr_term": _splat,
    "for_tuple_expr": _for,
    "for_object_expr": _for,
}
