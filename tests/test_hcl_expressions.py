"""The HCL adapter, templates and the expression evaluator (R-EVAL-1/2, R-HCL-5/7)."""

from __future__ import annotations

import pytest
from hcl_helpers import ev, ev_expr

from tfvpc.load.hcl.adapter import parse_config, parse_expression, parse_template
from tfvpc.load.hcl.evaluate import Env, evaluate_unit
from tfvpc.load.hcl.syntax import (
    BinaryOp,
    Conditional,
    ForExpr,
    GetAttr,
    Index,
    Literal,
    Name,
    Splat,
    SyntaxProblem,
    Template,
)
from tfvpc.load.hcl.values import EvalError
from tfvpc.load.resources import Ref, Unknown

# -- parsing ------------------------------------------------------------------------------


def test_operator_precedence_and_associativity() -> None:
    expr = parse_expression("1 + 2 * 3 - 4")
    assert expr == BinaryOp(
        "-", BinaryOp("+", Literal(1), BinaryOp("*", Literal(2), Literal(3))), Literal(4)
    )
    assert ev("1 + 2 * 3 - 4") == 3
    assert ev("!true || false && true") is False
    assert ev("(1 + 2) * 3") == 9


def test_traversals_parse_to_attribute_and_index_steps() -> None:
    expr = parse_expression('aws_subnet.public["a"].id')
    assert expr == GetAttr(Index(GetAttr(Name("aws_subnet"), "public"), Literal("a")), "id")
    assert parse_expression("x.0.y") == GetAttr(Index(Name("x"), Literal(0)), "y")


def test_splats_full_and_legacy() -> None:
    full = parse_expression("aws_subnet.public[*].id")
    legacy = parse_expression("aws_subnet.public.*.id")
    assert isinstance(full, Splat) and not full.legacy
    assert isinstance(legacy, Splat) and legacy.legacy


def test_numbers_are_ints_when_whole() -> None:
    assert ev("1e3") == 1000 and isinstance(ev("1e3"), int)
    assert ev("1.5") == 1.5
    assert ev("-1") == -1


def test_string_escapes_and_literal_interpolation_markers() -> None:
    assert ev(r'"a\tb\n\"q\" \u00e9"') == 'a\tb\n"q" é'
    assert ev('"$${not_interp} %%{not_directive}"') == "${not_interp} %{not_directive}"


def test_invalid_escape_is_a_syntax_problem() -> None:
    with pytest.raises(SyntaxProblem, match="invalid escape"):
        parse_expression(r'"\q"')


def test_object_keys_bare_names_are_literal_parenthesised_are_evaluated() -> None:
    assert ev('{a = 1, (k) = 2, "c" = 3}', k="dyn") == {"a": 1, "dyn": 2, "c": 3}


def test_conditional_and_for_parse() -> None:
    assert isinstance(parse_expression("a ? b : c"), Conditional)
    expr = parse_expression('{for k, v in m : v => k... if k != "x"}')
    assert isinstance(expr, ForExpr) and expr.grouping and expr.key_var == "k"


def test_heredoc_trim_removes_common_indentation() -> None:
    body = parse_config("x = <<-EOT\n    line one\n      indented ${name}\n  EOT\n")
    assert ev_expr(body.attributes["x"].expr, name="v") == "line one\n  indented v\n"


def test_plain_heredoc_keeps_indentation_and_final_newline() -> None:
    body = parse_config('x = <<EOT\n  {"a": "b"}\nEOT\n')
    assert ev_expr(body.attributes["x"].expr) == '  {"a": "b"}\n'


def test_block_and_attribute_lines_are_recorded() -> None:
    body = parse_config(
        '\n\nresource "aws_vpc" "a" {\n  cidr_block = "10.0.0.0/16"\n\n  tags {\n  }\n}\n'
    )
    block = body.blocks[0]
    assert (block.type, block.labels, block.line) == ("resource", ("aws_vpc", "a"), 3)
    assert block.body.attributes["cidr_block"].line == 4
    assert block.body.blocks[0].line == 6


