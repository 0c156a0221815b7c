"""Built-in functions (R-EVAL-9): results and edge cases from Terraform's documentation."""

from __future__ import annotations

import pytest
from hcl_helpers import ev

from tfvpc.load.hcl.adapter import parse_expression
from tfvpc.load.hcl.evaluate import Env
from tfvpc.load.hcl.values import EvalError
from tfvpc.load.resources import Ref, Unknown

# -- network -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        ('cidrsubnet("172.16.0.0/12", 4, 2)', "172.18.0.0/16"),
        ('cidrsubnet("10.1.2.0/24", 4, 15)', "10.1.2.240/28"),
        ('cidrsubnet("fd00:fd12:3456:7890::/56", 16, 162)', "fd00:fd12:3456:7800:a200::/72"),
        ('cidrsubnet("10.0.0.5/16", 8, 1)', "10.0.1.0/24"),  # host bits masked first
        ('cidrsubnet("010.000.0.0/16", 8, 3)', "10.0.3.0/24"),  # leading zeros are decimal
        ('cidrsubnet("10.0.0.0/16", 0, 0)', "10.0.0.0/16"),
    ],
)
def test_cidrsubnet(call: str, expected: str) -> None:
    assert ev(call) == expected


@pytest.mark.parametrize(
    ("call", "message"),
    [
        ('cidrsubnet("10.0.0.0/16", 8, 256)', "does not accommodate a subnet numbered 256"),
        ('cidrsubnet("10.0.0.0/30", 4, 0)', "insufficient address space"),
        ('cidrsubnet("10.0.0.0", 8, 0)', "invalid CIDR"),
        ('cidrsubnet("10.0.0.0/16", 8, -1)', "does not accommodate"),
    ],
)
def test_cidrsubnet_errors(call: str, message: str) -> None:
    with pytest.raises(EvalError, match=message):
        ev(call)


def test_cidrsubnet_error_becomes_unknown_at_an_attribute() -> None:
    from tfvpc.load.hcl.evaluate import evaluate_unit

    value = evaluate_unit(parse_expression('cidrsubnet("10.0.0.0/16", 8, 300)'), Env(None))
    assert isinstance(value, Unknown) and "subnet numbered 300" in value.reason


def test_cidrsubnets_documented_example() -> None:
    assert ev('cidrsubnets("10.1.0.0/16", 4, 4, 8, 4)') == [
        "10.1.0.0/20",
        "10.1.16.0/20",
        "10.1.32.0/24",
        "10.1.48.0/20",
    ]
    assert ev('cidrsubnets("fd00:fd12:3456:7890::/56", 16, 16, 16, 32)') == [
        "fd00:fd12:3456:7800::/72",
        "fd00:fd12:3456:7800:100::/72",
        "fd00:fd12:3456:7800:200::/72",
        "fd00:fd12:3456:7800:300::/88",
    ]
    assert ev('cidrsubnets("10.0.0.0/16")') == []


def test_cidrsubnets_runs_out_of_space() -> None:
    with pytest.raises(EvalError, match="not enough remaining address space"):
        ev('cidrsubnets("10.0.0.0/24", 1, 1, 1)')


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        ('cidrhost("10.12.112.0/20", 16)', "10.12.112.16"),
        ('cidrhost("10.12.112.0/20", 268)', "10.12.113.12"),
        ('cidrhost("fd00:fd12:3456:7890:00a2::/72", 34)', "fd00:fd12:3456:7890::22"),
        ('cidrhost("10.0.0.0/8", -2)', "10.255.255.254"),
        ('cidrhost("10.0.0.0/24", -256)', "10.0.0.0"),
    ],
)
def test_cidrhost(call: str, expected: str) -> None:
    assert ev(call) == expected


def test_cidrhost_out_of_range() -> None:
    with pytest.raises(EvalError, match="does not accommodate a host"):
        ev('cidrhost("10.0.0.0/24", 256)')
    with pytest.raises(EvalError, match="does not accommodate a host"):
        ev('cidrhost("10.0.0.0/24", -257)')


def test_cidrnetmask() -> None:
    assert ev('cidrnetmask("172.16.0.0/12")') == "255.240.0.0"
    assert ev('cidrnetmask("10.0.0.0/32")') == "255.255.255.255"
    with pytest.raises(EvalError, match="IPv6"):
        ev('cidrnetmask("fd00::/64")')


