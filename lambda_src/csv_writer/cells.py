"""One value into one spreadsheet-safe CSV cell: a DynamoDB attribute value, or a plain JSON value.

Two value shapes are accepted for DynamoDB attribute values (`render_cell`, `render_json`):

- the Lambda event shape, where `B` / `BS` hold base64 *text* (the event is JSON), and
- the boto3 shape (`dynamodbstreams.get_records`, `dynamodb.get_item` on a low-level client), where
  `B` / `BS` hold Python `bytes`; they are rendered as the same base64 text, so both shapes give the
  same CSV.

Cell rules (all lossless, see `csv_writer.csv_format.restore_cell` for the inverse of the one change we
make to text):

======  =======================================================================================
S       the text itself
N       the number text exactly as given (no float: a 38-digit number survives)
BOOL    `true` / `false`
NULL    empty cell
B       base64 text (RFC 4648, with padding): the bytes themselves, re-encoded, whichever shape came in
SS/NS/  compact JSON: `["a","b"]`, `[1,0.1]` (numbers as JSON numbers, written from the number text,
BS/L/M  never through float), binary as base64 strings, `{"k":[1,null,true]}` for maps and lists
======  =======================================================================================

Binary is checked, not passed through: base64 text that does not decode (e.g. Python's `b'...'` repr of
bytes, which moto's stream records carried instead of base64) is refused with `ConversionError`, so the
record fails alone instead of writing text no reader can decode. Decoding `base64.b64decode(cell)` (after
dropping a leading `'`, see below) gives back the item's exact bytes.

Text cells (`S`, `B`, plain JSON text) are neutralized against formulas (`csv_writer.csv_format`).
Numbers (`N`) are never prefixed: `-5` stays `-5`, and a value that is not a number is refused rather than
written as text. JSON cells start with `[` or `{`. A value that cannot become a cell raises
`ConversionError`, whose message says which value and why.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import re
from collections.abc import Callable, Mapping, Sequence
from json.encoder import encode_basestring  # the C string escaper behind json.dumps(ensure_ascii=False)
from typing import Any

from .csv_format import FORMULA_TRIGGERS, NEUTRALIZER, neutralize

# A DynamoDB number as text: optional minus, ASCII digits with an optional fraction, optional exponent.
_NUMBER = re.compile(r"-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_number_match = _NUMBER.fullmatch
# The subset JSON allows verbatim (no leading zeros, no bare dot).
_JSON_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")

# DynamoDB allows 32 levels of nesting; anything deeper is not a stream record.
MAX_DEPTH = 64


class ConversionError(ValueError):
    """A value that cannot become a cell; the message says which value and why."""


def _describe(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _base64_text(inner: object, tag: str) -> str:
    """Canonical base64 of a binary value: bytes encoded, base64 text checked by decoding it strictly."""
    if type(inner) is str:
        try:
            raw = binascii.a2b_base64(inner, strict_mode=True)
        except (binascii.Error, ValueError) as error:
            raise ConversionError(f"{tag} value is not base64 text ({error}): {_describe(inner)}") from None
        return binascii.b2a_base64(raw, newline=False).decode("ascii")
    if isinstance(inner, bytes | bytearray | memoryview):
        return base64.b64encode(inner).decode("ascii")
    raise ConversionError(f"{tag} value must be base64 text or bytes, got {_describe(inner)}")


def _number_text(inner: object) -> str:
    if type(inner) is str and _NUMBER.fullmatch(inner):
        return inner
    raise ConversionError(f"N value must be a number as text, got {_describe(inner)}")


def _json_number(inner: object) -> str:
    text = _number_text(inner)
    if _JSON_NUMBER.fullmatch(text):
        return text
    # "007", ".5", "5." are numbers DynamoDB would normalize; Decimal normalizes them exactly (no float).
    from decimal import Decimal

    return str(Decimal(text))


def _text(inner: object, tag: str) -> str:
    if type(inner) is str:
        return inner
    raise ConversionError(f"{tag} value must be text, got {_describe(inner)}")


def _members(inner: object, tag: str) -> Sequence[Any]:
    if isinstance(inner, list | tuple):
        return inner
    raise ConversionError(f"{tag} value must be a list, got {_describe(inner)}")


def _single(value: object) -> tuple[str, Any]:
    if type(value) is dict and len(value) == 1:
        ((tag, inner),) = value.items()
        return tag, inner
    raise ConversionError(f"attribute value must be an object with one type tag, got {_describe(value)}")


def _bool(inner: object) -> bool:
    if inner is True or inner is False:
        return inner
    raise ConversionError(f"BOOL value must be true or false, got {_describe(inner)}")


def _json_s(inner: object, _depth: int) -> str:
    return encode_basestring(_text(inner, "S"))


def _json_n(inner: object, _depth: int) -> str:
    return _json_number(inner)


def _json_bool(inner: object, _depth: int) -> str:
    return "true" if _bool(inner) else "false"


def _json_null(_inner: object, _depth: int) -> str:
    return "null"


def _json_b(inner: object, _depth: int) -> str:
    return encode_basestring(_base64_text(inner, "B"))


def _json_m(inner: object, depth: int) -> str:
    if type(inner) is not dict:
        raise ConversionError(f"M value must be an object, got {_describe(inner)}")
    parts = []
    for name, member in inner.items():
        try:
            parts.append(f"{encode_basestring(_text(name, 'M key'))}:{render_json(member, depth + 1)}")
        except ConversionError as error:
            raise ConversionError(f"[{name!r}]: {error}") from None
    return "{" + ",".join(parts) + "}"


def _json_l(inner: object, depth: int) -> str:
    items = []
    for index, member in enumerate(_members(inner, "L")):
        try:
            items.append(render_json(member, depth + 1))
        except ConversionError as error:
            raise ConversionError(f"[{index}]: {error}") from None
    return "[" + ",".join(items) + "]"


def _json_strings(inner: object, tag: str) -> str:
    members = _members(inner, tag)
    try:
        return "[" + ",".join(map(encode_basestring, members)) + "]"
    except TypeError:
        for member in members:
            _text(member, tag)  # names the offending member
        raise


def _json_ss(inner: object, _depth: int) -> str:
    return _json_strings(inner, "SS")


def _json_ns(inner: object, _depth: int) -> str:
    return "[" + ",".join(map(_json_number, _members(inner, "NS"))) + "]"


def _json_bs(inner: object, _depth: int) -> str:
    members = _members(inner, "BS")
    return "[" + ",".join(encode_basestring(_base64_text(b, "BS")) for b in members) + "]"


_JSON_BY_TAG: dict[str, Callable[[Any, int], str]] = {
    "S": _json_s,
    "N": _json_n,
    "BOOL": _json_bool,
    "NULL": _json_null,
    "B": _json_b,
    "M": _json_m,
    "L": _json_l,
    "SS": _json_ss,
    "NS": _json_ns,
    "BS": _json_bs,
}


def render_json(value: object, _depth: int = 0) -> str:
    """One DynamoDB attribute value as compact JSON text (numbers verbatim, binary as base64)."""
    if _depth > MAX_DEPTH:
        raise ConversionError(f"value nested deeper than {MAX_DEPTH} levels")
    tag, inner = _single(value)
    render = _JSON_BY_TAG.get(tag)
    if render is None:
        raise ConversionError(f"unknown DynamoDB type tag {tag!r}")
    return render(inner, _depth)


def render_cell(value: object) -> str:
    """One DynamoDB attribute value (`{"S": "x"}`, `{"N": "1"}`, ...) as one spreadsheet-safe cell."""
    tag, inner = _single(value)
    if tag == "S":
        if type(inner) is str:
            return NEUTRALIZER + inner if inner[:1] in FORMULA_TRIGGERS else inner
        raise ConversionError(f"S value must be text, got {_describe(inner)}")
    if tag == "N":
        return _number_text(inner)
    if tag == "BOOL":
        return "true" if _bool(inner) else "false"
    if tag == "NULL":
        return ""
    if tag == "B":
        return neutralize(_base64_text(inner, tag))  # base64 may start with "+"
    render = _JSON_BY_TAG.get(tag)  # sets, lists and maps: JSON text, which starts with [ or {
    if render is None:
        raise ConversionError(f"unknown DynamoDB type tag {tag!r}")
    return render(inner, 0)


def render_image(image: Mapping[str, Any]) -> dict[str, str]:
    """A DynamoDB item (attribute name -> typed value) as attribute name -> cell.

    Same result as `render_cell` per attribute, with the two commonest cases (text and a plain integer)
    inlined: this loop is the hot path of a 10,000-record batch.
    """
    row: dict[str, str] = {}
    for name, value in image.items():
        # dict lookups by tag, not unpacking value.items(): the cheapest way to the one tag in Python
        if type(value) is dict and len(value) == 1:
            inner = value.get("S")
            if inner is not None:
                if type(inner) is str:
                    row[name] = NEUTRALIZER + inner if inner[:1] in FORMULA_TRIGGERS else inner
                    continue
            elif (inner := value.get("N")) is not None:
                # a plain integer or decimal fraction ("42", "19.99") needs no regular expression
                if type(inner) is str and (
                    (inner.replace(".", "", 1).isdigit() and inner.isascii()) or _number_match(inner)
                ):
                    row[name] = inner
                    continue
            elif (inner := value.get("BOOL")) is True or inner is False:
                row[name] = "true" if inner else "false"
                continue
            elif type(inner := value.get("SS")) is list:
                try:  # encode_basestring refuses a member that is not text: render_cell then says which
                    row[name] = "[" + ",".join(map(encode_basestring, inner)) + "]"
                    continue
                except TypeError:
                    pass
        try:
            row[name] = render_cell(value)
        except ConversionError as error:
            raise ConversionError(f"attribute {name!r}: {error}") from None
    return row


def _plain_json(value: object) -> str:
    try:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError) as error:
        raise ConversionError(f"value is not JSON: {error}") from None


def render_plain(value: object) -> str:
    """One plain JSON value (a Step Functions or direct input field) as one spreadsheet-safe cell.

    Text is neutralized like `S`; numbers are written as JSON writes them (the Lambda runtime has
    already parsed them, so a decimal input arrives as a float); booleans as `true`/`false`; null as
    an empty cell; lists and objects as compact JSON.
    """
    if type(value) is str:
        return neutralize(value)
    if value is None:
        return ""
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, int):
        return str(int(value))
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ConversionError(f"number {value!r} has no CSV form")
        return repr(value)
    if isinstance(value, dict | list | tuple):
        return _plain_json(value)
    raise ConversionError(f"value of type {type(value).__name__} is not JSON")


def render_object(item: Mapping[str, Any]) -> dict[str, str]:
    """A plain JSON object (one direct input) as field name -> cell."""
    row: dict[str, str] = {}
    for name, value in item.items():
        try:
            row[name] = render_plain(value)
        except ConversionError as error:
            raise ConversionError(f"field {name!r}: {error}") from None
    return row
