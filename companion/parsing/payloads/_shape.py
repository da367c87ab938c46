"""What AliExpress's Ultron payloads share: the component bag and the buttons.

The helpers for JSON of unknown shape live in :mod:`companion.jsonwalk`; they are imported here
for the payload readers."""

from __future__ import annotations

from companion.jsonwalk import as_list  # noqa: F401  (the readers import them from here)
from companion.jsonwalk import as_text
from companion.jsonwalk import dig  # noqa: F401


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