# -- collections -----------------------------------------------------------------------------


def test_concat_merge_lookup() -> None:
    assert ev('concat(["a"], [], ["b", "c"])') == ["a", "b", "c"]
    assert ev("merge({a = 1, b = 2}, {b = 3}, null, {c = 4})") == {"a": 1, "b": 3, "c": 4}
    assert ev('lookup({a = "x"}, "a", "d")') == "x"
    assert ev('lookup({a = "x"}, "z", "d")') == "d"
    with pytest.raises(EvalError, match="no key"):
        ev('lookup({a = "x"}, "z")')


def test_element_wraps_with_modulo() -> None:
    assert ev('element(["a", "b", "c"], 3)') == "a"
    assert ev('element(["a", "b", "c"], 7)') == "b"
    assert ev('element(["a", "b", "c"], -1)') == "c"
    with pytest.raises(EvalError, match="empty list"):
        ev("element([], 0)")


def test_length_keys_values() -> None:
    assert ev('length("héllo")') == 5
    assert ev('length("e\u0301")') == 1  # one grapheme cluster
    assert ev("length({a = 1, b = 2})") == 2
    assert ev("keys({b = 1, a = 2})") == ["a", "b"]
    assert ev("values({b = 1, a = 2})") == [2, 1]


def test_flatten_distinct_compact() -> None:
    assert ev('flatten([["a", "b"], [], ["c", ["d"]]])') == ["a", "b", "c", "d"]
    assert ev('distinct(["a", "b", "a", "c", "b"])') == ["a", "b", "c"]
    assert ev('compact(["a", "", null, "b"])') == ["a", "b"]


def test_coalesce_and_coalescelist() -> None:
    assert ev('coalesce("", null, "b", "c")') == "b"
    assert ev('coalesce(1, "a")') == "1"  # unified to string
    assert ev('coalescelist([], ["x"], ["y"])') == ["x"]
    with pytest.raises(EvalError, match="no non-null"):
        ev('coalesce("", null)')


def test_contains_index_slice_reverse_sort() -> None:
    assert ev('contains(["a", "b"], "b")') is True
    assert ev('contains(["a", "b"], "z")') is False
    assert ev('index(["a", "b", "c"], "b")') == 1
    assert ev('slice(["a", "b", "c", "d"], 1, 3)') == ["b", "c"]
    assert ev("reverse([1, 2, 3])") == [3, 2, 1]
    assert ev('sort(["e", "d", "a", "x"])') == ["a", "d", "e", "x"]
    with pytest.raises(EvalError, match="end index"):
        ev("slice([1, 2], 1, 3)")


def test_range_zipmap_one_all_any() -> None:
    assert ev("range(3)") == [0, 1, 2]
    assert ev("range(1, 4)") == [1, 2, 3]
    assert ev("range(1, 8, 2)") == [1, 3, 5, 7]
    assert ev("range(4, 1)") == [4, 3, 2]
    assert ev("range(0, 1, 0.25)") == [0, 0.25, 0.5, 0.75]
    with pytest.raises(EvalError, match="1024"):
        ev("range(2000)")
    assert ev('zipmap(["a", "b"], [1, 2])') == {"a": 1, "b": 2}
    assert ev("one([])") is None
    assert ev('one(["x"])') == "x"
    with pytest.raises(EvalError):
        ev("one([1, 2])")
    assert ev("alltrue([])") is True
    assert ev('alltrue([true, "true"])') is True
    assert ev("anytrue([false, true])") is True
    assert ev("anytrue([])") is False


def test_set_functions() -> None:
    assert ev('setunion(["b", "a"], ["c", "a"])') == ["a", "b", "c"]
    assert ev('setintersection(["a", "b", "c"], ["b", "c", "d"])') == ["b", "c"]
    assert ev('setsubtract(["a", "b", "c"], ["b"])') == ["a", "c"]
    assert ev('setproduct(["a", "b"], [1, 2])') == [["a", 1], ["a", 2], ["b", 1], ["b", 2]]


def test_conversions() -> None:
    assert ev('tonumber("42")') == 42
    assert ev("tostring(1.5)") == "1.5"
    assert ev("tostring(true)") == "true"
    assert ev('tobool("false")') is False
    assert ev('toset(["b", "a", "b"])') == ["a", "b"]
    assert ev('tolist(["a", 1])') == ["a", "1"]
    assert ev('tomap({a = 1, b = "x"})') == {"a": "1", "b": "x"}
    with pytest.raises(EvalError):
        ev('tonumber("ten")')


