"""Small, defensive helpers for walking JSON of unknown shape without raising."""

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


def components(body, marker: str, depth: int = 4) -> dict:
    """The Ultron component bag (``{"<tag>_<id>": {...}}``) inside an mtop response, if any.

    Accepts the whole response (``{api, data: {data: {...}}}``), its ``data``, or the bag itself.
    """
    node = body
    for _ in range(depth):
        if not isinstance(node, dict):
            return {}
        if any(isinstance(k, str) and k.startswith(marker) for k in node):
            return node
        node = node.get("data")
    return {}


def button_kinds(buttons) -> list[str]:
    """What an Ultron ``buttons``/``buttonVOList`` lets the buyer do ("tracking", "pay" …), by
    each button's type, else its label; each kind once, in order."""
    from companion.parsing import vocabulary

    kinds: list[str] = []
    for button in as_list(buttons):
        if isinstance(button, dict):
            kind = vocabulary.button_kind(as_text(button.get("text")), as_text(button.get("type")))
            if kind and kind not in kinds:
                kinds.append(kind)
    return kinds
