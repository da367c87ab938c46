"""Reading a JSON request body strictly: JSON only (415), an object (400), typed fields (400)."""

from __future__ import annotations

import json
import re

from flask import request

from companion.errors import ApiError
from companion.i18n import LANGS

_SURROGATE = re.compile("[\ud800-\udfff]")
# How a lone surrogate gets into a UTF-8 body: escaped ("\ud800", any case), or as the raw bytes
# of one (CESU-8: ED A0..BF). Without either, the walk below would find nothing: one byte scan
# saves it (a 50-order capture with its relayed payloads is some 100,000 strings). Two patterns,
# not one alternation: each is a literal scan (1-2 ms for 4 MB), the alternation 30 times slower.
_ESCAPED_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F]")
_CESU_SURROGATE = re.compile(rb"\xed[\xa0-\xbf]")


def json_object() -> dict:
    if not request.is_json:
        raise ApiError(415, "unsupported_media_type", "Send the body as JSON with 'Content-Type: application/json'.")
    try:
        body = request.get_json(silent=True)
    except RecursionError:  # Python's JSON reader gives up on ~1000 levels of nesting
        raise ApiError(400, "invalid_json", "The body is nested too deeply to be read.") from None
    if body is None:
        raise ApiError(400, "invalid_json", "The body is not valid JSON.")
    if not isinstance(body, dict):
        raise ApiError(400, "invalid_body", "The body must be a JSON object.")
    raw = request.get_data(cache=True)
    if json.detect_encoding(raw) == "utf-8" and not _ESCAPED_SURROGATE.search(raw) and not _CESU_SURROGATE.search(raw):
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
