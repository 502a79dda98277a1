"""JSON read exactly as it was written, or refused when it is ambiguous.

Submissions arrive as JSON from the service, the CLI and batch files. Python's json
module would read `4.99999999999999999999999999999` as the float 5.0, let the last
of two equal keys win, take `NaN` and lone surrogates (`"\\ud800"`), and fail with a
RecursionError on deep nesting. Here numbers become exact decimals (so their digits
can be counted as written) and everything else ambiguous is an error with its place.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from .errors import KaopingError
from .messages import say

MAX_INT_DIGITS = 30  # longer integers are kept as decimals, refused later by their digits


class JsonTextError(json.JSONDecodeError, KaopingError):
    """JSON that cannot be read unambiguously; `msg` says why, in Chinese."""


class _Refused(Exception):
    def __init__(self, message: str):
        self.message = message


def _integer(text: str) -> int | Decimal:
    return int(text) if len(text) <= MAX_INT_DIGITS else Decimal(text)


def _constant(name: str) -> Any:
    raise _Refused(say("json.constant", name=name))


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _Refused(say("json.duplicate_key", key=_quoted(key)))
        result[key] = value
    return result


def _quoted(text: str) -> str:
    shown = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return '"' + (shown if len(shown) <= 40 else shown[:28] + "…") + '"'


def _no_surrogates(document: Any) -> None:
    """Refuse text with lone surrogates: they are not characters and cannot be stored."""
    stack = [document]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            texts: tuple = (item,)
        elif isinstance(item, dict):
            texts = tuple(item)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
            continue
        else:
            continue
        for text in texts:
            if not text.isascii():
                try:
                    text.encode("utf-8")
                except UnicodeEncodeError:
                    raise _Refused(say("json.surrogates", text=_quoted(text))) from None


def loads(text: str | bytes) -> Any:
    """The document, with exact decimals; JsonTextError names the problem and its place."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as error:
            raise JsonTextError(say("json.not_utf8", byte=error.start + 1), "", 0) from None
    try:
        document = json.loads(
            text, parse_float=Decimal, parse_int=_integer, parse_constant=_constant, object_pairs_hook=_object
        )
        _no_surrogates(document)
    except _Refused as refused:
        raise JsonTextError(refused.message, text, 0) from None
    except RecursionError:
        raise JsonTextError(say("json.too_deep"), text, 0) from None
    except json.JSONDecodeError as error:
        raise JsonTextError(say("json.invalid", detail=error.msg), text, error.pos) from None
    return document
