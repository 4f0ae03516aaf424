"""One value into one cell (csv_writer.cells): every DynamoDB type, exact numbers, plain JSON values."""

from __future__ import annotations

import base64
import json
import string
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from csv_writer.cells import ConversionError, render_cell, render_image, render_json, render_plain
from csv_writer.csv_format import restore_cell

from .conftest import any_text

BIG = "12345678901234567890123456789012345678"  # 38 digits: DynamoDB's full precision


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ({"S": "Ada"}, "Ada"),
        ({"S": ""}, ""),
        ({"N": "42"}, "42"),
        ({"N": "0.1"}, "0.1"),
        ({"N": "-5"}, "-5"),
        ({"N": BIG}, BIG),
        ({"N": "-0.000000000000000000000000000000000001"}, "-0.000000000000000000000000000000000001"),
        ({"N": "1E+130"}, "1E+130"),
        ({"BOOL": True}, "true"),
        ({"BOOL": False}, "false"),
        ({"NULL": True}, ""),
        ({"B": "aGVsbG8="}, "aGVsbG8="),
        ({"B": b"hello"}, "aGVsbG8="),
        ({"SS": ["a", "b, c"]}, '["a","b, c"]'),
        ({"NS": ["1", "0.1", BIG]}, f"[1,0.1,{BIG}]"),
        ({"BS": ["aGVsbG8=", b"\xf8\x00"]}, '["aGVsbG8=","+AA="]'),
        ({"L": []}, "[]"),
        ({"M": {}}, "{}"),
        (
            {
                "L": [
                    {"S": "x"},
                    {"N": "2.50"},
                    {"BOOL": False},
                    {"NULL": True},
                    {"B": b"hi"},
                    {"L": [{"N": "1"}]},
                ]
            },
            '["x",2.50,false,null,"aGk=",[1]]',
        ),
        (
            {"M": {"city": {"S": "Zoë"}, "n": {"N": BIG}, "tags": {"SS": ['q"uote']}, "m": {"M": {}}}},
            '{"city":"Zoë","n":' + BIG + ',"tags":["q\\"uote"],"m":{}}',
        ),
    ],
)
def test_every_dynamodb_type_renders_losslessly(value: dict[str, Any], cell: str) -> None:
    assert render_cell(value) == cell


def test_binary_as_bytes_and_as_base64_text_give_the_same_cells() -> None:
    raw = bytes(range(256))
    text = base64.b64encode(raw).decode()
    event_shape = {"pic": {"B": text}, "set": {"BS": [text]}, "m": {"M": {"b": {"B": text}}}}
    boto3_shape = {"pic": {"B": raw}, "set": {"BS": [raw]}, "m": {"M": {"b": {"B": raw}}}}
    assert render_image(event_shape) == render_image(boto3_shape)
    assert base64.b64decode(render_image(boto3_shape)["pic"]) == raw


def test_numbers_inside_json_are_exact_json_numbers() -> None:
    cell = render_cell({"NS": [BIG, "0.1", "-7", "1e-130"]})
    assert json.loads(cell, parse_float=Decimal, parse_int=Decimal) == [
        Decimal(BIG),
        Decimal("0.1"),
        Decimal(-7),
        Decimal("1e-130"),
    ]
    # numbers JSON cannot spell verbatim are normalized exactly, never through float
    assert render_json({"L": [{"N": "007"}, {"N": ".5"}, {"N": "5."}, {"N": "-00.10"}]}) == "[7,0.5,5,-0.10]"
    assert render_cell({"N": "007"}) == "007"  # as a cell: exactly as the stream gave it


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "'quoted", '=HYPERLINK("x")'])
def test_formula_text_is_neutralized_and_restorable(text: str) -> None:
    cell = render_cell({"S": text})
    assert cell == "'" + text
    assert restore_cell(cell) == text


def test_numbers_and_safe_text_are_not_prefixed() -> None:
    assert render_cell({"N": "-5"}) == "-5"
    assert render_cell({"S": "Grace"}) == "Grace"
    assert render_cell({"S": " =x"}) == " =x"
    assert render_cell({"B": "+AA="}) == "'+AA="  # base64 text can start with '+'
    assert render_cell({"L": [{"S": "=1"}]}) == '["=1"]'  # JSON cells start with [ or {


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ({"N": "thirty"}, "N value must be a number"),
        ({"N": "NaN"}, "N value must be a number"),
        ({"N": "\u0663"}, "N value must be a number"),  # ARABIC-INDIC DIGIT THREE is no DynamoDB number
        ({"N": 5}, "N value must be a number"),
        ({"S": 5}, "S value must be text"),
        ({"BOOL": "yes"}, "BOOL value must be true or false"),
        ({"B": 7}, "B value must be base64 text or bytes"),
        ({"B": "b'AAH/aGVsbG8='"}, "B value is not base64 text"),  # Python's repr of bytes
        ({"B": "aGVsbG8"}, "B value is not base64 text (Incorrect padding)"),
        ({"BS": ["aGk=", "aGk"]}, "BS value is not base64 text"),
        ({"SS": "abc"}, "SS value must be a list"),
        ({"SS": ["a", 1]}, "SS value must be text"),
        ({"NS": ["1", "x"]}, "N value must be a number"),
        ({"M": [1]}, "M value must be an object"),
        ({"L": [{"N": "1"}, {"X": "?"}]}, "[1]: unknown DynamoDB type tag 'X'"),
        ({"M": {"a": {"N": "one"}}}, "['a']: N value must be a number"),
        ({"DATE": "2024-01-01"}, "unknown DynamoDB type tag 'DATE'"),
        ({"S": "a", "N": "1"}, "one type tag"),
        ("plain", "one type tag"),
    ],
)
def test_values_that_are_not_dynamodb_values_are_refused_with_a_reason(value: Any, reason: str) -> None:
    with pytest.raises(ConversionError) as caught:
        render_cell(value)
    assert reason in str(caught.value)