def test_numbers() -> None:
    assert ev("min(3, 1.5, 9)") == 1.5
    assert ev("max(3, 1.5, 9)") == 9
    assert ev("abs(-3)") == 3
    assert ev("ceil(1.2)") == 2
    assert ev("floor(-1.2)") == -2
    assert ev("sum([1, 2.5])") == 3.5
    assert ev('parseint("FF", 16)') == 255
    assert ev('parseint("-101", 2)') == -5
    with pytest.raises(EvalError, match="empty list"):
        ev("sum([])")


# -- strings --------------------------------------------------------------------------------


def test_join_split_replace() -> None:
    assert ev('join(", ", ["a", "b"], ["c"])') == "a, b, c"
    assert ev('split(",", "a,b,,c")') == ["a", "b", "", "c"]
    assert ev('split(",", "")') == [""]
    assert ev('replace("1 + 2 + 3", "+", "-")') == "1 - 2 - 3"
    assert ev('replace("hello world", "/w.*d/", "everybody")') == "hello everybody"
    assert ev('replace("a-b-c", "/(\\\\w)-/", "$${1}_")') == "a_b_c"
    # Go reads "$1_" as the group named "1_", which does not exist: it expands to nothing.
    assert ev('replace("a-b-c", "/(\\\\w)-/", "$1_")') == "c"


def test_case_and_trimming() -> None:
    assert ev('lower("HeLLo")') == "hello"
    assert ev('upper("straße")') == "STRAßE"  # rune by rune, as Go does
    assert ev('title("hello world-wide web_site")') == "Hello World-Wide Web_site"
    assert ev('trimspace("  \\n hi \\t ")') == "hi"
    assert ev('trim("?!hello?!", "!?")') == "hello"
    assert ev('trimprefix("helloworld", "hello")') == "world"
    assert ev('trimsuffix("helloworld", "world")') == "hello"
    assert ev('chomp("hello\\r\\n\\n")') == "hello"
    assert ev('startswith("hello world", "hello")') is True
    assert ev('endswith("hello world", "hello")') is False


def test_substr_counts_characters() -> None:
    assert ev('substr("hello world", 1, 4)') == "ello"
    assert ev('substr("🤔🤷", 0, 1)') == "🤔"
    assert ev('substr("hello world", -5, -1)') == "world"
    assert ev('substr("hello", 10, 2)') == ""
    assert ev('substr("hello", 1, 0)') == ""


def test_format_and_formatlist() -> None:
    assert ev('format("Hello, %s!", "Ander")') == "Hello, Ander!"
    assert ev('format("There are %d lights", 4)') == "There are 4 lights"
    assert ev('format("%03d-%-4s|%5.2f|%x|%t|%q", 7, "ab", 3.14159, 255, true, "x")') == (
        '007-ab  | 3.14|ff|true|"x"'
    )
    assert ev('format("%v %v %v", "s", 1000000, [1])') == "s 1e+06 [1]"
    assert ev('format("%[2]s %[1]s", "a", "b")') == "b a"
    assert ev('formatlist("%s-%d", ["a", "b"], 1)') == ["a-1", "b-1"]
    with pytest.raises(EvalError, match="too many arguments"):
        ev('format("%s", "a", "b")')
    with pytest.raises(EvalError, match="not enough arguments"):
        ev('format("%s %s", "a")')


def test_format_with_unknown_argument_is_unknown() -> None:
    assert isinstance(ev('format("%s", x)', x=Ref("aws_vpc.a")), Unknown)


def test_regex_and_regexall() -> None:
    assert ev('regex("[a-z]+", "53453453.345345aaabbbccc23454")') == "aaabbbccc"
    assert ev('regex("(\\\\d\\\\d\\\\d\\\\d)-(\\\\d\\\\d)", "2019-02-01")') == ["2019", "02"]
    assert ev('regex("^(?P<user>[^@]+)@(?P<domain>.+)$", "me@example.com")') == {
        "user": "me",
        "domain": "example.com",
    }
    assert ev('regexall("[a-z]+", "1234abcd5678efgh9")') == ["abcd", "efgh"]
    assert ev('length(regexall("[a-z]+", "123"))') == 0
    with pytest.raises(EvalError, match="did not match"):
        ev('regex("z", "abc")')