def test_syntax_error_reports_its_line() -> None:
    with pytest.raises(SyntaxProblem) as caught:
        parse_config('a = 1\nb = "unterminated\n')
    assert caught.value.line == 2


def test_duplicate_attribute_is_refused() -> None:
    with pytest.raises(SyntaxProblem, match="defined twice"):
        parse_config("a = 1\na = 2\n")


# -- templates ------------------------------------------------------------------------------


def test_single_interpolation_keeps_the_value_type() -> None:
    assert ev('"${x}"', x=[1, 2]) == [1, 2]
    assert ev('"${x}"', x=Ref("aws_vpc.a")) == Ref("aws_vpc.a")


def test_template_converts_numbers_and_bools() -> None:
    assert ev('"n=${n} b=${b}"', n=5, b=True) == "n=5 b=true"


def test_template_if_and_for_directives() -> None:
    assert ev('"%{ if on }yes%{ else }no%{ endif }"', on=False) == "no"
    assert ev('"%{ for i, v in xs }${i}:${v},%{ endfor }"', xs=["a", "b"]) == "0:a,1:b,"


def test_strip_markers_remove_adjacent_whitespace() -> None:
    text = "<<EOT\n%{ for v in xs ~}\n${v}\n%{ endfor ~}\nend\nEOT\n"
    assert ev(text, xs=["a", "b"]) == "a\nb\nend\n"


def test_template_with_a_reference_is_unknown() -> None:
    value = ev('"${x}-suffix"', x=Ref("aws_vpc.main"))
    assert isinstance(value, Unknown)
    assert "aws_vpc.main.id is known only after apply" in value.reason


def test_template_null_interpolation_is_an_error() -> None:
    with pytest.raises(EvalError, match="null"):
        ev('"a${x}"', x=None)


def test_raw_template_parsing_escapes_and_nesting() -> None:
    assert ev_expr(parse_template('$${x} ${"}"} %{ if true }t%{ endif }')) == "${x} } t"
    with pytest.raises(SyntaxProblem, match="never closed"):
        parse_template("%{ if true }x")
    with pytest.raises(SyntaxProblem, match="missing '}'"):
        parse_template("${ a")


# -- evaluation --------------------------------------------------------------------------------


def test_arithmetic_follows_cty() -> None:
    assert ev("7 / 2") == 3.5
    assert ev("6 / 2") == 3 and isinstance(ev("6 / 2"), int)
    assert ev("-7 % 3") == -1  # truncated, sign of the dividend
    assert ev("5 % 0") == 5
    assert ev('"5" + 1') == 6
    with pytest.raises(EvalError):
        ev("0 / 0")


def test_equality_is_type_strict() -> None:
    assert ev('1 == "1"') is False
    assert ev("[1, 2] == [1, 2]") is True
    assert ev("{a = 1} != {a = 2}") is True


def test_unknown_operands_propagate() -> None:
    unknown = Unknown("var.x has no value")
    assert ev("x + 1", x=unknown) == unknown
    assert ev("x == 1", x=unknown) == unknown
    # A known operand that decides the result wins over an unknown one.
    assert ev("false && x", x=unknown) is False
    assert ev("x || true", x=unknown) is True
    assert ev("true && x", x=unknown) == unknown


def test_conditional_with_known_condition_keeps_references() -> None:
    assert ev("c ? a : b", c=True, a=Ref("aws_subnet.a"), b=Ref("aws_subnet.b")) == Ref(
        "aws_subnet.a"
    )


def test_conditional_with_unknown_condition_lists_both_branches() -> None:
    value = ev("c ? a : b", c=Unknown("var.c unset"), a=Ref("aws_subnet.a"), b=Ref("aws_subnet.b"))
    assert isinstance(value, Unknown)
    assert value.candidates == (Ref("aws_subnet.a"), Ref("aws_subnet.b"))
    assert "var.c unset" in value.reason


def test_conditional_unifies_number_with_string_branch() -> None:
    assert ev('c ? 1 : "x"', c=True) == "1"


