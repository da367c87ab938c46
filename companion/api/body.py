"""Reading a JSON request body strictly: JSON only (415), an object (400), typed fields (400)."""

from __future__ import annotations

import json
import re

from flask import request

from companion.errors import ApiError
from companion.i18n import LANGS

_SURROGATE = re.compile("[\ud800-\udfff]")
# How a lone surrogate gets into a body: escaped ("\ud800", any case), or as the raw bytes of
# one (CESU-8: ED A0..BF), which Python's JSON reader lets through. A strict UTF-8 decoding
# refuses the raw bytes; the escaped ones are found by one scan of the text. Without either, the
# walk below would find nothing (a 50-order capture with its relayed payloads is some 100,000
# strings), so it runs only when the scan finds one or the body is not strict UTF-8.
_ESCAPED_SURROGATE = re.compile(r"\\u[dD][89a-fA-F]")


def json_object() -> dict:
    if not request.is_json:
        raise ApiError(415, "unsupported_media_type", "Send the body as JSON with 'Content-Type: application/json'.")
    raw = request.get_data(cache=True)
    text = None
    if json.detect_encoding(raw) == "utf-8":
        try:
            text = raw.decode("utf-8")  # strict: once, and cheaper than the reader's own decoding
        except UnicodeDecodeError:
            pass  # raw surrogates, or not UTF-8 at all: read as the JSON reader reads bytes
    try:
        body = json.loads(raw if text is None else text)
    except RecursionError:  # Python's JSON reader gives up on ~1000 levels of nesting
        raise ApiError(400, "invalid_json", "The body is nested too deeply to be read.") from None
    except ValueError:  # UnicodeDecodeError among them
        raise ApiError(400, "invalid_json", "The body is not valid JSON.") from None
    if not isinstance(body, dict):
        raise ApiError(400, "invalid_body", "The body must be a JSON object.")
    if text is not None and not _ESCAPED_SURROGATE.search(text):
        return body
    return _well_formed(body)


def field(body: dict, name: str, kind: type | tuple, required: bool = False, limit: int | None = None):
    value = body.get(name)
    if value is None:
        if required:
            raise ApiError(400, "missing_field", f"'{name}' is required.")
        return None
    if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
        names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        raise ApiError(400, "invalid_field", f"'{name}' must be a {names.replace('str', 'string').replace('list', 'list')}.")
    if limit is not None and len(value) > limit:
        raise ApiError(400, "invalid_field", f"'{name}' is longer than {limit}.")
    return value


def body_lang(body: dict) -> str:
    """The answer's language: ``lang`` of the body, Korean when absent."""
    lang = field(body, "lang", str, limit=8) or "ko"
    if lang not in LANGS:
        raise ApiError(400, "invalid_field", "'lang' must be 'ko' or 'en'.")
    return lang


def _well_formed(body: dict) -> dict:
    """``body`` with every lone UTF-16 surrogate (in values and keys) replaced by U+FFFD.

    JSON may escape one (``"\\ud800"``: JavaScript's ``JSON.stringify`` writes it for an emoji cut
    in half), and Python's reader also lets raw CESU-8 bytes through, but no UTF-8 text can hold
    it: left in, it breaks the history store and the UTF-8 answer. Walked without recursion,
    since the body may be nested almost as deep as the reader allows.
    """
    stack: list = [body]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for key, value in list(node.items()):
                if isinstance(value, str):
                    value = _text(value)
                elif isinstance(value, (dict, list)):
                    stack.append(value)
                clean = _text(key)
                if clean != key:
                    del node[key]
                node[clean] = value
        else:
            for index, value in enumerate(node):
                if isinstance(value, str):
                    node[index] = _text(value)
                elif isinstance(value, (dict, list)):
                    stack.append(value)
    return body


def _text(value: str) -> str:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return _SURROGATE.sub("\ufffd", value)
    return value
