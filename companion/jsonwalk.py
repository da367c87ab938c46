"""Small, defensive helpers for walking JSON of unknown shape without raising: AliExpress's
payloads and the live lookups' answers alike."""

from __future__ import annotations


def dig(obj, *path, default=None):
    """``obj[p0][p1]…`` where every step may be missing or of the wrong type."""
    for key in path:
        if isinstance(obj, dict):
            obj = obj.get(key)
        elif isinstance(obj, list) and isinstance(key, int) and -len(obj) <= key < len(obj):
            obj = obj[key]
        else:
            return default
    return default if obj is None else obj


def as_list(value) -> list:
    """A list, whatever came: a lone value becomes a one-item list, junk an empty one."""
    if isinstance(value, list):
        return value
    if value is None or isinstance(value, (str, int, float, bool)):
        return []
    return [value]


def as_text(value) -> str:
    """A short string for any scalar; "" for containers and None."""
    if isinstance(value, bool) or value is None or isinstance(value, (dict, list)):
        return ""
    return str(value).strip()[:500]
