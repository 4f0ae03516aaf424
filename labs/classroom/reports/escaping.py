"""What a learner controls (a handler's error line, an S3 key, a CSV cell, a stack's status reason) reaches
every report as text: without control characters (a terminal that shows report.md would run ANSI escapes;
XML forbids them; a lone surrogate cannot even be written as UTF-8), escaped for Markdown and HTML, kept out
of spreadsheet formulas."""

from __future__ import annotations

import re
from html import escape

# CommonMark's backslash escapes: what could start emphasis, code, a link or image ([), HTML or an autolink
# (<), an entity (&), a table cell (|) or strikethrough (~), wherever it stands in a line
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>&|~])")
# OWASP, "CSV Injection": a cell starting with one of these is read as a formula by spreadsheet programs
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# XML 1.0 (section 2.2, Char): anything outside these ranges makes the whole document unparseable
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def plain_text(text: str) -> str:
    """Text with the characters XML 1.0 forbids (control characters but tab and line breaks, lone
    surrogates) dropped: what every report writes of a learner's text."""
    return _NOT_XML.sub("", text)


def markdown_text(text: str) -> str:
    """Text Markdown shows as written, on one line: no emphasis, link, image, HTML or table cell break."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(plain_text(text).splitlines()))


def html_text(text: str) -> str:
    """Text HTML shows as written, in an element or a quoted attribute."""
    return escape(plain_text(text))


def spreadsheet_cell(text: str) -> str:
    """A CSV cell a spreadsheet never evaluates: a leading formula character is quoted with `'`."""
    text = plain_text(text)
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text