def test_attribute_errors_name_the_attribute() -> None:
    with pytest.raises(ConversionError, match=r"attribute 'age': N value must be a number.*'thirty'"):
        render_image({"userId": {"S": "u1"}, "age": {"N": "thirty"}})


def test_nesting_deeper_than_dynamodb_allows_is_refused() -> None:
    value: dict[str, Any] = {"N": "1"}
    for _ in range(100):
        value = {"L": [value]}
    with pytest.raises(ConversionError, match="nested deeper"):
        render_cell(value)


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("Grace", "Grace"),
        ("=cmd", "'=cmd"),
        (None, ""),
        (True, "true"),
        (False, "false"),
        (-5, "-5"),
        (10**40, "1" + "0" * 40),
        (0.1, "0.1"),
        ([1, "a", None], '[1,"a",null]'),
        ({"k": {"n": 1.5}}, '{"k":{"n":1.5}}'),
    ],
)
def test_plain_json_values_of_direct_inputs(value: Any, cell: str) -> None:
    assert render_plain(value) == cell


@pytest.mark.parametrize("value", [float("nan"), float("inf"), [float("-inf")], object()])
def test_plain_values_without_a_csv_form_are_refused(value: Any) -> None:
    with pytest.raises(ConversionError):
        render_plain(value)


# ---- properties ----------------------------------------------------------------------------------------

_numbers = st.decimals(allow_nan=False, allow_infinity=False, places=None).map(str)
_b64 = st.binary(max_size=24).map(lambda raw: base64.b64encode(raw).decode())


def _attribute_values() -> st.SearchStrategy[dict[str, Any]]:
    scalars = st.one_of(
        any_text.map(lambda s: {"S": s}),
        _numbers.map(lambda n: {"N": n}),
        st.booleans().map(lambda b: {"BOOL": b}),
        st.just({"NULL": True}),
        _b64.map(lambda b: {"B": b}),
        st.lists(any_text, max_size=4).map(lambda ss: {"SS": ss}),
        st.lists(_numbers, max_size=4).map(lambda ns: {"NS": ns}),
        st.lists(_b64, max_size=3).map(lambda bs: {"BS": bs}),
    )
    return st.recursive(
        scalars,
        lambda children: st.one_of(
            st.lists(children, max_size=4).map(lambda items: {"L": items}),
            st.dictionaries(any_text, children, max_size=4).map(lambda members: {"M": members}),
        ),
        max_leaves=12,
    )


def _expected(value: dict[str, Any]) -> Any:
    """The Python value json.loads(parse_float=Decimal) must give back for a rendered attribute value."""
    ((tag, inner),) = value.items()
    expected: Any
    if tag in {"S", "B"}:
        expected = inner
    elif tag == "N":
        expected = Decimal(inner)
    elif tag == "BOOL":
        expected = inner
    elif tag == "NULL":
        expected = None
    elif tag in {"SS", "BS"}:
        expected = list(inner)
    elif tag == "NS":
        expected = [Decimal(n) for n in inner]
    elif tag == "L":
        expected = [_expected(member) for member in inner]
    else:
        expected = {name: _expected(member) for name, member in inner.items()}
    return expected


@given(_attribute_values())
@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
def test_any_attribute_value_renders_as_json_that_parses_back_exactly(value: dict[str, Any]) -> None:
    text = render_json(value)
    parsed = json.loads(text, parse_float=Decimal, parse_int=Decimal)
    assert parsed == _expected(value)
    # numbers keep their value exactly: Decimal equality, never a float in between
    if "N" in value:
        assert render_cell(value) == value["N"]


@given(_numbers)
def test_any_number_stays_a_number_cell(number: str) -> None:
    cell = render_cell({"N": number})
    assert cell == number
    assert Decimal(cell) == Decimal(number)
    assert cell[0] in string.digits + "-."


@given(st.dictionaries(any_text, _attribute_values(), max_size=6))
@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
def test_a_whole_item_renders_each_attribute_as_render_cell_does(item: dict[str, dict[str, Any]]) -> None:
    # render_image takes short cuts for the commonest values: they must never change a cell
    assert render_image(item) == {name: render_cell(value) for name, value in item.items()}


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ({"N": "thirty"}, "N value must be a number"),
        ({"N": "1.2.3"}, "N value must be a number"),
        ({"S": 5}, "S value must be text"),
        ({"BOOL": "yes"}, "BOOL value must be true or false"),
        ({"SS": ["a", 1]}, "SS value must be text"),
        ({"S": "a", "N": "1"}, "one type tag"),
        ({"S": None}, "S value must be text"),
    ],
)
def test_an_item_refuses_what_render_cell_refuses(value: Any, reason: str) -> None:
    with pytest.raises(ConversionError, match=f"attribute 'x': .*{reason}"):
        render_image({"userId": {"S": "u1"}, "x": value})