def test_regex_follows_go_for_empty_matches() -> None:
    # Go skips an empty match right after a previous match; Python's findall does not.
    assert ev('regexall("a*", "baaac")') == ["", "aaa", ""]


def test_regex_constructs_that_differ_from_re2_are_unknown_or_errors() -> None:
    assert isinstance(ev('regex("\\\\p{L}+", "abc")'), Unknown)
    assert isinstance(ev('regex("a$", "a\\n")'), Unknown)
    with pytest.raises(EvalError, match="lookaround"):
        ev('regex("a(?=b)", "ab")')
    assert ev('regex("\\\\d+", "٣3")') == "3"  # \d is ASCII-only in RE2


def test_json_and_base64() -> None:
    assert ev('jsonencode({b = [1, true, null], a = "<x>"})') == (
        '{"a":"\\u003cx\\u003e","b":[1,true,null]}'
    )
    assert ev('jsondecode("{\\"a\\": [1, 2.0]}")') == {"a": [1, 2]}
    assert ev('base64encode("hello")') == "aGVsbG8="
    assert ev('base64decode("aGVsbG8=")') == "hello"
    assert isinstance(ev("jsonencode([x])", x=Unknown("u")), Unknown)


# -- references through functions (R-EVAL-2) ---------------------------------------------------


def test_references_survive_structural_functions() -> None:
    a, b = Ref("aws_subnet.a"), Ref("aws_subnet.b")
    assert ev("element(xs, 1)", xs=[a, b]) == b
    assert ev("concat([x], [y])", x=a, y=b) == [a, b]
    assert ev('lookup(m, "k", null)', m={"k": a}) == a
    assert ev("flatten([[x], [y]])", x=a, y=b) == [a, b]
    assert ev('coalesce("", x)', x=a) == a
    assert ev("length([x, y])", x=a, y=b) == 2
    assert ev("distinct([x, y, x])", x=a, y=b) == [a, b]
    assert ev("tostring(x)", x=a) == a
    assert ev('compact([x, ""])', x=a) == [a]


def test_functions_that_inspect_a_reference_are_unknown() -> None:
    a = Ref("aws_vpc.a", "cidr_block")
    value = ev("cidrsubnet(x, 8, 1)", x=a)
    assert isinstance(value, Unknown) and "aws_vpc.a.cidr_block" in value.reason
    assert isinstance(ev("upper(x)", x=a), Unknown)
    assert isinstance(ev('join(",", [x])', x=a), Unknown)


def test_selector_functions_keep_candidates_of_unknown_arguments() -> None:
    a, b = Ref("aws_subnet.a"), Ref("aws_subnet.b")
    ambiguous = Unknown("count of aws_subnet.p is unknown", (a,))
    value = ev("element(concat(xs, [y]), 0)", xs=ambiguous, y=b)
    assert isinstance(value, Unknown)
    assert value.reason == "count of aws_subnet.p is unknown"
    assert value.candidates == (a, b)
    # A function that transforms its input does not pretend the result is one of them.
    assert ev('join(",", xs)', xs=ambiguous) == Unknown("count of aws_subnet.p is unknown")


def test_less_common_functions() -> None:
    assert ev('indent(2, "a\\nb")') == "a\n  b"
    assert ev('strrev("héllo")') == "olléh"
    assert ev("signum(-4)") == -1
    assert ev("pow(2, 10)") == 1024
    assert ev("chunklist([1, 2, 3], 2)") == [[1, 2], [3]]
    assert ev('transpose({a = ["1", "2"], b = ["2"]})') == {"1": ["a"], "2": ["a", "b"]}
    assert ev('matchkeys(["i-1", "i-2"], ["a", "b"], ["b"])') == ["i-2"]
    assert ev('urlencode("a b&c")') == "a+b%26c"
    assert ev('basename("foo/bar/baz.txt")') == "baz.txt"
    assert ev('basename("foo/bar/")') == "bar"
    assert ev('dirname("foo/bar/baz.txt")') == "foo/bar"
    assert ev('dirname("baz.txt")') == "."


def test_results_too_large_to_build_are_unknown_not_a_stall() -> None:
    assert "too large" in str(ev('format("%0999999999d", 1)'))
    assert "too large" in str(ev("setproduct(range(1000), range(1000), range(1000))"))
    assert "too large" in str(ev('indent(999999999, "a\\nb")'))