def test_for_expressions() -> None:
    assert ev("[for x in xs : x * 2 if x > 1]", xs=[1, 2, 3]) == [4, 6]
    assert ev("{for k, v in m : v => k}", m={"b": "2", "a": "1"}) == {"1": "a", "2": "b"}
    assert ev("[for k, v in m : k]", m={"b": 1, "a": 2}) == ["a", "b"]  # maps iterate sorted
    assert ev("{for s in xs : s.k => s.v...}", xs=[{"k": "a", "v": 1}, {"k": "a", "v": 2}]) == {
        "a": [1, 2]
    }
    with pytest.raises(EvalError, match="two elements produce the key"):
        ev("{for s in xs : s => 1}", xs=["a", "a"])


def test_for_over_unknown_is_unknown() -> None:
    unknown = Unknown("no value")
    assert ev("[for x in xs : x]", xs=unknown) == unknown


def test_splat_over_lists_null_and_single_values() -> None:
    xs = [{"id": "a"}, {"id": "b"}]
    assert ev("xs[*].id", xs=xs) == ["a", "b"]
    assert ev("xs.*.id", xs=xs) == ["a", "b"]
    assert ev("x[*].id", x=None) == []
    assert ev("x[*].id", x={"id": "only"}) == ["only"]


def test_legacy_splat_applies_index_to_the_result() -> None:
    xs = [{"ids": ["a", "b"]}, {"ids": ["c", "d"]}]
    assert ev("xs.*.ids[0]", xs=xs) == ["a", "b"]
    assert ev("xs[*].ids[0]", xs=xs) == ["a", "c"]


def test_splat_of_references_gives_references_in_order() -> None:
    refs = [Ref("aws_subnet.p[0]"), Ref("aws_subnet.p[1]")]
    assert ev("xs[*]", xs=refs) == refs


def test_index_with_unknown_key_keeps_candidates() -> None:
    refs = [Ref("aws_subnet.p[0]"), Ref("aws_subnet.p[1]")]
    value = ev("xs[i]", xs=refs, i=Unknown("var.i unset"))
    assert isinstance(value, Unknown) and value.candidates == tuple(refs)


def test_traversing_a_reference_extends_its_attribute() -> None:
    assert ev("r.dns_entry[0].dns_name", r=Ref("aws_vpc_endpoint.e", "id")) == Ref(
        "aws_vpc_endpoint.e", "id.dns_entry.0.dns_name"
    )


def test_missing_keys_and_bad_indexes_are_errors() -> None:
    with pytest.raises(EvalError):
        ev("m.nope", m={"a": 1})
    with pytest.raises(EvalError, match="out of range"):
        ev("xs[5]", xs=[1])
    with pytest.raises(EvalError):
        ev("s[0]", s="text")


def test_try_and_can() -> None:
    assert ev('try(m.missing, "fallback")', m={}) == "fallback"
    assert ev("try(m.a, 0)", m={"a": 7}) == 7
    assert ev("can(m.missing)", m={}) is False
    assert ev("can(m.a)", m={"a": 1}) is True
    assert isinstance(ev("can(x)", x=Unknown("u")), Unknown)
    with pytest.raises(EvalError, match="no argument succeeded"):
        ev("try(m.a, m.b)", m={})


def test_function_expansion_argument() -> None:
    assert ev("max(xs...)", xs=[3, 9, 2]) == 9
    assert ev("concat(xs...)", xs=[[1], [2, 3]]) == [1, 2, 3]


def test_unknown_names_and_constant_environments() -> None:
    with pytest.raises(EvalError, match="only constant values"):
        ev("var.x")
    assert isinstance(evaluate_unit(parse_expression("var.x"), Env(None)), Unknown)


def test_apply_time_and_unsupported_functions_are_unknown() -> None:
    assert ev("timestamp()") == Unknown("timestamp() is only known at apply")
    assert "not evaluated by tfvpc" in str(ev("yamlencode({})"))
    assert "provider function" in str(ev('provider::aws::arn_parse("x")'))


def test_function_errors_name_the_function() -> None:
    with pytest.raises(EvalError, match=r"^cidrsubnet\(\): "):
        ev('cidrsubnet("10.0.0.0/16", 8, 256)')


def test_template_node_for_mixed_text() -> None:
    assert isinstance(parse_expression('"a-${b}"'), Template)
